//! Several `autolynx serve` on one PostgreSQL database: one holds the runtime lease and runs
//! the campaigns, the others wait as standbys. A standby takes over when the holder stops
//! renewing (crash, pause, partition) or hands the lease back (SIGTERM); a holder that lost
//! the lease is fenced — it claims and dials nothing more — and stops.
//!
//! SQLite serves one process (its lock file; `healing::a_second_process_on_the_same_sqlite_
//! file_is_refused`): these tests return at once there.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::simulator::{MsRange, OutcomeMix, Simulator, SimulatorConfig, Timings};
use autolynx::store;
use autolynx::store::entities::{call, contact};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::healing::{Api, spawn_serve};
use crate::helpers::{
    TestDb, WEBHOOK_SECRET, assert_never_twice, cli_admin_token, free_port, spawn_app_with_sim,
};

/// A child `autolynx serve` that may be a standby (not listening yet); SIGKILLed when dropped.
struct Node {
    child: Child,
    port: u16,
}

impl Node {
    /// Starts `serve` without waiting for it to listen.
    fn start(db_url: &str, sim: &Simulator, lease: (&str, &str)) -> Self {
        let port = free_port();
        let extra = [
            ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", lease.0),
            ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", lease.1),
        ];
        let child = spawn_serve(db_url, sim, &extra, port);
        Self { child, port }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.pid()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} failed");
    }

    async fn healthy(&self) -> bool {
        reqwest::Client::new()
            .get(format!("http://127.0.0.1:{}/api/health", self.port))
            .timeout(Duration::from_millis(500))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
    }

    /// Waits until it answers its health check (it runs the campaigns); panics after `limit`.
    async fn until_serving(&self, limit: Duration) -> Duration {
        let started = Instant::now();
        while !self.healthy().await {
            assert!(started.elapsed() < limit, "not serving after {limit:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        started.elapsed()
    }

    /// Waits for the process to end; its exit code.
    async fn exit_code(&mut self, limit: Duration) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(started.elapsed() < limit, "still running after {limit:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // A stopped process must be continued to die at once.
        let _ = Command::new("kill")
            .args(["-CONT", &self.pid()])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn simulator_config(call_ms: u64) -> SimulatorConfig {
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(call_ms, call_ms),
        ..Timings::fast()
    };
    config
}

/// The lease's rules, straight on the database: one holder at a time, a takeover only after
/// expiry and with a new epoch, the old epoch fenced, renewals only by the holder, hand-back.
#[tokio::test]
async fn the_lease_has_one_holder_and_fences_the_previous_epoch() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return; // SQLite: one process per file (its lock), no lease.
    }
    let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
    store::migrate(&db).await.unwrap();
    let ttl = Duration::from_secs(30);
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());

    let first = store::lease::acquire(&db, a, "a", ttl).await.unwrap();
    assert_eq!(first, Some(1));
    assert_eq!(store::lease::acquire(&db, b, "b", ttl).await.unwrap(), None);
    store::lease::check(&db, a, 1).await.unwrap();
    assert!(
        store::lease::check(&db, b, 1).await.is_err(),
        "b never held it"
    );
    assert!(store::lease::renew(&db, a, 1, ttl).await.unwrap());
    assert!(!store::lease::renew(&db, b, 1, ttl).await.unwrap());
    let held = store::lease::holder(&db).await.unwrap().unwrap();
    assert_eq!(
        (held.node_id, held.epoch, held.holder.as_str()),
        (a, 1, "a")
    );
    assert!(held.expires_in_ms > 20_000, "{held:?}");

    // a stops renewing (its expiry passes): b takes over with the next epoch.
    db.execute_unprepared("UPDATE runtime_leases SET expires_at = now() - interval '1 second'")
        .await
        .unwrap();
    assert_eq!(
        store::lease::acquire(&db, b, "b", ttl).await.unwrap(),
        Some(2)
    );
    let fenced = store::lease::check(&db, a, 1).await.unwrap_err();
    assert!(
        fenced.to_string().contains(store::lease::FENCED),
        "{fenced}"
    );
    assert!(store::is_transient(&fenced), "a fence refusal heals");
    assert!(
        !store::lease::renew(&db, a, 1, ttl).await.unwrap(),
        "a lost it"
    );
    assert_eq!(store::lease::acquire(&db, a, "a", ttl).await.unwrap(), None);

    // b hands it back: a takes it at once, at the next epoch.
    assert!(store::lease::release(&db, b, 2).await.unwrap());
    assert!(!store::lease::release(&db, b, 2).await.unwrap(), "once");
    assert_eq!(
        store::lease::acquire(&db, a, "a", ttl).await.unwrap(),
        Some(3)
    );
    assert!(store::lease::check(&db, b, 2).await.is_err());
}

/// A process whose lease another process took writes no claim and places no call, then
/// shuts down: the campaign's contacts stay PENDING for the new holder.
#[tokio::test]
async fn a_process_that_lost_its_lease_claims_nothing_and_stops() {
    let app = spawn_app_with_sim(
        simulator_config(200),
        &[
            ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "6000"),
            ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "2000"),
        ],
    )
    .await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return; // SQLite: one process per file (its lock), no lease.
    }
    let id = app.created_campaign(6, &[("cap", "3")]).await;
    // Another node takes the lease (as if this process had been paused past its expiry).
    app.db
        .execute_unprepared(&format!(
            "UPDATE runtime_leases SET node_id = '{}', epoch = epoch + 1, holder = 'elsewhere', \
             expires_at = now() + interval '60 seconds'",
            Uuid::now_v7()
        ))
        .await
        .unwrap();
    let started = app
        .request(
            reqwest::Method::POST,
            &format!("/api/campaigns/{id}/start"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    // Its next renewal finds the lease gone: it stops serving.
    let deadline = Instant::now() + Duration::from_secs(15);
    while app
        .client
        .get(app.url("/api/health"))
        .timeout(Duration::from_millis(500))
        .send()
        .await
        .is_ok()
    {
        assert!(Instant::now() < deadline, "still serving without its lease");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.sim.stats().create_requests,
        0,
        "a fenced process dialed"
    );
    // (The app closed its pool when it stopped: read with a connection of our own.)
    let db = sea_orm::Database::connect(secrecy::ExposeSecret::expose_secret(
        &app.settings.database.url,
    ))
    .await
    .unwrap();
    let campaign_id: Uuid = id.parse().unwrap();
    let contacts = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(contacts.len(), 6);
    assert!(
        contacts.iter().all(|c| c.status.as_str() == "PENDING"),
        "claimed without the lease: {:?}",
        contacts.iter().map(|c| c.status).collect::<Vec<_>>()
    );
    let intents = call::Entity::find()
        .filter(call::Column::CampaignId.eq(campaign_id))
        .all(&db)
        .await
        .unwrap();
    assert!(intents.is_empty(), "a dial intent was written: {intents:?}");
}

/// Failover: the holder is paused (SIGSTOP) mid-campaign; the standby takes over once the
/// lease expires and finishes the campaign. Continued, the old holder finds its lease taken
/// and exits (75) without dialing; nobody is dialed twice and the cap holds throughout.
#[tokio::test]
async fn a_standby_takes_over_from_a_paused_holder_which_then_stops_without_dialing() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return; // SQLite: one process per file (its lock), no lease.
    }
    let sim = Simulator::start(simulator_config(1_500)).await.unwrap();
    let api = Api {
        client: reqwest::Client::new(),
        token: cli_admin_token(&test_db.url, "admin"),
    };
    let lease = ("2000", "400");
    let mut first = Node::start(&test_db.url, &sim, lease);
    first.until_serving(Duration::from_secs(20)).await;
    sim.set_webhook_url(format!("http://127.0.0.1:{}/api/webhooks/vapi", first.port));
    let standby = Node::start(&test_db.url, &sim, lease);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!standby.healthy().await, "a standby serves nothing");

    let id = api.create_campaign(first.port, 12, &[("cap", "3")]).await;
    api.post(first.port, &format!("/api/campaigns/{id}/start"), None)
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.stats().calls_created < 3 {
        assert!(Instant::now() < deadline, "no calls placed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.signal("-STOP");
    // The load balancer sends the webhooks to whoever serves.
    sim.set_webhook_url(format!(
        "http://127.0.0.1:{}/api/webhooks/vapi",
        standby.port
    ));
    let failover = standby.until_serving(Duration::from_secs(15)).await;
    assert!(failover < Duration::from_secs(10), "{failover:?}");
    let created_at_takeover = sim.stats().create_requests;

    first.signal("-CONT");
    assert_eq!(
        first.exit_code(Duration::from_secs(15)).await,
        Some(75),
        "the old holder stops with EX_TEMPFAIL"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while api.status(standby.port, &id).await.as_deref() != Some("COMPLETED") {
        assert!(Instant::now() < deadline, "the standby did not finish it");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = sim.stats();
    assert_never_twice(&stats);
    assert!(stats.max_active_account <= 3, "cap exceeded: {stats:?}");
    assert!(stats.create_requests >= created_at_takeover);
    assert_eq!(
        stats.dials_by_customer.len(),
        12,
        "every contact dialed once"
    );
}

/// SIGTERM hands the lease back: the standby takes over at once, long before the lease would
/// have expired.
#[tokio::test]
async fn sigterm_hands_the_lease_to_the_standby_at_once() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return; // SQLite: one process per file (its lock), no lease.
    }
    let sim = Simulator::start(simulator_config(200)).await.unwrap();
    let lease = ("60000", "1000");
    let mut first = Node::start(&test_db.url, &sim, lease);
    first.until_serving(Duration::from_secs(20)).await;
    let standby = Node::start(&test_db.url, &sim, lease);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!standby.healthy().await, "a standby serves nothing");
    let sent = Instant::now();
    first.signal("-TERM");
    assert_eq!(first.exit_code(Duration::from_secs(15)).await, Some(0));
    standby.until_serving(Duration::from_secs(15)).await;
    let takeover = sent.elapsed();
    assert!(
        takeover < Duration::from_secs(10),
        "took {takeover:?}: the lease was waited out, not handed back"
    );
}

//! Several `autolynx serve` processes (nodes) on one PostgreSQL database, each running a fair
//! share of the campaigns, with the simulator sending webhooks to all of them in turn (a load
//! balancer's round robin). A campaign is run by the node holding its lease; a node that dies
//! or is paused past its lease's expiry loses its campaigns to the others, and a node that lost
//! a campaign is fenced — it claims and dials nothing more for it. The account's limit is a
//! slot table shared by every node.
//!
//! SQLite serves one process (its lock file; `healing::a_second_process_on_the_same_sqlite_
//! file_is_refused`): these tests return at once there.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::simulator::{
    MsRange, OutcomeMix, Simulator, SimulatorConfig, TimelineKind, Timings, WebhookDelivery,
};
use autolynx::store;
use autolynx::store::entities::{call, contact};
use reqwest::StatusCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    Statement,
};
use uuid::Uuid;

use crate::healing::Api;
use crate::helpers::{
    FAST_RUNTIME, TestDb, WEBHOOK_SECRET, assert_never_twice, cli_admin_token, free_port,
    spawn_app_with_sim,
};

/// A child `autolynx serve`, its log kept in a file; SIGKILLed when dropped.
struct Node {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Node {
    /// Starts `serve` without waiting for it to listen.
    fn start(db_url: &str, sim: &Simulator, extra: &[(&str, &str)]) -> Self {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("serve.log");
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_autolynx"))
            .arg("serve")
            .env("DATABASE_URL", db_url)
            .env("VAPI_BASE_URL", sim.base_url())
            .env("VAPI_API_KEY", sim.api_key())
            .env("WEBHOOK_SHARED_SECRET", WEBHOOK_SECRET)
            .env("VAPI_PHONE_NUMBER_ID", "phone-test")
            .env("LOG_LEVEL", "warn")
            .envs(FAST_RUNTIME.iter().copied())
            // Two tests of three nodes each run at once: with the default pool of 10 per node
            // they would take most of PostgreSQL's 100 connections, and the tests beside them
            // would find none.
            .env("AUTOLYNX__DATABASE__MAX_CONNECTIONS", "5")
            .envs(extra.iter().copied())
            .env("AUTOLYNX__SERVER__BIND", format!("127.0.0.1:{port}"))
            .env_remove("AUTOLYNX_CONFIG")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("start autolynx serve");
        Self {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn webhook_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/webhooks/vapi", self.port)
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} failed");
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn healthy(&self) -> bool {
        reqwest::Client::new()
            .get(format!("http://127.0.0.1:{}/api/health", self.port))
            .timeout(Duration::from_millis(500))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
    }

    async fn until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.healthy().await {
            assert!(
                Instant::now() < deadline,
                "not serving after 30 s: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Dials this node's provider client placed (its accepted `POST /call` answers).
    async fn dials(&self) -> u64 {
        let text = reqwest::get(format!("http://127.0.0.1:{}/metrics", self.port))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .filter(|l| l.starts_with("autolynx_dials_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }

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
            .args(["-CONT", &self.pid().to_string()])
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
    // A node that is down or paused does not answer: the next attempt goes to the next node.
    config.webhook_delivery = WebhookDelivery {
        max_retries: 10,
        backoff_ms: 20,
        timeout_ms: 500,
    };
    config
}

/// Nodes on a fresh PostgreSQL database, the simulator sending webhooks to all of them in turn.
struct Fixture {
    _test_db: TestDb,
    url: String,
    sim: Simulator,
    db: DatabaseConnection,
    api: Api,
    nodes: Vec<Node>,
    settings: Vec<(&'static str, &'static str)>,
}

impl Fixture {
    /// `n` nodes started with `settings`, serving and live; `None` on SQLite (one process per
    /// file: no cluster).
    async fn start(
        n: usize,
        config: SimulatorConfig,
        settings: &[(&'static str, &'static str)],
    ) -> Option<Self> {
        let test_db = TestDb::new().await;
        if !test_db.is_postgres() {
            return None;
        }
        let url = test_db.url.clone();
        let mut fixture = Self {
            sim: Simulator::start(config).await.unwrap(),
            db: sea_orm::Database::connect(&url).await.unwrap(),
            api: Api {
                client: reqwest::Client::new(),
                token: cli_admin_token(&url, "admin"),
            },
            nodes: Vec::new(),
            settings: settings.to_vec(),
            url,
            _test_db: test_db,
        };
        for _ in 0..n {
            fixture.add_node().await;
        }
        Some(fixture)
    }

    /// One more node, serving and live; webhooks go to every node.
    async fn add_node(&mut self) {
        self.add_node_with(&[]).await;
    }

    /// [`Self::add_node`] with settings of its own besides the fixture's.
    async fn add_node_with(&mut self, own: &[(&str, &str)]) {
        let mut settings = self.settings.clone();
        settings.extend_from_slice(own);
        let node = Node::start(&self.url, &self.sim, &settings);
        node.until_serving().await;
        self.nodes.push(node);
        self.route_webhooks();
        let (db, n) = (&self.db, self.nodes.len());
        until("every node live", Duration::from_secs(30), || async move {
            live_nodes(db).await >= n
        })
        .await;
    }

    /// Webhooks go to every node, in turn.
    fn route_webhooks(&self) {
        let urls: Vec<String> = self.nodes.iter().map(Node::webhook_url).collect();
        self.sim.set_webhook_urls(&urls);
    }

    /// A campaign of `n` contacts numbered from `first`, created and started through node
    /// `via`.
    async fn started(
        &self,
        via: usize,
        first: usize,
        n: usize,
        fields: &[(&str, &str)],
    ) -> (String, Uuid) {
        let port = self.nodes[via].port;
        let id = self.api.create_campaign_from(port, first, n, fields).await;
        self.api
            .post(port, &format!("/api/campaigns/{id}/start"), None)
            .await;
        let campaign = id.parse().unwrap();
        (id, campaign)
    }
}

/// One query, its rows.
async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
}

/// Which node (by pid) holds each campaign's unexpired lease.
async fn owners(db: &DatabaseConnection) -> HashMap<Uuid, u32> {
    rows(
        db,
        "SELECT l.campaign_id, n.holder FROM campaign_leases l \
         JOIN cluster_nodes n ON n.node_id = l.node_id WHERE l.expires_at > now()",
    )
    .await
    .into_iter()
    .map(|r| {
        let holder: String = r.try_get("", "holder").unwrap();
        let pid = holder.rsplit(' ').next().unwrap().parse().unwrap();
        (r.try_get("", "campaign_id").unwrap(), pid)
    })
    .collect()
}

async fn live_nodes(db: &DatabaseConnection) -> usize {
    store::cluster::live_nodes(db).await.unwrap().len()
}

async fn until<F, Fut>(what: &str, limit: Duration, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    started.elapsed()
}

async fn all_completed(api: &Api, port: u16, ids: &[String]) -> bool {
    for id in ids {
        if api.status(port, id).await.as_deref() != Some("COMPLETED") {
            return false;
        }
    }
    true
}

/// Every contact of these campaigns settled with exactly one call (nothing lost, nothing
/// doubled).
async fn assert_each_contact_called_once(db: &DatabaseConnection, ids: &[String]) {
    for id in ids {
        let campaign: Uuid = id.parse().unwrap();
        let contacts = contact::Entity::find()
            .filter(contact::Column::CampaignId.eq(campaign))
            .all(db)
            .await
            .unwrap();
        let calls = call::Entity::find()
            .filter(call::Column::CampaignId.eq(campaign))
            .filter(call::Column::ProviderCallId.is_not_null())
            .all(db)
            .await
            .unwrap();
        let mut per_contact: BTreeMap<Uuid, usize> = BTreeMap::new();
        for c in &calls {
            *per_contact.entry(c.contact_id).or_default() += 1;
        }
        for c in &contacts {
            assert_eq!(
                per_contact.get(&c.id).copied().unwrap_or(0),
                1,
                "contact {} ({}) of {id}",
                c.id,
                c.status
            );
            assert_ne!(c.status.as_str(), "PENDING", "lost: {}", c.id);
        }
    }
}

/// The lease's rules, straight on the database: one owner per campaign, a takeover only after
/// expiry and with a new epoch, the old epoch fenced, renewals only by the owner, hand-back of
/// every lease when a node leaves.
#[tokio::test]
async fn campaign_leases_have_one_owner_and_fence_the_previous_epoch() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return; // SQLite: one process per file (its lock), no cluster.
    }
    let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
    store::migrate(&db).await.unwrap();
    let ttl = Duration::from_secs(30);
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let (c1, c2) = (Uuid::now_v7(), Uuid::now_v7());
    use sea_orm::TransactionTrait;
    use store::cluster::{acquire, check, leave, owner, release, renew};

    assert_eq!(acquire(&db, c1, a, ttl).await.unwrap(), Some(1));
    assert_eq!(acquire(&db, c2, a, ttl).await.unwrap(), Some(1));
    assert_eq!(acquire(&db, c1, b, ttl).await.unwrap(), None, "a holds it");
    check(&db, c1, a, 1).await.unwrap();
    assert!(check(&db, c1, b, 1).await.is_err(), "b never held it");
    assert!(renew(&db, c1, a, 1, ttl).await.unwrap());
    assert!(
        !renew(&db, c1, b, 1, ttl).await.unwrap(),
        "b does not hold it"
    );
    assert_eq!(owner(&db, c1).await.unwrap(), Some((a, 1)));

    // a stops renewing c1 (its expiry passes): b takes it over with the next epoch.
    db.execute_unprepared(&format!(
        "UPDATE campaign_leases SET expires_at = now() - interval '1 second' \
         WHERE campaign_id = '{c1}'"
    ))
    .await
    .unwrap();
    assert_eq!(owner(&db, c1).await.unwrap(), None, "expired: nobody");
    assert_eq!(acquire(&db, c1, b, ttl).await.unwrap(), Some(2));
    let fenced = check(&db, c1, a, 1).await.unwrap_err();
    assert!(store::is_fenced(&fenced), "{fenced}");
    assert!(store::is_transient(&fenced), "a fence refusal heals");
    assert!(!renew(&db, c1, a, 1, ttl).await.unwrap(), "a lost c1");
    assert!(renew(&db, c2, a, 1, ttl).await.unwrap(), "and kept c2");

    // b hands c1 back: a takes it at once, at the next epoch.
    assert!(release(&db, c1, b, 2).await.unwrap());
    assert!(!release(&db, c1, b, 2).await.unwrap(), "once");
    assert_eq!(acquire(&db, c1, a, ttl).await.unwrap(), Some(3));
    assert!(check(&db, c1, b, 2).await.is_err());

    // a leaves: both its leases are free at once, and it is no longer a live node.
    store::cluster::heartbeat(&db, a, "a", ttl, 2, false, true)
        .await
        .unwrap();
    store::cluster::heartbeat(&db, b, "b", ttl, 0, true, true)
        .await
        .unwrap();
    assert_eq!(live_nodes(&db).await, 2);
    assert_eq!(leave(&db, a).await.unwrap(), 2);
    assert_eq!(live_nodes(&db).await, 1);
    assert_eq!(acquire(&db, c1, b, ttl).await.unwrap(), Some(4));
    assert_eq!(acquire(&db, c2, b, ttl).await.unwrap(), Some(2));

    // b is stopped in the middle of a fenced write (its transaction holds the lease row) and
    // the lease expires: a taker does not wait for the lock — its own renewals go on — and
    // takes the lease once the transaction is gone.
    let expire = format!(
        "UPDATE campaign_leases SET expires_at = now() - interval '1 second' \
         WHERE campaign_id = '{c2}'"
    );
    db.execute_unprepared(&expire).await.unwrap();
    let stopped = db.begin().await.unwrap();
    stopped
        .execute_unprepared(&format!(
            "SELECT epoch FROM campaign_leases WHERE campaign_id = '{c2}' FOR SHARE"
        ))
        .await
        .unwrap();
    let taken = tokio::time::timeout(Duration::from_secs(10), acquire(&db, c2, a, ttl))
        .await
        .expect("the taker waited for the stopped node's lock");
    assert_eq!(taken.unwrap(), None, "still locked: not taken yet");
    stopped.rollback().await.unwrap();
    assert_eq!(acquire(&db, c2, a, ttl).await.unwrap(), Some(3));

    // The same, with a serving process's pool: PostgreSQL ends the stopped node's idle
    // transaction by itself (`store::connect_serving`), and the lease can be taken.
    let settings = autolynx::config::DatabaseSettings {
        url: test_db.url.clone().into(),
        max_connections: 2,
        connect_timeout_secs: 5,
        group_commit_max_batch: 1,
        group_commit_max_wait_ms: 0,
        group_commit_writers: 1,
    };
    let node = store::connect_serving(&settings, Duration::from_millis(300))
        .await
        .unwrap();
    db.execute_unprepared(&expire).await.unwrap();
    let stopped = node.begin().await.unwrap();
    stopped
        .execute_unprepared(&format!(
            "SELECT epoch FROM campaign_leases WHERE campaign_id = '{c2}' FOR SHARE"
        ))
        .await
        .unwrap();
    until(
        "the idle transaction ended",
        Duration::from_secs(10),
        || async { acquire(&db, c2, b, ttl).await.unwrap().is_some() },
    )
    .await;
    let ended = stopped.commit().await.unwrap_err();
    assert!(store::is_transient(&ended), "{ended}");
    assert_eq!(owner(&db, c2).await.unwrap(), Some((b, 4)));
}

/// The account's slots: as many as the limit, taken in the claim's transaction (two
/// transactions never get the same one), freed when the call's end is stored, and a slot
/// whose call is no longer live is reclaimed.
#[tokio::test]
async fn account_slots_are_shared_and_freed_when_calls_end() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return;
    }
    let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
    store::migrate(&db).await.unwrap();
    use sea_orm::TransactionTrait;
    use store::cluster::{
        assign_slots, free_slot, lock_free_slots, reclaim_slots, size_slots, slots_held,
        slots_taken, trim_slots,
    };
    size_slots(&db, 3).await.unwrap();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());

    // Two transactions at once: the second skips what the first locked.
    let t1 = db.begin().await.unwrap();
    let t2 = db.begin().await.unwrap();
    let first = lock_free_slots(&t1, 2).await.unwrap();
    let second = lock_free_slots(&t2, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(second.len(), 1, "only one slot was left: {second:?}");
    assert!(first.iter().all(|s| !second.contains(s)));
    let (x, y, z) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    assign_slots(&t1, a, &[(first[0], x), (first[1], y)])
        .await
        .unwrap();
    assign_slots(&t2, b, &[(second[0], z)]).await.unwrap();
    t1.commit().await.unwrap();
    t2.commit().await.unwrap();
    assert_eq!(slots_taken(&db).await.unwrap(), 3);
    assert_eq!(slots_held(&db, a).await.unwrap(), 2);
    assert!(
        lock_free_slots(&db, 1).await.unwrap().is_empty(),
        "all taken"
    );

    free_slot(&db, x).await.unwrap();
    assert_eq!(slots_taken(&db).await.unwrap(), 2);
    // y and z name no live call (there are no calls at all), but were just taken (a claim
    // committed while the reclaim read may be behind them): kept for now.
    assert_eq!(reclaim_slots(&db).await.unwrap(), 0);
    db.execute_unprepared(
        "UPDATE account_slots SET taken_at = now() - interval '1 minute' \
         WHERE call_id IS NOT NULL",
    )
    .await
    .unwrap();
    // A slot locked by an open transaction is skipped, not waited for.
    let t3 = db.begin().await.unwrap();
    t3.execute_unprepared(&format!(
        "SELECT slot FROM account_slots WHERE call_id = '{z}' FOR UPDATE"
    ))
    .await
    .unwrap();
    assert_eq!(reclaim_slots(&db).await.unwrap(), 1, "y only");
    t3.rollback().await.unwrap();
    assert_eq!(reclaim_slots(&db).await.unwrap(), 1, "then z");
    assert_eq!(slots_taken(&db).await.unwrap(), 0);

    // The limit lowered: free slots above it go.
    size_slots(&db, 1).await.unwrap();
    assert_eq!(lock_free_slots(&db, 5).await.unwrap().len(), 1);

    // Lowered while a slot above it was taken: that slot goes once its call has ended.
    size_slots(&db, 3).await.unwrap();
    let w = Uuid::now_v7();
    assign_slots(&db, a, &[(2, w)]).await.unwrap();
    size_slots(&db, 1).await.unwrap();
    assert_eq!(trim_slots(&db, 1).await.unwrap(), 0, "slot 2 is taken");
    free_slot(&db, w).await.unwrap();
    assert_eq!(trim_slots(&db, 1).await.unwrap(), 1);
    assert_eq!(lock_free_slots(&db, 5).await.unwrap(), vec![0]);
}

/// A node whose campaign another node took writes no claim and places no call for it: the
/// contacts it had not claimed stay PENDING for the new owner, and it says so in its log.
#[tokio::test]
async fn a_node_that_lost_a_campaign_claims_and_dials_nothing_more_for_it() {
    let app = spawn_app_with_sim(simulator_config(1_500), &[]).await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return; // SQLite: one process per file (its lock), no cluster.
    }
    let id = app.created_campaign(8, &[("cap", "2")]).await;
    let started = app
        .request(
            reqwest::Method::POST,
            &format!("/api/campaigns/{id}/start"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.sim.stats().create_requests < 2 {
        assert!(Instant::now() < deadline, "no calls placed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Another node takes the lease over (as if this one had been paused past its expiry).
    let campaign_id: Uuid = id.parse().unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE campaign_leases SET node_id = '{}', epoch = epoch + 1, \
             expires_at = now() + interval '60 seconds' WHERE campaign_id = '{campaign_id}'",
            Uuid::now_v7()
        ))
        .await
        .unwrap();
    // The two calls end (1.5 s) and their slots free up: nothing new may be claimed or dialed.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(app.sim.stats().create_requests, 2, "a fenced node dialed");
    let contacts = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .all(&app.db)
        .await
        .unwrap();
    let pending = contacts
        .iter()
        .filter(|c| c.status.as_str() == "PENDING")
        .count();
    assert_eq!(pending, 6, "claimed without the lease");
    let intents = call::Entity::find()
        .filter(call::Column::CampaignId.eq(campaign_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(intents.len(), 2, "a dial intent was written: {intents:?}");
    // Its supervisor stopped: it no longer runs the campaign.
    assert_eq!(app.runtime.supervisors().await, Some(0));
}

/// Twelve campaigns spread over three nodes; one node is SIGKILLed mid-campaign: its
/// campaigns are owned and dialing again on the others within 5 s, every campaign completes,
/// no number is dialed twice, each campaign's cap and the account's limit hold throughout.
#[tokio::test]
async fn three_nodes_share_twelve_campaigns_and_take_over_from_a_killed_one() {
    let settings = [
        ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "1500"),
        ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "300"),
        ("AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS", "16"),
        // The killed node's dials in flight are looked up only after this window from their
        // send (no simulator answer here takes longer than the 500 ms request timeout).
        ("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "600"),
    ];
    let Some(mut f) = Fixture::start(3, simulator_config(700), &settings).await else {
        return;
    };
    let mut ids = Vec::new();
    for i in 0..12 {
        let line = format!("line-{i}");
        let (id, _) = f
            .started(i % 3, i * 100, 8, &[("cap", "2"), ("phoneNumberId", &line)])
            .await;
        ids.push(id);
    }
    let victim = f.nodes.remove(2);
    let Fixture {
        ref sim,
        ref db,
        ref api,
        ref nodes,
        ..
    } = f;
    until("every campaign owned", Duration::from_secs(30), || async {
        owners(db).await.len() == 12
    })
    .await;
    let spread: HashMap<u32, usize> = owners(db).await.values().fold(HashMap::new(), |mut m, p| {
        *m.entry(*p).or_default() += 1;
        m
    });
    assert_eq!(spread.len(), 3, "every node runs campaigns: {spread:?}");
    assert!(
        spread.values().all(|n| (3..=5).contains(n)),
        "fair shares of 12 over 3: {spread:?}"
    );

    until("calls under way", Duration::from_secs(30), || async {
        sim.stats().calls_created >= 20
    })
    .await;
    let victim_pid = victim.pid();
    let orphaned: Vec<Uuid> = owners(db)
        .await
        .into_iter()
        .filter(|(_, p)| *p == victim_pid)
        .map(|(c, _)| c)
        .collect();
    assert!(!orphaned.is_empty());
    let killed_at = chrono::Utc::now();
    drop(victim); // SIGKILL
    f.route_webhooks();

    // Measured on the database's records, not by this test's polling: when each orphan's lease
    // was taken, and when its first dial after the kill was sent.
    until("orphans owned again", Duration::from_secs(30), || async {
        let now = owners(db).await;
        orphaned
            .iter()
            .all(|c| now.get(c).is_some_and(|p| *p != victim_pid))
    })
    .await;
    let mut owned_after = Duration::ZERO;
    for c in &orphaned {
        let row = rows(
            db,
            &format!("SELECT acquired_at FROM campaign_leases WHERE campaign_id = '{c}'"),
        )
        .await;
        let at: chrono::DateTime<chrono::Utc> = row[0].try_get("", "acquired_at").unwrap();
        owned_after = owned_after.max((at - killed_at).to_std().unwrap_or_default());
    }
    let mut dialing_after = Duration::ZERO;
    for c in &orphaned {
        let mut first = None;
        let deadline = Instant::now() + Duration::from_secs(15);
        while first.is_none() && Instant::now() < deadline {
            first = call::Entity::find()
                .filter(call::Column::CampaignId.eq(*c))
                .filter(call::Column::DialSentAt.gt(killed_at))
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .filter_map(|call| call.dial_sent_at)
                .min();
            let left = contact::Entity::find()
                .filter(contact::Column::CampaignId.eq(*c))
                .filter(contact::Column::Status.eq("PENDING"))
                .all(db)
                .await
                .unwrap();
            if first.is_none() && left.is_empty() {
                break; // Nothing was left to dial for it.
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if let Some(at) = first {
            dialing_after = dialing_after.max((at - killed_at).to_std().unwrap_or_default());
        }
    }
    println!(
        "failover of {} campaigns: owned by the others {owned_after:?} after the kill, dialing \
         again {dialing_after:?} after it",
        orphaned.len()
    );
    assert!(owned_after <= Duration::from_secs(5), "{owned_after:?}");
    assert!(
        dialing_after > Duration::ZERO && dialing_after <= Duration::from_secs(5),
        "{dialing_after:?}"
    );

    let deadline = Instant::now() + Duration::from_secs(90);
    while !all_completed(api, nodes[0].port, &ids).await {
        if Instant::now() > deadline {
            let mut states = Vec::new();
            for id in &ids {
                states.push((id.clone(), api.status(nodes[0].port, id).await));
            }
            panic!(
                "not every campaign COMPLETED in 90 s: {states:?}; owners {:?}; simulator {:?}",
                owners(db).await,
                sim.stats()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = sim.stats();
    assert_never_twice(&stats);
    assert!(
        stats.max_active_account <= 16,
        "account limit exceeded: {}",
        stats.max_active_account
    );
    for (line, max) in &stats.max_active_by_phone_number {
        assert!(*max <= 2, "cap of {line} exceeded: {max}");
    }
    assert_eq!(stats.dials_by_customer.len(), 96, "every contact dialed");
    assert_each_contact_called_once(db, &ids).await;
    assert_eq!(
        store::cluster::slots_taken(db).await.unwrap(),
        0,
        "every slot freed"
    );
}

/// A node paused (SIGSTOP) past its lease's expiry loses its campaign to another node; when
/// continued it places no call for it (fencing) and says so in its log.
#[tokio::test]
async fn a_node_paused_past_its_lease_dials_nothing_for_the_campaign_when_continued() {
    let settings = [
        ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "1500"),
        ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "300"),
    ];
    let Some(f) = Fixture::start(2, simulator_config(600), &settings).await else {
        return;
    };
    let Fixture {
        ref sim,
        ref db,
        ref api,
        ref nodes,
        ..
    } = f;
    let (a, b) = (&nodes[0], &nodes[1]);
    let (id, campaign) = f.started(0, 0, 30, &[("cap", "2")]).await;
    until("a runs it", Duration::from_secs(5), || async {
        owners(db).await.get(&campaign) == Some(&a.pid())
    })
    .await;
    until("calls under way", Duration::from_secs(10), || async {
        sim.stats().calls_created >= 3
    })
    .await;

    a.signal("-STOP");
    until("b took it over", Duration::from_secs(10), || async {
        owners(db).await.get(&campaign) == Some(&b.pid())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.signal("-CONT");
    // A dial a's client had sent before the pause may be answered now; nothing after that.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let dials_after_pause = a.dials().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        a.dials().await,
        dials_after_pause,
        "the paused node dialed for a campaign it lost"
    );
    let log = a.log();
    assert!(
        log.contains("lost the campaign's lease"),
        "the node does not say it lost the campaign: {log}"
    );
    until("COMPLETED by b", Duration::from_secs(60), || async {
        api.status(b.port, &id).await.as_deref() == Some("COMPLETED")
    })
    .await;
    let stats = sim.stats();
    assert_never_twice(&stats);
    assert!(stats.max_active_account <= 2, "cap exceeded: {stats:?}");
    assert_eq!(stats.dials_by_customer.len(), 30);
    assert!(b.dials().await > 0, "b placed the rest");
}

/// A pause sent to a node that does not run the campaign reaches its owner, which stops
/// dialing before the answer; the forwarding time is printed.
#[tokio::test]
async fn a_pause_sent_to_another_node_stops_dials_within_a_second() {
    let Some(f) = Fixture::start(2, simulator_config(300), &[]).await else {
        return;
    };
    let Fixture {
        ref sim,
        ref db,
        ref api,
        ref nodes,
        ..
    } = f;
    let (a, b) = (&nodes[0], &nodes[1]);
    let (id, campaign) = f.started(0, 0, 60, &[("cap", "3")]).await;
    assert_eq!(owners(db).await.get(&campaign), Some(&a.pid()));
    until("calls under way", Duration::from_secs(10), || async {
        sim.stats().calls_created >= 6
    })
    .await;

    let sent = Instant::now();
    let paused = api
        .post(b.port, &format!("/api/campaigns/{id}/pause"), None)
        .await;
    let answered = sent.elapsed();
    assert_eq!(paused["status"], "PAUSED", "{paused}");
    let at_answer = sim.stats().create_requests;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        sim.stats().create_requests,
        at_answer,
        "dials after the pause was answered"
    );
    println!("pause through another node answered in {answered:?}");
    assert!(answered < Duration::from_secs(1), "{answered:?}");
    // The owner still runs it; resume through the other node too, and it completes.
    assert_eq!(owners(db).await.get(&campaign), Some(&a.pid()));
    let resumed = api
        .post(b.port, &format!("/api/campaigns/{id}/resume"), None)
        .await;
    assert_ne!(resumed["status"], "PAUSED", "{resumed}");
    until("COMPLETED", Duration::from_secs(60), || async {
        api.status(b.port, &id).await.as_deref() == Some("COMPLETED")
    })
    .await;
    assert_never_twice(&sim.stats());
}

/// A call's end stored by another node (every webhook goes to the node that does not run the
/// campaign) frees the owner's slot promptly: the next call of a cap-1 campaign follows the
/// previous one's final webhook within a fraction of the cluster's polling period.
#[tokio::test]
async fn a_webhook_stored_on_another_node_frees_the_owner_slot_promptly() {
    let mut config = simulator_config(200);
    config.keep_timeline = true;
    // Rounds (and so the polling fallback) every 2 s: a prompt refill is the notification's.
    let settings = [
        ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "6000"),
        ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "2000"),
    ];
    let Some(f) = Fixture::start(2, config, &settings).await else {
        return;
    };
    let Fixture {
        ref sim,
        ref db,
        ref api,
        ref nodes,
        ..
    } = f;
    let (a, b) = (&nodes[0], &nodes[1]);
    // Every webhook to the node that does not run the campaign.
    sim.set_webhook_url(b.webhook_url());
    let (id, campaign) = f.started(0, 0, 8, &[("cap", "1")]).await;
    assert_eq!(owners(db).await.get(&campaign), Some(&a.pid()));
    until("COMPLETED", Duration::from_secs(60), || async {
        api.status(a.port, &id).await.as_deref() == Some("COMPLETED")
    })
    .await;
    let timeline = sim.timeline();
    let mut gaps = Vec::new();
    for (i, e) in timeline.iter().enumerate() {
        if e.kind != TimelineKind::FinalStatusSent {
            continue;
        }
        if let Some(next) = timeline[i..]
            .iter()
            .find(|n| n.kind == TimelineKind::CallCreated)
        {
            gaps.push(next.at.duration_since(e.at));
        }
    }
    gaps.sort();
    assert_eq!(gaps.len(), 7, "{timeline:?}");
    let median = gaps[gaps.len() / 2];
    println!(
        "final webhook (stored on the other node) → next dial: median {median:?}, all {gaps:?}"
    );
    assert!(
        median < Duration::from_millis(600),
        "the owner waited for its poll, not the notification: {gaps:?}"
    );
    assert_never_twice(&sim.stats());
    assert!(sim.stats().max_active_account <= 1);
}

/// SIGTERM hands a node's campaigns to the others at once, long before their leases would have
/// expired.
#[tokio::test]
async fn sigterm_hands_the_campaigns_to_the_other_nodes_at_once() {
    let settings = [
        ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "60000"),
        ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "1000"),
    ];
    let Some(mut f) = Fixture::start(2, simulator_config(300), &settings).await else {
        return;
    };
    let (id, campaign) = f.started(0, 0, 40, &[("cap", "2")]).await;
    let Fixture {
        ref sim,
        ref db,
        ref api,
        ref mut nodes,
        ..
    } = f;
    let b = nodes.pop().unwrap();
    let a = &mut nodes[0];
    assert_eq!(owners(db).await.get(&campaign), Some(&a.pid()));
    until("calls under way", Duration::from_secs(10), || async {
        sim.stats().calls_created >= 2
    })
    .await;
    let sent = Instant::now();
    a.signal("-TERM");
    assert_eq!(a.exit_code(Duration::from_secs(15)).await, Some(0));
    sim.set_webhook_url(b.webhook_url());
    until("b runs it", Duration::from_secs(10), || async {
        owners(db).await.get(&campaign) == Some(&b.pid())
    })
    .await;
    let takeover = sent.elapsed();
    println!("SIGTERM handover: {takeover:?}");
    assert!(
        takeover < Duration::from_secs(10),
        "took {takeover:?}: the lease was waited out, not handed back"
    );
    until("COMPLETED", Duration::from_secs(60), || async {
        api.status(b.port, &id).await.as_deref() == Some("COMPLETED")
    })
    .await;
    let stats = sim.stats();
    assert_never_twice(&stats);
    assert_eq!(stats.dials_by_customer.len(), 40);
    assert_each_contact_called_once(db, &[id]).await;
}

/// A rolling restart of three nodes, one at a time, mid-campaign: nothing is dialed twice and
/// nothing is lost.
#[tokio::test]
async fn a_rolling_restart_of_three_nodes_loses_and_doubles_nothing() {
    let settings = [("AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS", "8")];
    let Some(mut f) = Fixture::start(3, simulator_config(500), &settings).await else {
        return;
    };
    let mut ids = Vec::new();
    for i in 0..6 {
        let (id, _) = f.started(i % 3, i * 100, 15, &[("cap", "2")]).await;
        ids.push(id);
    }
    for round in 0..3 {
        until("calls under way", Duration::from_secs(20), || async {
            f.sim.stats().calls_created >= 10 * (round + 1)
        })
        .await;
        let mut old = f.nodes.remove(0);
        old.signal("-TERM");
        assert_eq!(old.exit_code(Duration::from_secs(15)).await, Some(0));
        f.route_webhooks();
        f.add_node().await;
    }
    until("every campaign COMPLETED", Duration::from_secs(90), || {
        all_completed(&f.api, f.nodes[0].port, &ids)
    })
    .await;
    let stats = f.sim.stats();
    assert_never_twice(&stats);
    assert!(
        stats.max_active_account <= 8,
        "{}",
        stats.max_active_account
    );
    assert_eq!(stats.dials_by_customer.len(), 90);
    assert_each_contact_called_once(&f.db, &ids).await;
}

/// A node that joins while another runs every campaign gets its share of them: the busy node
/// hands campaigns over, one a round, down to its share (its supervisor stops, the lease is
/// handed back), and the new node follows their live calls and dials the rest. Nothing is
/// dialed twice, nothing is lost.
#[tokio::test]
async fn a_node_that_joins_takes_its_share_of_the_running_campaigns() {
    let settings = [
        ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "1500"),
        ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "300"),
        ("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "600"),
    ];
    let Some(mut f) = Fixture::start(1, simulator_config(500), &settings).await else {
        return;
    };
    let mut ids = Vec::new();
    for i in 0..4 {
        let line = format!("line-{i}");
        let (id, _) = f
            .started(0, i * 100, 30, &[("cap", "2"), ("phoneNumberId", &line)])
            .await;
        ids.push(id);
    }
    let first = f.nodes[0].pid();
    until("calls under way", Duration::from_secs(20), || async {
        f.sim.stats().calls_created >= 8
    })
    .await;
    assert_eq!(owners(&f.db).await.len(), 4);
    f.add_node().await;
    let second = f.nodes[1].pid();
    let spread = until("two campaigns each", Duration::from_secs(20), || async {
        let now = owners(&f.db).await;
        let on = |pid: u32| now.values().filter(|p| **p == pid).count();
        on(first) == 2 && on(second) == 2
    })
    .await;
    println!("a node that joined ran its share {spread:?} after it was live");

    until("every campaign COMPLETED", Duration::from_secs(90), || {
        all_completed(&f.api, f.nodes[0].port, &ids)
    })
    .await;
    assert!(f.nodes[1].dials().await > 0, "the new node placed calls");
    let stats = f.sim.stats();
    assert_never_twice(&stats);
    for (line, max) in &stats.max_active_by_phone_number {
        assert!(*max <= 2, "cap of {line} exceeded: {max}");
    }
    assert_eq!(stats.dials_by_customer.len(), 120);
    assert_each_contact_called_once(&f.db, &ids).await;
    assert_eq!(store::cluster::slots_taken(&f.db).await.unwrap(), 0);
}

/// A node without the provider's key serves the API and stores webhooks but runs no
/// campaign, and the others do not count it in their shares: the node that can dial runs every
/// campaign (none is handed to the other, none is left waiting for it).
#[tokio::test]
async fn a_node_without_the_provider_key_takes_no_campaign() {
    let Some(mut f) = Fixture::start(1, simulator_config(300), &[]).await else {
        return;
    };
    f.add_node_with(&[("VAPI_API_KEY", "")]).await;
    let (dialer, keyless) = (f.nodes[0].pid(), f.nodes[1].pid());
    let mut ids = Vec::new();
    for i in 0..4 {
        // Through the dialing node: one without the key refuses to create (an assistant is
        // cloned at the provider) or start a campaign.
        let line = format!("line-{i}");
        let (id, _) = f
            .started(0, i * 100, 10, &[("cap", "2"), ("phoneNumberId", &line)])
            .await;
        ids.push(id);
    }
    until(
        "the dialing node runs all four",
        Duration::from_secs(20),
        || async {
            let now = owners(&f.db).await;
            now.len() == 4 && now.values().all(|p| *p == dialer)
        },
    )
    .await;
    until("every campaign COMPLETED", Duration::from_secs(60), || {
        all_completed(&f.api, f.nodes[1].port, &ids)
    })
    .await;
    assert!(!owners(&f.db).await.values().any(|p| *p == keyless));
    assert_eq!(f.nodes[1].dials().await, 0);
    assert!(
        f.nodes[1].log().contains("runs no campaign"),
        "{}",
        f.nodes[1].log()
    );
    let stats = f.sim.stats();
    assert_never_twice(&stats);
    assert_eq!(stats.dials_by_customer.len(), 40);
}

/// `GET /api/events` on a node that does not run the campaign streams its calls' changes too
/// (each node forwards its own events to the others).
#[tokio::test]
async fn the_live_stream_of_any_node_carries_campaigns_run_elsewhere() {
    let Some(f) = Fixture::start(2, simulator_config(200), &[]).await else {
        return;
    };
    let Fixture {
        ref db,
        ref api,
        ref nodes,
        ..
    } = f;
    let (a, b) = (&nodes[0], &nodes[1]);
    let id = api.create_campaign(a.port, 6, &[("cap", "2")]).await;
    let mut stream = api
        .client
        .get(format!("http://127.0.0.1:{}/api/events", b.port))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    api.post(a.port, &format!("/api/campaigns/{id}/start"), None)
        .await;
    let campaign: Uuid = id.parse().unwrap();
    assert_eq!(owners(db).await.get(&campaign), Some(&a.pid()));

    // Every call's end, seen on b.
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let ended = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("data:") && l.contains(&id) && l.contains("\"ENDED\""))
            .count()
    };
    while ended(&text) < 6 {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "b streamed {} of 6 ends: {text}",
            ended(&text)
        );
        match tokio::time::timeout(left, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
            other => panic!("the stream ended: {other:?}"),
        }
    }
    assert!(
        text.lines().any(|l| l == "event: call"),
        "call events by name: {text}"
    );
}

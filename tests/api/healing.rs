//! Self-healing: the real `autolynx serve` binary is SIGKILLed mid-campaign and started again;
//! the campaign completes with no operator action, no contact is dialed twice and the cap
//! holds. The simulator runs in this test process, so its counters survive the kills.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::simulator::{MsRange, Simulator, SimulatorConfig, Timings};
use reqwest::StatusCode;
use sea_orm::{Database, DatabaseConnection, EntityTrait};
use serde_json::Value;

use crate::helpers::{
    FAST_RUNTIME, TestDb, WEBHOOK_SECRET, cli_admin_token, contacts_csv_from, free_port,
};
use autolynx::store::entities::{call, contact};

/// A child `autolynx serve`, killed (SIGKILL) when dropped.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env(db_url: &str, sim: &Simulator) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), db_url.into()),
        ("VAPI_BASE_URL".into(), sim.base_url().into()),
        ("VAPI_API_KEY".into(), sim.api_key().into()),
        ("WEBHOOK_SHARED_SECRET".into(), WEBHOOK_SECRET.into()),
        ("VAPI_PHONE_NUMBER_ID".into(), "phone-test".into()),
        ("LOG_LEVEL".into(), "warn".into()),
    ];
    vars.extend(FAST_RUNTIME.iter().map(|(k, v)| ((*k).into(), (*v).into())));
    vars
}

pub(crate) async fn serve(db_url: &str, sim: &Simulator) -> Serve {
    serve_with(db_url, sim, &[]).await
}

/// Starts `autolynx serve` on `port` with `extra` environment variables on top, without
/// waiting for it.
pub(crate) fn spawn_serve(
    db_url: &str,
    sim: &Simulator,
    extra: &[(&str, &str)],
    port: u16,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .arg("serve")
        .envs(env(db_url, sim))
        .envs(extra.iter().copied())
        .env("AUTOLYNX__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env_remove("AUTOLYNX_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start autolynx serve")
}

/// `serve` with `extra` environment variables on top.
pub(crate) async fn serve_with(db_url: &str, sim: &Simulator, extra: &[(&str, &str)]) -> Serve {
    let port = free_port();
    let child = spawn_serve(db_url, sim, extra, port);
    let serve = Serve { child, port };
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK);
        if ready {
            return serve;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "serve did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) struct Api {
    pub(crate) client: reqwest::Client,
    pub(crate) token: String,
}

impl Api {
    pub(crate) async fn post(&self, port: u16, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .client
            .post(format!("http://127.0.0.1:{port}{path}"))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    pub(crate) async fn status(&self, port: u16, id: &str) -> Option<String> {
        let resp = self
            .client
            .get(format!("http://127.0.0.1:{port}/api/campaigns/{id}"))
            .bearer_auth(&self.token)
            .send()
            .await
            .ok()?;
        let body: Value = resp.json().await.ok()?;
        body["status"].as_str().map(str::to_owned)
    }

    pub(crate) async fn create_campaign(
        &self,
        port: u16,
        n: usize,
        fields: &[(&str, &str)],
    ) -> String {
        self.create_campaign_from(port, 0, n, fields).await
    }

    /// A campaign of `n` contacts numbered from `first` (distinct numbers across campaigns).
    pub(crate) async fn create_campaign_from(
        &self,
        port: u16,
        first: usize,
        n: usize,
        fields: &[(&str, &str)],
    ) -> String {
        let assistant = self
            .post(
                port,
                "/api/assistants/templates/short-pitch/clone",
                Some(serde_json::json!({})),
            )
            .await;
        let mut form = reqwest::multipart::Form::new()
            .part(
                "contactsCsv",
                reqwest::multipart::Part::bytes(contacts_csv_from(first, n)).file_name("c.csv"),
            )
            .text("name", "healing")
            .text("assistantId", assistant["id"].as_str().unwrap().to_owned());
        for (k, v) in fields {
            form = form.text((*k).to_owned(), (*v).to_owned());
        }
        let resp = self
            .client
            .post(format!("http://127.0.0.1:{port}/api/campaigns"))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let body: Value = resp.json().await.unwrap();
        body["campaignId"].as_str().unwrap().to_owned()
    }
}

#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// Right after the start was accepted.
    AfterStart,
    /// While the campaign has `cap` calls live.
    CallsLive,
    /// Right after the first call of the second batch was claimed.
    BatchBoundary,
}

async fn kill_and_heal(point: KillPoint) {
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    config.concurrency_limit = 50;
    config.timings = Timings {
        call_ms: MsRange::new(300, 600),
        ..Timings::fast()
    };
    let sim = Simulator::start(config).await.unwrap();
    let test_db = TestDb::new().await;
    let token = cli_admin_token(&test_db.url, "admin");
    let api = Api {
        client: reqwest::Client::new(),
        token,
    };
    let (n, cap) = (24usize, 4u32);
    let cap_text = cap.to_string();
    let mut fields = vec![("cap", cap_text.as_str())];
    if matches!(point, KillPoint::BatchBoundary) {
        fields.push(("mode", "batch"));
    }

    let first = serve(&test_db.url, &sim).await;
    let id = api.create_campaign(first.port, n, &fields).await;
    let db: DatabaseConnection = Database::connect(&test_db.url).await.unwrap();
    api.post(first.port, &format!("/api/campaigns/{id}/start"), None)
        .await;
    match point {
        KillPoint::AfterStart => {}
        KillPoint::CallsLive => {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while sim.stats().active_calls < cap {
                assert!(tokio::time::Instant::now() < deadline);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        KillPoint::BatchBoundary => {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            loop {
                let contacts = contact::Entity::find().all(&db).await.unwrap();
                if contacts
                    .iter()
                    .any(|c| c.batch_index == 1 && c.status != "PENDING")
                {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    }
    drop(first); // SIGKILL

    let second = serve(&test_db.url, &sim).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if api.status(second.port, &id).await.as_deref() == Some("COMPLETED") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{point:?}: not completed after the restart; simulator: {:?}",
            sim.stats()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let stats = sim.stats();
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= cap,
        "{point:?}: cap exceeded: {stats:?}"
    );
    assert!(
        stats.dials_by_customer.values().all(|d| *d == 1),
        "{point:?}: a contact was dialed twice: {stats:?}"
    );
    let contacts = contact::Entity::find().all(&db).await.unwrap();
    assert!(contacts.iter().all(|c| c.status == "DONE"), "{point:?}");
    let calls = call::Entity::find().all(&db).await.unwrap();
    // A contact the provider never saw is one whose dial outcome stayed unknown (it is never
    // redialed blindly); every other contact was dialed exactly once.
    let unknown = calls
        .iter()
        .filter(|c| c.ended_reason.as_deref() == Some("dial-outcome-unknown"))
        .count();
    assert_eq!(
        stats.dials_by_customer.len() + unknown,
        n,
        "{point:?}: {stats:?}"
    );
    db.close().await.ok();
    drop(second);
}

#[tokio::test]
async fn sigkill_right_after_start_heals() {
    kill_and_heal(KillPoint::AfterStart).await;
}

#[tokio::test]
async fn sigkill_with_calls_live_heals() {
    kill_and_heal(KillPoint::CallsLive).await;
}

#[tokio::test]
async fn sigkill_after_a_batch_boundary_heals() {
    kill_and_heal(KillPoint::BatchBoundary).await;
}

/// A stop with `hangup` is stored: when the process dies right after answering it, the next
/// one ends every call that may be live — here dials whose calls the provider creates only
/// after the kill.
#[tokio::test]
async fn a_hang_up_interrupted_by_a_crash_is_finished_after_the_restart() {
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    config.concurrency_limit = 50;
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(60_000, 60_000),
        ..Timings::fast()
    };
    config.faults = autolynx::provider::simulator::Faults {
        late_create_rate: 1.0,
        timeout_ms: 1_000,
        ..Default::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    let test_db = TestDb::new().await;
    let api = Api {
        client: reqwest::Client::new(),
        token: cli_admin_token(&test_db.url, "admin"),
    };
    // Set-up (cloning an assistant) without faults.
    sim.set_faults(Default::default());
    let first = serve(&test_db.url, &sim).await;
    let id = api.create_campaign(first.port, 6, &[("cap", "3")]).await;
    sim.set_faults(autolynx::provider::simulator::Faults {
        late_create_rate: 1.0,
        timeout_ms: 1_000,
        ..Default::default()
    });
    api.post(first.port, &format!("/api/campaigns/{id}/start"), None)
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while sim.stats().create_requests < 3 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    api.post(
        first.port,
        &format!("/api/campaigns/{id}/stop"),
        Some(serde_json::json!({ "mode": "hangup" })),
    )
    .await;
    drop(first); // SIGKILL before any call exists at the provider
    assert_eq!(sim.stats().calls_created, 0);

    let second = serve(&test_db.url, &sim).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let stats = sim.stats();
        if stats.calls_created == 3 && stats.active_calls == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the hang-up was not finished: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let db: DatabaseConnection = Database::connect(&test_db.url).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let calls = call::Entity::find().all(&db).await.unwrap();
        if calls.len() == 3 && calls.iter().all(|c| c.status == "CANCELED") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{calls:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        api.status(second.port, &id).await.as_deref(),
        Some("STOPPED")
    );
    let stats = sim.stats();
    assert_eq!(stats.create_requests, 3, "nothing dialed after the stop");
    assert_eq!(stats.calls_ended_by_control, 3, "{stats:?}");
    let contacts = contact::Entity::find().all(&db).await.unwrap();
    assert!(contacts.iter().all(|c| c.status != "PENDING"));
    db.close().await.ok();
    drop(second);
}

/// A scheduled start survives the process: killed while its campaign waits, the next process
/// keeps the wait (nothing dialed early) and places the first call at the start.
#[tokio::test]
async fn a_scheduled_start_survives_a_restart() {
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    let sim = Simulator::start(config).await.unwrap();
    let test_db = TestDb::new().await;
    let api = Api {
        client: reqwest::Client::new(),
        token: cli_admin_token(&test_db.url, "admin"),
    };
    let first = serve(&test_db.url, &sim).await;
    let start_at = chrono::Utc::now() + chrono::Duration::seconds(4);
    let at = start_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let id = api
        .create_campaign(first.port, 3, &[("startAt", at.as_str())])
        .await;
    api.post(first.port, &format!("/api/campaigns/{id}/start"), None)
        .await;
    assert_eq!(api.status(first.port, &id).await.as_deref(), Some("QUEUED"));
    drop(first); // SIGKILL while waiting
    let second = serve(&test_db.url, &sim).await;
    while chrono::Utc::now() < start_at - chrono::Duration::milliseconds(100) {
        assert_eq!(sim.stats().create_requests, 0, "a call before the start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while api.status(second.port, &id).await.as_deref() != Some("COMPLETED") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not completed: {:?}",
            sim.stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let db: DatabaseConnection = Database::connect(&test_db.url).await.unwrap();
    let first_dial = call::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .filter_map(|c| c.dial_sent_at)
        .min()
        .expect("calls were dialed");
    assert!(first_dial >= start_at, "{first_dial} before {start_at}");
    assert!(
        first_dial - start_at < chrono::Duration::seconds(2),
        "{first_dial} long after {start_at}"
    );
    assert_eq!(sim.stats().create_requests, 3);
}

/// SQLite serves one process: a second `serve` on the same file refuses to start, naming the
/// first one's pid; once the first is killed (SIGKILL: its lock goes with it), a new one starts.
#[tokio::test]
async fn a_second_process_on_the_same_sqlite_file_is_refused() {
    let test_db = TestDb::new().await;
    if test_db.is_postgres() {
        return; // PostgreSQL takes several processes (their coordination is not built yet).
    }
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    let sim = Simulator::start(config).await.unwrap();
    let first = serve(&test_db.url, &sim).await;
    let second = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .arg("serve")
        .envs(env(&test_db.url, &sim))
        .env(
            "AUTOLYNX__SERVER__BIND",
            format!("127.0.0.1:{}", free_port()),
        )
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .expect("run a second autolynx serve");
    assert!(!second.status.success(), "a second serve started");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("is already serving the SQLite database"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("pid {}", first.child.id())),
        "{stderr}"
    );
    drop(first);
    let third = serve(&test_db.url, &sim).await;
    let health = reqwest::get(format!("http://127.0.0.1:{}/api/health", third.port))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

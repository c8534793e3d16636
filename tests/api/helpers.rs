//! Test harness: each test gets its own database (a SQLite file, or a fresh PostgreSQL database
//! when AUTOLYNX_TEST_POSTGRES_URL is set) and the real server on a random port.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use autolynx::config::{ConfigSources, Settings, WebhookScheme, WebhookSettings};
use autolynx::domain::auth::Role;
use autolynx::provider::simulator::{Simulator, SimulatorConfig};
use autolynx::startup::Application;
use autolynx::store;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use tokio::sync::oneshot;
use uuid::Uuid;

pub const POSTGRES_VAR: &str = "AUTOLYNX_TEST_POSTGRES_URL";
/// The webhook secret test apps and their simulators share.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        autolynx::telemetry::init(&autolynx::config::LogSettings {
            level: "debug".into(),
            format: autolynx::config::LogFormat::Text,
        });
    }
});

/// Tests share the machine; a test whose assertion depends on timing takes this lock
/// exclusively, every other test holds it shared for its lifetime (through its [`TestDb`]).
/// A test must create at most one `TestDb`, or it could wait on itself.
static MACHINE: LazyLock<Arc<tokio::sync::RwLock<()>>> =
    LazyLock::new(|| Arc::new(tokio::sync::RwLock::new(())));

#[allow(dead_code)]
enum MachineGuard {
    Shared(tokio::sync::OwnedRwLockReadGuard<()>),
    Exclusive(tokio::sync::OwnedRwLockWriteGuard<()>),
}

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
    _machine: MachineGuard,
}

impl TestDb {
    pub async fn new() -> Self {
        let guard = MachineGuard::Shared(MACHINE.clone().read_owned().await);
        Self::create(guard).await
    }

    /// A database for a test that must have the machine to itself (timing assertions).
    pub async fn exclusive() -> Self {
        let guard = MachineGuard::Exclusive(MACHINE.clone().write_owned().await);
        Self::create(guard).await
    }

    async fn create(guard: MachineGuard) -> Self {
        match std::env::var(POSTGRES_VAR) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("autolynx_t_{}", Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to the PostgreSQL admin database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let url = with_database(&admin_url, &name);
                Self {
                    url,
                    _dir: None,
                    pg: Some((admin_url, name)),
                    _machine: guard,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg: None,
                    _machine: guard,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// What a test needs to act on the database after handing it to the app.
    pub fn handle(&self) -> DbHandle {
        DbHandle {
            url: self.url.clone(),
            pg: self.pg.clone(),
        }
    }
}

/// The address of a test database (see [`TestDb::handle`]).
pub struct DbHandle {
    url: String,
    pg: Option<(String, String)>,
}

impl DbHandle {
    /// Makes the database unreachable for `outage`, as a restart or a network cut would:
    /// PostgreSQL refuses connections and ends the existing ones; SQLite is locked by another
    /// connection (writers wait, then fail).
    pub async fn outage(&self, outage: std::time::Duration) {
        match &self.pg {
            Some((admin_url, name)) => {
                let admin = Database::connect(admin_url.as_str())
                    .await
                    .expect("connect to the PostgreSQL admin database");
                admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
                    ))
                    .await
                    .expect("refuse connections");
                admin
                    .execute_unprepared(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ))
                    .await
                    .expect("end the connections");
                tokio::time::sleep(outage).await;
                admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
                    ))
                    .await
                    .expect("accept connections again");
                admin.close().await.ok();
            }
            None => {
                use sea_orm::TransactionTrait;
                let other = Database::connect(self.url.as_str())
                    .await
                    .expect("a second SQLite connection");
                let txn = other.begin().await.expect("begin");
                // The write takes the database's write lock, held until the rollback.
                txn.execute_unprepared("CREATE TABLE outage_lock (x INTEGER)")
                    .await
                    .expect("take the write lock");
                tokio::time::sleep(outage).await;
                txn.rollback().await.ok();
                other.close().await.ok();
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

/// Replaces the database name of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).expect("valid PostgreSQL URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    /// A token of an admin created for the test.
    pub admin_token: String,
    pub settings: Settings,
    /// The app's Vapi: an in-process simulator sending signed webhooks back to the app.
    pub sim: Simulator,
    /// The app's actor runtime (test hooks).
    pub runtime: autolynx::runtime::Runtime,
    shutdown: Option<oneshot::Sender<()>>,
    /// Kept so the database lives as long as the app.
    _test_db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The settings a test app runs with: defaults, a random port, the test database and `extra`
/// environment variables on top.
pub fn test_settings(db_url: &str, extra: &[(&str, &str)]) -> Settings {
    let mut env: HashMap<String, String> = HashMap::from([
        ("AUTOLYNX__SERVER__BIND".into(), "127.0.0.1:0".into()),
        ("DATABASE_URL".into(), db_url.into()),
        ("AUTOLYNX__SERVER__SHUTDOWN_GRACE_SECS".into(), "1".into()),
        ("WEBHOOK_SHARED_SECRET".into(), WEBHOOK_SECRET.into()),
        // Tests make many requests quickly; the rate-limit test turns limits back on.
        (
            "AUTOLYNX__RATE_LIMITS__GENERAL_PER_MINUTE".into(),
            "0".into(),
        ),
        (
            "AUTOLYNX__RATE_LIMITS__UPLOADS_PER_MINUTE".into(),
            "0".into(),
        ),
        (
            "AUTOLYNX__RATE_LIMITS__EXPORTS_PER_MINUTE".into(),
            "0".into(),
        ),
    ]);
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    Settings::load_from(ConfigSources {
        file: None,
        env: Some(env),
    })
    .expect("test settings are valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_app_with_sim(SimulatorConfig::fast(), extra).await
}

/// A test app whose Vapi is a simulator started with `sim_config` (its key, webhook signing
/// Runtime timers short enough for tests (retries, silence and stuck checks, Vapi timeouts).
pub const FAST_RUNTIME: &[(&str, &str)] = &[
    // The tests run at any hour: the legal floor (08:00-21:00 in the contact's zone) would
    // hold most of them half the day. Its own tests turn it back on and pick the zones.
    ("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "false"),
    ("AUTOLYNX__RUNTIME__DIAL_RETRY_DELAYS_MS", "50,100,200"),
    ("AUTOLYNX__RUNTIME__SILENCE_TIMEOUT_MS", "1000"),
    ("AUTOLYNX__RUNTIME__STUCK_CALL_TIMEOUT_MS", "1000"),
    ("AUTOLYNX__RUNTIME__CONCURRENCY_RETRY_MS", "200"),
    ("AUTOLYNX__RUNTIME__LINE_QUIET_POLL_MS", "200"),
    ("AUTOLYNX__VAPI__REQUEST_TIMEOUT_MS", "500"),
    // Longer than the request timeout and the simulator holds the tests use (≤ 1 s).
    ("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "1500"),
    // PostgreSQL: a process started again after a SIGKILL waits for its predecessor's lease to
    // expire; 3 s keeps those tests short (the lease's own tests pick theirs).
    ("AUTOLYNX__RUNTIME__LEASE_TTL_MS", "3000"),
    ("AUTOLYNX__RUNTIME__LEASE_RENEW_MS", "500"),
];

/// and receiver are filled in here).
pub async fn spawn_app_with_sim(sim_config: SimulatorConfig, extra: &[(&str, &str)]) -> TestApp {
    spawn_app_on(TestDb::new().await, sim_config, extra).await
}

/// A test app on `test_db` (see [`TestDb::exclusive`] for timing-sensitive tests).
pub async fn spawn_app_on(
    test_db: TestDb,
    mut sim_config: SimulatorConfig,
    extra: &[(&str, &str)],
) -> TestApp {
    LazyLock::force(&TRACING);
    sim_config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    let sim = Simulator::start(sim_config)
        .await
        .expect("simulator starts");
    let mut env: Vec<(&str, &str)> = vec![
        ("VAPI_BASE_URL", sim.base_url()),
        ("VAPI_API_KEY", sim.api_key()),
        ("WEBHOOK_SHARED_SECRET", WEBHOOK_SECRET),
        ("VAPI_PHONE_NUMBER_ID", "phone-test"),
    ];
    env.extend_from_slice(FAST_RUNTIME);
    env.extend_from_slice(extra);
    let settings = test_settings(&test_db.url, &env);
    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let port = app.port();
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
    let db = app.db().clone();
    let runtime = app.runtime().clone();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.run_with_shutdown(async move {
        let _ = rx.await;
    }));
    let (admin, _) = store::users::upsert_allowlisted(&db, "test-admin", None, Role::Admin)
        .await
        .expect("create admin");
    let (_, token) = store::users::create_token(&db, admin.id, "test")
        .await
        .expect("create admin token");
    // The root's mailbox is ordered: once it answers, its boot-time adoption is over, so a
    // test that prepares rows by hand cannot race with it.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while runtime.supervisors().await.is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the runtime never booted"
        );
    }
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db,
        client: reqwest::Client::new(),
        admin_token: token.expose().to_owned(),
        settings,
        sim,
        runtime,
        shutdown: Some(tx),
        _test_db: test_db,
    }
}

/// A response read whole: status and JSON body (`Value::Null` when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    /// Creates a user with `role` through the API and returns (user id, token).
    pub async fn create_user(&self, name: &str, role: &str) -> (Uuid, String) {
        let created = self
            .request(
                Method::POST,
                "/api/users",
                Some(&self.admin_token),
                Some(serde_json::json!({ "name": name, "role": role })),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let id: Uuid = serde_json::from_value(created.body["id"].clone()).unwrap();
        let token = self
            .request(
                Method::POST,
                &format!("/api/users/{id}/tokens"),
                Some(&self.admin_token),
                Some(serde_json::json!({ "name": "t" })),
            )
            .await;
        assert_eq!(token.status, StatusCode::CREATED, "{:?}", token.body);
        (id, token.body["token"].as_str().unwrap().to_owned())
    }
}

/// Asserts the error envelope shape and returns the error object.
pub fn assert_envelope(reply: &Reply, status: StatusCode, code: &str) -> Value {
    assert_eq!(
        reply.status, status,
        "unexpected status, body {:?}",
        reply.body
    );
    let error = &reply.body["error"];
    assert!(error.is_object(), "no error envelope in {:?}", reply.body);
    assert_eq!(error["code"], code, "{:?}", reply.body);
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message missing in {:?}",
        reply.body
    );
    assert!(
        error["details"].is_object(),
        "details missing in {:?}",
        reply.body
    );
    let ts = error["timestamp"].as_str().expect("timestamp");
    chrono::DateTime::parse_from_rfc3339(ts).expect("timestamp is RFC 3339");
    error.clone()
}

/// A CSV upload to `POST /api/campaigns`: the form fields besides the file.
pub struct CampaignForm<'a> {
    pub csv: Vec<u8>,
    pub fields: Vec<(&'a str, String)>,
}

impl TestApp {
    /// Puts an assistant straight into the directory (no provider round trip).
    pub async fn seed_assistant(&self, name: &str) -> Uuid {
        let created = store::assistants::insert(
            &self.db,
            store::assistants::NewAssistant {
                provider_assistant_id: format!("asst-{}", Uuid::new_v4()),
                name: name.to_owned(),
                source: store::assistants::Source::Local,
                template_key: None,
                config: serde_json::json!({ "name": name }),
                ephemeral: false,
                created_by: None,
            },
        )
        .await
        .expect("insert assistant");
        created.id
    }

    /// Posts a multipart campaign creation with `token`.
    pub async fn post_campaign(&self, token: &str, form: CampaignForm<'_>) -> Reply {
        let mut multipart = reqwest::multipart::Form::new().part(
            "contactsCsv",
            reqwest::multipart::Part::bytes(form.csv)
                .file_name("contacts.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
        for (name, value) in form.fields {
            multipart = multipart.text(name.to_owned(), value);
        }
        let resp = self
            .client
            .post(self.url("/api/campaigns"))
            .bearer_auth(token)
            .multipart(multipart)
            .send()
            .await
            .expect("request sent");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// Creates a campaign from `csv` with sensible defaults; panics unless 201.
    pub async fn create_campaign(
        &self,
        token: &str,
        assistant: Uuid,
        csv: &[u8],
        extra: &[(&str, &str)],
    ) -> Value {
        let mut fields = vec![
            ("name", "Test campaign".to_owned()),
            ("assistantId", assistant.to_string()),
            ("phoneNumberId", "phone-test".to_owned()),
        ];
        for (k, v) in extra {
            fields.retain(|(name, _)| name != k);
            fields.push((k, (*v).to_owned()));
        }
        let reply = self
            .post_campaign(
                token,
                CampaignForm {
                    csv: csv.to_vec(),
                    fields,
                },
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        reply.body
    }
}

/// `n` contacts with distinct valid US numbers, as a CSV.
pub fn contacts_csv(n: usize) -> Vec<u8> {
    contacts_csv_from(0, n)
}

/// `n` contacts numbered from `first` (distinct numbers across calls with disjoint ranges).
pub fn contacts_csv_from(first: usize, n: usize) -> Vec<u8> {
    let mut csv = String::from("name,business_name,phone\r\n");
    for i in first..first + n {
        let exchange = 234 + i / 10_000;
        let line = i % 10_000;
        csv.push_str(&format!(
            "Person {i},Business {i},(415) {exchange}-{line:04}\r\n"
        ));
    }
    csv.into_bytes()
}

impl TestApp {
    /// Creates a campaign over `n` generated contacts and starts it; returns its id.
    pub async fn start_campaign(&self, n: usize, extra: &[(&str, &str)]) -> String {
        self.start_campaign_csv(&contacts_csv(n), extra).await
    }

    /// Creates (does not start) a campaign over `n` generated contacts; returns its id.
    pub async fn created_campaign(&self, n: usize, extra: &[(&str, &str)]) -> String {
        self.created_campaign_csv(&contacts_csv(n), extra).await
    }

    /// Creates (does not start) a campaign over `csv`; returns its id.
    pub async fn created_campaign_csv(&self, csv: &[u8], extra: &[(&str, &str)]) -> String {
        let assistant = self.seed_assistant("Runtime test").await;
        let created = self
            .create_campaign(&self.admin_token, assistant, csv, extra)
            .await;
        created["campaignId"].as_str().unwrap().to_owned()
    }

    /// Creates a campaign over `csv` and starts it; returns its id.
    pub async fn start_campaign_csv(&self, csv: &[u8], extra: &[(&str, &str)]) -> String {
        let id = self.created_campaign_csv(csv, extra).await;
        let started = self
            .request(
                Method::POST,
                &format!("/api/campaigns/{id}/start"),
                Some(&self.admin_token),
                None,
            )
            .await;
        assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
        assert_eq!(started.body["status"], "QUEUED");
        id
    }

    /// Polls the campaign until it reaches `status` (panics after `timeout`).
    pub async fn wait_for_status(
        &self,
        id: &str,
        status: &str,
        timeout: std::time::Duration,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let detail = self
                .get(&format!("/api/campaigns/{id}"), Some(&self.admin_token))
                .await;
            if detail.body["status"] == status {
                return detail.body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "campaign {id} did not reach {status} in {timeout:?}: {}\nsimulator: {:?}",
                detail.body,
                self.sim.stats()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl TestApp {
    /// The calls of a campaign, as stored.
    pub async fn calls_of(&self, campaign: &str) -> Vec<autolynx::store::entities::call::Model> {
        use autolynx::store::entities::call;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let id: Uuid = campaign.parse().expect("a campaign id");
        call::Entity::find()
            .filter(call::Column::CampaignId.eq(id))
            .all(&self.db)
            .await
            .expect("read calls")
    }

    /// The contacts of a campaign, as stored.
    pub async fn contacts_of(
        &self,
        campaign: &str,
    ) -> Vec<autolynx::store::entities::contact::Model> {
        use autolynx::store::entities::contact;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let id: Uuid = campaign.parse().expect("a campaign id");
        contact::Entity::find()
            .filter(contact::Column::CampaignId.eq(id))
            .all(&self.db)
            .await
            .expect("read contacts")
    }
}

/// A port that was free a moment ago (for child processes that need it in advance).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `autolynx token create` for an admin on `db_url` and returns the token.
pub fn cli_admin_token(db_url: &str, name: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["token", "create", "--name", name, "--role", "admin"])
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .expect("run autolynx token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

/// The exactly-once oracle: no attempt created twice at the provider (by our call id), and no
/// number dialed twice.
pub fn assert_never_twice(stats: &autolynx::provider::simulator::SimStats) {
    let twice: Vec<_> = stats
        .calls_by_call_id
        .iter()
        .filter(|(_, n)| **n > 1)
        .collect();
    assert!(twice.is_empty(), "one attempt created twice: {twice:?}");
    let numbers: Vec<_> = stats
        .dials_by_customer
        .iter()
        .filter(|(_, n)| **n > 1)
        .collect();
    assert!(numbers.is_empty(), "numbers dialed twice: {numbers:?}");
}

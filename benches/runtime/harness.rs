//! What every scenario needs: databases, an autolynx server (in this process or as a child
//! process that can be SIGKILLed), the simulator, an admin token, distributions and the report.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use autolynx::config::{ConfigSources, Settings, WebhookScheme, WebhookSettings};
use autolynx::domain::auth::Role;
use autolynx::provider::simulator::{
    MsRange, OutcomeMix, Simulator, SimulatorConfig, TimelineEntry, TimelineKind, Timings,
};
use autolynx::startup::Application;
use autolynx::store;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

pub const SECRET: &str = "bench-webhook-secret";

// ---------------------------------------------------------------------------------------------
// Databases

/// Where a scenario's data lives.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// An admin URL; each scenario gets a fresh database under it.
    Postgres(String),
}

impl Backend {
    pub fn label(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

/// One scenario's database; dropped (PostgreSQL) or deleted (SQLite) by [`Database::cleanup`].
pub struct Database {
    pub url: String,
    backend: Backend,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl Database {
    pub async fn create(backend: &Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Self {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("bench.db").display()
                ),
                backend: backend.clone(),
                pg_name: None,
                _dir: dir,
            },
            Backend::Postgres(admin_url) => {
                let name = format!("autolynx_bench_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(admin_url.as_str())
                    .await
                    .expect("PostgreSQL admin connection");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the bench database");
                admin.close().await.ok();
                let mut url = reqwest::Url::parse(admin_url).expect("PostgreSQL URL");
                url.set_path(&format!("/{name}"));
                Self {
                    url: url.to_string(),
                    backend: backend.clone(),
                    pg_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub async fn cleanup(self) {
        if let (Backend::Postgres(admin_url), Some(name)) = (&self.backend, &self.pg_name)
            && let Ok(admin) = sea_orm::Database::connect(admin_url.as_str()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await.ok();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The simulator

/// Every call answered, `call_ms` long, no queue, ring or post-processing delay: the dial
/// pipeline is what is measured.
pub fn simulator_config(call_ms: MsRange, limit: u32) -> SimulatorConfig {
    let mut config = SimulatorConfig::fast();
    config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(SECRET));
    config.concurrency_limit = limit;
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        queue_ms: 0,
        ring_ms: MsRange::new(0, 0),
        call_ms,
        post_processing_ms: 0,
        blocked_end_ms: 20,
    };
    config.webhook_delivery.max_retries = 5;
    config.webhook_delivery.timeout_ms = 10_000;
    config.keep_timeline = true;
    config
}

pub async fn simulator(config: SimulatorConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator")
}

// ---------------------------------------------------------------------------------------------
// The server

/// The settings every scenario shares; `extra` overrides or adds.
pub fn server_env(
    db_url: &str,
    sim: &Simulator,
    account: u32,
    extra: &[(&str, String)],
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("AUTOLYNX__SERVER__BIND", "127.0.0.1:0".to_owned()),
        ("AUTOLYNX__SERVER__MAX_UPLOAD_BYTES", "268435456".to_owned()),
        ("DATABASE_URL", db_url.to_owned()),
        ("VAPI_BASE_URL", sim.base_url().to_owned()),
        ("VAPI_API_KEY", sim.api_key().to_owned()),
        ("VAPI_PHONE_NUMBER_ID", "bench-line".to_owned()),
        ("WEBHOOK_SHARED_SECRET", SECRET.to_owned()),
        ("LOG_LEVEL", "error".to_owned()),
        (
            "AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS",
            account.to_string(),
        ),
        ("AUTOLYNX__CAMPAIGNS__MAX_CONTACTS", "200000".to_owned()),
        // Benchmarks run at any hour; the floor would hold half of them.
        ("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "false".to_owned()),
        ("AUTOLYNX__DATABASE__MAX_CONNECTIONS", "20".to_owned()),
        ("AUTOLYNX__RATE_LIMITS__GENERAL_PER_MINUTE", "0".to_owned()),
        ("AUTOLYNX__RATE_LIMITS__UPLOADS_PER_MINUTE", "0".to_owned()),
        ("AUTOLYNX__RATE_LIMITS__EXPORTS_PER_MINUTE", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    // Settings from this process's environment (`AUTOLYNX__DATABASE__GROUP_COMMIT_WRITERS=1`,
    // say) reach the server too: how a setting changes a figure is one run away.
    let outer: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("AUTOLYNX__") && k != "AUTOLYNX__SERVER__BIND")
        .collect();
    for (k, v) in extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .chain(outer)
    {
        env.retain(|(key, _)| *key != k);
        env.push((k, v));
    }
    env
}

/// An API client with an admin token and a cloned assistant.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
    pub assistant_id: String,
}

/// An admin user and token written straight into the database.
pub async fn admin_token(db: &DatabaseConnection) -> String {
    let (admin, _) = store::users::upsert_allowlisted(db, "bench", None, Role::Admin)
        .await
        .expect("admin user");
    let (_, token) = store::users::create_token(db, admin.id, "bench")
        .await
        .expect("admin token");
    token.expose().to_owned()
}

impl Api {
    pub async fn new(port: u16, token: String) -> Self {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{port}/api");
        let assistant: Value = client
            .post(format!("{base}/assistants/templates/short-pitch/clone"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .expect("clone a template")
            .json()
            .await
            .expect("assistant");
        let assistant_id = assistant["id"].as_str().expect("assistant id").to_owned();
        Self {
            client,
            base,
            token,
            assistant_id,
        }
    }

    /// Creates a campaign from a CSV; returns its id and the import report.
    pub async fn create_campaign(&self, name: &str, csv: Vec<u8>, cap: u32) -> (String, Value) {
        let form = reqwest::multipart::Form::new()
            .part(
                "contactsCsv",
                reqwest::multipart::Part::bytes(csv).file_name("contacts.csv"),
            )
            .text("name", name.to_owned())
            .text("assistantId", self.assistant_id.clone())
            .text("cap", cap.to_string());
        let response = self
            .client
            .post(format!("{}/campaigns", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .expect("create a campaign");
        let status = response.status();
        let body: Value = response.json().await.expect("create answer");
        assert!(status.is_success(), "create answered {status}: {body}");
        (
            body["campaignId"].as_str().expect("campaignId").to_owned(),
            body["importReport"].clone(),
        )
    }

    pub async fn start(&self, id: &str) {
        let response = self
            .client
            .post(format!("{}/campaigns/{id}/start", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("start");
        assert!(
            response.status().is_success(),
            "start answered {}",
            response.status()
        );
    }

    pub async fn get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON answer")
    }

    pub async fn status(&self, id: &str) -> String {
        self.get(&format!("/campaigns/{id}"))
            .await
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until every campaign is COMPLETED; the instant each one was first seen so.
    pub async fn wait_completed(&self, ids: &[String], poll: Duration) -> Instant {
        let mut pending: Vec<&String> = ids.iter().collect();
        loop {
            let mut still = Vec::new();
            for id in pending {
                if self.status(id).await != "COMPLETED" {
                    still.push(id);
                }
            }
            if still.is_empty() {
                return Instant::now();
            }
            pending = still;
            tokio::time::sleep(poll).await;
        }
    }
}

/// autolynx in this process, stopped by [`InProcess::stop`].
pub struct InProcess {
    pub api: Api,
    pub db: DatabaseConnection,
    /// Its id as a node of the PostgreSQL cluster (`None` on SQLite).
    pub node: Option<uuid::Uuid>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl InProcess {
    /// `sim_webhooks`: whether the simulator sends its webhooks here.
    pub async fn start(env: Vec<(String, String)>, sim: &Simulator, sim_webhooks: bool) -> Self {
        let settings = Settings::load_from(ConfigSources {
            file: None,
            env: Some(env.into_iter().collect::<HashMap<_, _>>()),
        })
        .expect("settings");
        let app = Application::build(settings).await.expect("application");
        let port = app.port();
        let db = app.db().clone();
        let node = app.cluster().map(|c| c.node());
        if sim_webhooks {
            sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = app
                .run_with_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        let token = admin_token(&db).await;
        let api = Api::new(port, token).await;
        Self {
            api,
            db,
            node,
            stop,
            task,
        }
    }

    /// Where the simulator delivers webhooks for this server.
    pub fn webhook_url(&self) -> String {
        format!("{}/webhooks/vapi", self.api.base)
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(30), self.task).await;
        self.db.close().await.ok();
    }
}

/// `autolynx serve` as a child process: what a SIGKILL can hit, and whose RSS is its own.
pub struct Child {
    pub child: tokio::process::Child,
    pub port: u16,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Child {
    pub async fn start(env: &[(String, String)], port: u16) -> Self {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env.iter().cloned())
            .env("AUTOLYNX__SERVER__BIND", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let child = command.spawn().expect("spawn autolynx serve");
        let this = Self { child, port };
        this.wait_ready().await;
        this
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/api/health", self.port);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("autolynx serve did not become ready");
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("child pid")
    }

    pub async fn sigkill(mut self) {
        self.child.start_kill().expect("SIGKILL");
        let _ = self.child.wait().await;
    }
}

/// `autolynx_supervisors` from `/metrics` (loopback peers need no token).
pub async fn supervisors(client: &reqwest::Client, port: u16) -> Option<u64> {
    let text = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find(|l| l.starts_with("autolynx_supervisors "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

// ---------------------------------------------------------------------------------------------
// Memory

/// A field of `/proc/PID/status` in MiB (`VmRSS`, `VmHWM`).
pub fn proc_mib(pid: Option<u32>, field: &str) -> f64 {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Samples a process's anonymous memory (`RssAnon`: its heap and stacks, not the files it maps
/// — SQLite reads its database through a memory map, and those pages are the kernel's page
/// cache, counted in `VmRSS`) every 10 ms until stopped; `stop` answers the highest sample.
pub struct AnonPeak {
    done: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<f64>,
}

impl AnonPeak {
    pub fn start(pid: u32) -> Self {
        let (done, mut stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let mut peak = proc_mib(Some(pid), "RssAnon:");
            loop {
                tokio::select! {
                    _ = &mut stopped => return peak,
                    () = tokio::time::sleep(Duration::from_millis(10)) => {
                        peak = peak.max(proc_mib(Some(pid), "RssAnon:"));
                    }
                }
            }
        });
        Self { done, task }
    }

    pub async fn stop(self) -> f64 {
        let _ = self.done.send(());
        self.task.await.unwrap_or(f64::NAN)
    }
}

// ---------------------------------------------------------------------------------------------
// Contacts

/// `n` distinct valid US numbers starting at `first`.
pub fn contacts_csv(first: usize, n: usize) -> Vec<u8> {
    let mut csv = String::from("name,business_name,phone,city\r\n");
    for i in first..first + n {
        let area = [212, 312, 415, 503, 617, 702, 718, 917][i % 8];
        let exchange = 234 + (i / 10_000) % 700;
        csv.push_str(&format!(
            "Person {i},\"Business {i}, Inc.\",({area}) {exchange}-{:04},City {}\r\n",
            i % 10_000,
            i % 50
        ));
    }
    csv.into_bytes()
}

/// `rows` rows from the shared deterministic generator (`../shared/data/gen_contacts.py`), or
/// `None` when it or Python is not there.
pub fn generated_csv(rows: usize) -> Option<Vec<u8>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/gen_contacts.py");
    if !script.exists() {
        return None;
    }
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(rows.to_string())
        .args(["--seed", "7", "--extra"])
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

// ---------------------------------------------------------------------------------------------
// The simulator's timeline

/// Per campaign, the instants of call creations and of final status-updates.
pub fn by_campaign(timeline: &[TimelineEntry]) -> HashMap<String, (Vec<Instant>, Vec<Instant>)> {
    let mut map: HashMap<String, (Vec<Instant>, Vec<Instant>)> = HashMap::new();
    for entry in timeline {
        let Some(id) = &entry.campaign_id else {
            continue;
        };
        let slot = map.entry(id.clone()).or_default();
        match entry.kind {
            TimelineKind::CallCreated => slot.0.push(entry.at),
            TimelineKind::FinalStatusSent => slot.1.push(entry.at),
        }
    }
    map
}

/// Refill latencies of one campaign kept at its cap: the k-th call to end frees the slot the
/// (cap + k)-th call takes, so each is that creation minus that final status-update.
pub fn refill_latencies(creates: &[Instant], finals: &[Instant], cap: usize) -> Vec<Duration> {
    let mut finals = finals.to_vec();
    finals.sort();
    let mut creates = creates.to_vec();
    creates.sort();
    creates
        .iter()
        .skip(cap)
        .zip(finals.iter())
        .map(|(c, f)| c.saturating_duration_since(*f))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Figures and the report

/// A distribution's summary in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Dist {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Dist {
    pub fn of(mut samples: Vec<Duration>) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
            samples[i].as_secs_f64() * 1e3
        };
        Some(Self {
            n: samples.len(),
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: samples[samples.len() - 1].as_secs_f64() * 1e3,
        })
    }
}

/// Which number a target judges.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum On {
    Value,
    P95,
    P99,
    Max,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Target {
    pub on: On,
    /// `true`: the figure must be at most `limit`; `false`: at least.
    pub at_most: bool,
    pub limit: f64,
}

impl Target {
    pub fn at_most(on: On, limit: f64) -> Self {
        Self {
            on,
            at_most: true,
            limit,
        }
    }
    pub fn at_least(limit: f64) -> Self {
        Self {
            on: On::Value,
            at_most: false,
            limit,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub scenario: &'static str,
    pub backend: String,
    pub figure: String,
    pub unit: &'static str,
    pub value: Option<f64>,
    pub n: Option<usize>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
    pub target: Option<Target>,
    pub met: Option<bool>,
    pub note: String,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    fn push(&mut self, mut row: Row) {
        row.met = row.target.and_then(|t| {
            let v = match t.on {
                On::Value => row.value,
                On::P95 => row.p95,
                On::P99 => row.p99,
                On::Max => row.max,
            }?;
            Some(if t.at_most {
                v <= t.limit
            } else {
                v >= t.limit
            })
        });
        print_row(&row);
        self.rows.push(row);
    }

    /// `at`: (scenario, database).
    pub fn value(
        &mut self,
        (scenario, backend): (&'static str, &str),
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        target: Option<Target>,
        note: impl Into<String>,
    ) {
        self.push(Row {
            scenario,
            backend: backend.to_owned(),
            figure: figure.into(),
            unit,
            value: Some(value),
            n: None,
            p50: None,
            p95: None,
            p99: None,
            max: None,
            target,
            met: None,
            note: note.into(),
        });
    }

    pub fn dist(
        &mut self,
        scenario: &'static str,
        backend: &str,
        figure: impl Into<String>,
        dist: Option<Dist>,
        target: Option<Target>,
        note: impl Into<String>,
    ) {
        self.push(Row {
            scenario,
            backend: backend.to_owned(),
            figure: figure.into(),
            unit: "ms",
            value: None,
            n: dist.map(|d| d.n),
            p50: dist.map(|d| d.p50),
            p95: dist.map(|d| d.p95),
            p99: dist.map(|d| d.p99),
            max: dist.map(|d| d.max),
            target,
            met: None,
            note: note.into(),
        });
    }

    pub fn header() {
        println!(
            "{:<10} {:<10} {:<34} {:>10} {:>9} {:>9} {:>9} {:>9}  {:<14} note",
            "scenario", "database", "figure", "value", "p50", "p95", "p99", "max", "target"
        );
    }

    pub fn write_json(&self, path: &Path, quick: bool) {
        let doc = json!({
            "quick": quick,
            "machine": machine(),
            "rows": self.rows,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&doc).expect("JSON")).expect("write JSON");
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "·".to_owned(),
    }
}

fn print_row(row: &Row) {
    let target = row
        .target
        .map(|t| {
            let on = match t.on {
                On::Value => "",
                On::P95 => "p95 ",
                On::P99 => "p99 ",
                On::Max => "max ",
            };
            let verdict = match row.met {
                Some(true) => "ok",
                Some(false) => "MISS",
                None => "?",
            };
            format!(
                "{on}{}{} {verdict}",
                if t.at_most { "≤" } else { "≥" },
                fmt_opt(Some(t.limit))
            )
        })
        .unwrap_or_default();
    let value = row
        .value
        .map(|v| format!("{} {}", fmt_opt(Some(v)), row.unit))
        .unwrap_or_else(|| "·".to_owned());
    println!(
        "{:<10} {:<10} {:<34} {:>10} {:>9} {:>9} {:>9} {:>9}  {:<14} {}",
        row.scenario,
        row.backend,
        row.figure,
        value,
        fmt_opt(row.p50),
        fmt_opt(row.p95),
        fmt_opt(row.p99),
        fmt_opt(row.max),
        target,
        row.note
    );
}

/// What the numbers were measured on.
pub fn machine() -> Value {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_default();
    let memory = proc_meminfo_gib();
    json!({
        "cpus": cpus,
        "cpuModel": model,
        "memoryGiB": memory,
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
    })
}

fn proc_meminfo_gib() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0 / 1024.0)
}

//! The real `autolynx serve` binary as a child process, with JSON logs at debug level: a whole
//! campaign runs against an in-process simulator, then its logs are checked for shape and for
//! personal data and secrets, and its `/metrics` (a process of its own, so counters are exact)
//! are compared with the database.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::simulator::{Simulator, SimulatorConfig};
use autolynx::store::entities::call;
use reqwest::StatusCode;
use sea_orm::{Database, EntityTrait};
use serde_json::Value;

use crate::helpers::{TestDb, cli_admin_token, contacts_csv, free_port};

const WEBHOOK_SECRET: &str = "child-webhook-secret-5f1e";
const CONTACTS: usize = 20;

/// Phrases the simulator puts in transcripts and summaries.
const CONVERSATION: &[&str] = &[
    "Do you have a minute",
    "Sure, what is it about",
    "tell you about our new service",
    "send me the details",
    "not interested",
    "call us back",
    "The customer was interested",
    "The customer declined",
];

/// The child server; killed (by its pid) when dropped, whatever happened.
struct ServeChild {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl ServeChild {
    fn stop(&mut self) -> Vec<String> {
        #[cfg(unix)]
        {
            // SIGTERM: the graceful path.
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a campaign run in a child process left behind.
struct Run {
    logs: Vec<String>,
    api_key: String,
    token: String,
    campaign_id: String,
    before: BTreeMap<String, f64>,
    after: BTreeMap<String, f64>,
    calls: Vec<call::Model>,
    _db: TestDb,
}

/// Parses Prometheus text into `name{labels}` → value (label order as rendered).
fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(client: &reqwest::Client, base: &str) -> BTreeMap<String, f64> {
    let resp = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    parse_metrics(&resp.text().await.unwrap())
}

async fn run_campaign_in_child() -> Run {
    let mut sim_config = SimulatorConfig::fast();
    sim_config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    let sim = Simulator::start(sim_config)
        .await
        .expect("simulator starts");
    let db = TestDb::new().await;
    let token = cli_admin_token(&db.url, "ops");
    let port = free_port();
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .arg("serve")
        .env_remove("AUTOLYNX_CONFIG")
        .env("DATABASE_URL", &db.url)
        .env("VAPI_BASE_URL", sim.base_url())
        .env("VAPI_API_KEY", sim.api_key())
        .env("VAPI_PHONE_NUMBER_ID", "phone-test")
        .env("WEBHOOK_SHARED_SECRET", WEBHOOK_SECRET)
        .env("CRON_SHARED_SECRET", "child-cron-secret-77aa")
        .env("LOG_LEVEL", "debug,autolynx=trace")
        .env("AUTOLYNX__LOG__FORMAT", "json")
        .env("AUTOLYNX__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("AUTOLYNX__SERVER__SHUTDOWN_GRACE_SECS", "1")
        // It runs at any hour (see FAST_RUNTIME).
        .env("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn autolynx serve");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut readers = Vec::new();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let lines = lines.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        }));
    }
    let mut server = ServeChild {
        child,
        lines,
        readers,
    };

    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/api/health")).send().await
            && r.status() == StatusCode::OK
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child did not come up: {:?}",
            server.lines.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = scrape(&client, &base).await;

    let cloned: Value = client
        .post(format!("{base}/api/assistants/templates/short-pitch/clone"))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let assistant = cloned["id"].as_str().expect("assistant id").to_owned();
    let form = reqwest::multipart::Form::new()
        .part(
            "contactsCsv",
            reqwest::multipart::Part::bytes(contacts_csv(CONTACTS))
                .file_name("contacts.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        .text("name", "Observability")
        .text("assistantId", assistant)
        .text("phoneNumberId", "phone-test")
        .text("cap", "4");
    let created: Value = client
        .post(format!("{base}/api/campaigns"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let campaign_id = created["campaignId"]
        .as_str()
        .expect("campaign id")
        .to_owned();
    let started = client
        .post(format!("{base}/api/campaigns/{campaign_id}/start"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    // A search by phone number must not leak into the logs either.
    let _ = client
        .get(format!(
            "{base}/api/campaigns/{campaign_id}/contacts?search=%2B14152340003"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let detail: Value = client
            .get(format!("{base}/api/campaigns/{campaign_id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if detail["status"] == "COMPLETED" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "campaign did not complete: {detail}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // End-of-call reports land a little after completion.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = client
        .post(format!("{base}/api/scheduler/tick"))
        .bearer_auth("child-cron-secret-77aa")
        .send()
        .await
        .unwrap();
    let after = scrape(&client, &base).await;
    let logs = server.stop();
    let conn = Database::connect(&db.url).await.unwrap();
    let calls = call::Entity::find().all(&conn).await.unwrap();
    conn.close().await.ok();
    let api_key = sim.api_key().to_owned();
    sim.shutdown().await;
    Run {
        logs,
        api_key,
        token,
        campaign_id,
        before,
        after,
        calls,
        _db: db,
    }
}

#[tokio::test]
async fn logs_of_a_whole_campaign_are_json_without_personal_data_or_secrets() {
    let run = run_campaign_in_child().await;
    assert!(run.logs.len() > 50, "too few log lines: {:?}", run.logs);
    let mut request_ids = 0;
    let mut with_call_id = 0;
    for line in &run.logs {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        for key in ["timestamp", "level", "message"] {
            assert!(value[key].is_string(), "no {key} in {line}");
        }
        if line.contains("\"request_id\"") {
            request_ids += 1;
        }
        if line.contains("\"call_id\"") {
            with_call_id += 1;
        }
    }
    assert!(request_ids > 0, "no request ids in the logs");
    assert!(with_call_id > 0, "no call ids in the logs");
    let finished: Vec<&String> = run
        .logs
        .iter()
        .filter(|l| l.contains("request finished"))
        .collect();
    assert!(
        finished.iter().all(|l| l.contains("\"request_id\"")),
        "a request line without request id"
    );
    let all = run.logs.join("\n");
    for i in 0..CONTACTS {
        let local = format!("{:04}", i % 10_000);
        for forbidden in [
            format!("+1415234{local}"),
            format!("415234{local}"),
            format!("(415) 234-{local}"),
            format!("234-{local}"),
        ] {
            assert!(!all.contains(&forbidden), "{forbidden} appears in the logs");
        }
    }
    for phrase in CONVERSATION {
        assert!(
            !all.contains(phrase),
            "transcript text {phrase:?} appears in the logs"
        );
    }
    for secret in [
        run.token.as_str(),
        WEBHOOK_SECRET,
        "child-cron-secret-77aa",
        run.api_key.as_str(),
    ] {
        assert!(!all.contains(secret), "a secret appears in the logs");
    }
    assert!(all.contains(&run.campaign_id), "campaign id never logged");
}

#[tokio::test]
async fn metrics_scraped_before_and_after_a_campaign_match_the_database() {
    let run = run_campaign_in_child().await;
    let delta = |key: &str| {
        run.after.get(key).copied().unwrap_or(0.0) - run.before.get(key).copied().unwrap_or(0.0)
    };
    // Calls by status and outcome class.
    let mut expected: BTreeMap<(String, String), f64> = BTreeMap::new();
    for c in &run.calls {
        let outcome = c.outcome.clone().unwrap_or_else(|| "unknown".into());
        *expected.entry((c.status.to_string(), outcome)).or_default() += 1.0;
    }
    assert_eq!(run.calls.len(), CONTACTS);
    let mut seen = 0.0;
    for ((status, outcome), n) in &expected {
        let key = format!("autolynx_calls_total{{status=\"{status}\",outcome=\"{outcome}\"}}");
        assert_eq!(delta(&key), *n, "{key}: {:?}", run.after);
        seen += n;
    }
    let total: f64 = run
        .after
        .iter()
        .filter(|(k, _)| k.starts_with("autolynx_calls_total{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(total, seen, "calls counted that the database does not have");

    let dialed = run
        .calls
        .iter()
        .filter(|c| c.provider_call_id.is_some())
        .count() as f64;
    assert_eq!(delta("autolynx_dials_total{result=\"accepted\"}"), dialed);
    assert_eq!(delta("autolynx_dial_latency_seconds_count"), dialed);
    assert!(delta("autolynx_webhook_latency_seconds_count") >= dialed);
    assert!(delta("autolynx_webhooks_total{result=\"applied\"}") >= dialed);
    assert_eq!(run.after["autolynx_campaigns{status=\"COMPLETED\"}"], 1.0);
    assert_eq!(run.after["autolynx_campaigns{status=\"RUNNING\"}"], 0.0);
    assert_eq!(run.after["autolynx_account_live_calls"], 0.0);
    assert_eq!(
        run.after["autolynx_sweeps_total{trigger=\"tick\"}"], 1.0,
        "{:?}",
        run.after
    );
    assert!(
        delta(
            "autolynx_http_requests_total{route=\"/api/campaigns/{id}\",method=\"GET\",status=\"200\"}"
        ) >= 1.0,
        "{:?}",
        run.after
    );
    assert!(
        !run.after
            .keys()
            .any(|k| k.starts_with("autolynx_http_requests_total") && k.contains(&run.campaign_id)),
        "a raw path became a label"
    );
}

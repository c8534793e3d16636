//! `autolynx demo`: the whole product on one machine in one command. An embedded SQLite file
//! in a temporary directory, the Vapi simulator in-process, the server on a free loopback port,
//! an admin token; then, through the HTTP API like any user: an assistant cloned from a
//! template, a campaign of generated contacts, its start, live progress bars fed by the SSE
//! stream, and a summary checked against the simulator's own count of concurrent calls.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::config::{ConfigSources, Settings, WebhookScheme, WebhookSettings};
use crate::domain::auth::Role;
use crate::provider::simulator::{
    FaultProfile, MsRange, OutcomeMix, Simulator, SimulatorConfig, Timings, WebhookDelivery,
};
use crate::startup::Application;
use crate::{store, telemetry};

/// The phone line the demo dials from.
const PHONE_LINE: &str = "demo-line";
/// The template the demo's assistant is cloned from.
const TEMPLATE: &str = "voicemail-friendly";
/// The simulator's delay before an end-of-call report (cost, transcript).
const POST_PROCESSING_MS: u64 = 300;

/// `autolynx demo` options.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Everything runs on 127.0.0.1 and in a temporary directory; nothing is dialed \
                  for real. Exit code 0 only if the campaign COMPLETED and the simulator never \
                  saw more live calls than the cap."
)]
pub struct DemoArgs {
    /// Generated contacts in the campaign (1–10000).
    #[arg(long, default_value_t = 200)]
    pub contacts: usize,
    /// The campaign's concurrency cap (1–50).
    #[arg(long, default_value_t = 8)]
    pub cap: u32,
    /// Faults injected by the simulator: none; flaky (429/5xx, timeouts, dropped, duplicated,
    /// delayed and reordered webhooks — the runtime heals); hostile (high rates, lost
    /// responses, calls created after the dial timed out or got a 504, calls that never end).
    #[arg(long, value_enum, default_value = "none")]
    pub fault_profile: FaultProfile,
    /// Seed of the simulated outcomes: the same seed replays the same outcome per contact.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length of an answered call in ms, MIN..MAX.
    #[arg(long, default_value = "500..1500", value_parser = parse_range)]
    pub call_ms: MsRange,
    /// Leave the server (and the simulator) running after the summary, print the URLs and the
    /// admin token, and wait for Ctrl-C.
    #[arg(long)]
    pub keep_running: bool,
    /// Give up waiting for the campaign after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout_secs: u64,
    /// Log filter of the embedded server (logs go to stderr).
    #[arg(long, default_value = "warn")]
    pub log_level: String,
}

fn parse_range(s: &str) -> Result<MsRange, String> {
    s.parse()
}

/// Runs the demo; an error (non-zero exit) unless the campaign completed within its cap.
pub async fn run(args: &DemoArgs) -> anyhow::Result<()> {
    ensure!(
        (1..=10_000).contains(&args.contacts),
        "--contacts must be between 1 and 10000"
    );
    ensure!(
        (1..=50).contains(&args.cap),
        "--cap must be between 1 and 50"
    );

    let dir = tempfile::Builder::new()
        .prefix("autolynx-demo-")
        .tempdir()
        .context("could not create a temporary directory")?
        // Kept: the database and the export stay there for a look afterwards.
        .keep();
    let secret = Uuid::new_v4().simple().to_string();
    let account_limit = args.cap.max(10);

    let mut faults = args.fault_profile.faults();
    // Requests the simulator holds are given up by the client after 2 s, not 30.
    faults.timeout_ms = 3_000;
    let sim = Simulator::start(SimulatorConfig {
        api_key: format!("demo-{}", Uuid::new_v4().simple()),
        webhook: WebhookSettings::new(WebhookScheme::Hmac, Some(&secret)),
        webhook_delivery: WebhookDelivery {
            max_retries: 3,
            backoff_ms: 100,
            timeout_ms: 2_000,
        },
        seed: args.seed,
        timings: Timings {
            queue_ms: 50,
            ring_ms: MsRange::new(100, 600),
            call_ms: args.call_ms,
            post_processing_ms: POST_PROCESSING_MS,
            blocked_end_ms: 100,
        },
        outcomes: OutcomeMix::default(),
        concurrency_limit: account_limit,
        faults,
        ..SimulatorConfig::default()
    })
    .await
    .context("could not start the Vapi simulator")?;

    let settings = demo_settings(&dir, &sim, &secret, args, account_limit)?;
    telemetry::init(&settings.log);
    let app = Application::build(settings)
        .await
        .context("could not start the server")?;
    let port = app.port();
    let base = format!("http://127.0.0.1:{port}");
    sim.set_webhook_url(format!("{base}/api/webhooks/vapi"));
    let db = app.db().clone();
    let (admin, _) = store::users::upsert_allowlisted(&db, "demo-admin", None, Role::Admin).await?;
    let (_, token) = store::users::create_token(&db, admin.id, "demo").await?;
    let token = token.expose().to_owned();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_with_shutdown(async move {
        let _ = stopped.await;
    }));

    let api = Api {
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .context("could not build the HTTP client")?,
        base: base.clone(),
        token: token.clone(),
    };
    let outcome = drive(&api, args, &dir).await;

    let result = match outcome {
        Ok(summary) => {
            let stats = sim.stats();
            let max = stats
                .max_active_by_phone_number
                .get(PHONE_LINE)
                .copied()
                .unwrap_or(0);
            let max_dials = stats.dials_by_customer.values().copied().max().unwrap_or(0);
            print_summary(&summary, args, max, stats.calls_created, max_dials);
            if args.keep_running {
                let (console, _) = crate::http::session::issue_login_link(
                    &db,
                    &crate::config::ConsoleSettings {
                        // Long enough to read the summary first; still used once.
                        login_link_minutes: 60,
                        session_hours: 12,
                    },
                    &base,
                    admin.id,
                )
                .await?;
                print_urls(&base, &token, summary.id, &console);
                crate::startup::shutdown_signal().await;
            }
            if summary.status != "COMPLETED" {
                Err(anyhow::anyhow!(
                    "the campaign ended {} instead of COMPLETED",
                    summary.status
                ))
            } else if max > args.cap {
                Err(anyhow::anyhow!(
                    "the cap did not hold: the simulator saw {max} live calls (cap {})",
                    args.cap
                ))
            } else {
                Ok(())
            }
        }
        Err(e) => Err(e),
    };

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    sim.shutdown().await;
    result
}

fn demo_settings(
    dir: &Path,
    sim: &Simulator,
    secret: &str,
    args: &DemoArgs,
    account_limit: u32,
) -> anyhow::Result<Settings> {
    let db = dir.join("demo.db");
    let env: HashMap<String, String> = [
        ("AUTOLYNX__SERVER__BIND", "127.0.0.1:0".to_owned()),
        ("AUTOLYNX__SERVER__SHUTDOWN_GRACE_SECS", "1".to_owned()),
        (
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        ),
        ("VAPI_BASE_URL", sim.base_url().to_owned()),
        ("VAPI_API_KEY", sim.api_key().to_owned()),
        ("VAPI_PHONE_NUMBER_ID", PHONE_LINE.to_owned()),
        ("AUTOLYNX__VAPI__REQUEST_TIMEOUT_MS", "2000".to_owned()),
        ("WEBHOOK_SHARED_SECRET", secret.to_owned()),
        ("LOG_LEVEL", args.log_level.clone()),
        (
            "AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS",
            account_limit.to_string(),
        ),
        (
            "AUTOLYNX__CAMPAIGNS__MAX_CONTACTS",
            args.contacts.max(10_000).to_string(),
        ),
        // Calls last seconds here, not minutes: a call whose webhooks were lost is checked
        // with the provider after 5 s of silence instead of 10 minutes.
        ("AUTOLYNX__RUNTIME__SILENCE_TIMEOUT_MS", "5000".to_owned()),
        (
            "AUTOLYNX__RUNTIME__STUCK_CALL_TIMEOUT_MS",
            "5000".to_owned(),
        ),
        ("AUTOLYNX__RUNTIME__CONCURRENCY_RETRY_MS", "500".to_owned()),
        // The demo dials the simulator, never a person, at whatever hour it is run: the
        // legal floor is off (and the start says so in the log).
        ("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "false".to_owned()),
        // The simulator holds requests 3 s and creates gateway-timed-out calls within 3 s: a
        // dial without a trustworthy answer is looked up 5 s after its send, not a minute.
        ("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "5000".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Settings::load_from(ConfigSources {
        file: None,
        env: Some(env),
    })
    .context("invalid demo settings")
}

/// The HTTP API, used like any client would.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}/api{}", self.base, path)
    }

    /// Sends `req` and returns the JSON body, or an error naming `what` unless `expected`.
    async fn json(
        &self,
        what: &str,
        req: reqwest::RequestBuilder,
        expected: StatusCode,
    ) -> anyhow::Result<Value> {
        self.json_tried(what, req, expected, 1).await
    }

    /// [`Self::json`], sent again (up to five times, a second apart) while the answer is one a
    /// client should retry: the provider timed out or was unavailable (502/503/504), or
    /// limited the rate (429). The hostile fault profile makes the first ones common.
    async fn json_retried(
        &self,
        what: &str,
        req: reqwest::RequestBuilder,
        expected: StatusCode,
    ) -> anyhow::Result<Value> {
        self.json_tried(what, req, expected, 5).await
    }

    async fn json_tried(
        &self,
        what: &str,
        req: reqwest::RequestBuilder,
        expected: StatusCode,
        tries: u32,
    ) -> anyhow::Result<Value> {
        const RETRYABLE: [StatusCode; 4] = [
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::GATEWAY_TIMEOUT,
        ];
        let mut req = Some(req);
        let mut tried = 0;
        loop {
            tried += 1;
            // A copy while another try may follow (a body that cannot be copied: no retry).
            let again = (tried < tries)
                .then(|| req.as_ref().and_then(reqwest::RequestBuilder::try_clone))
                .flatten();
            let last = again.is_none();
            let this = match again {
                Some(copy) => copy,
                None => req.take().context("no request left to send")?,
            };
            let resp = this
                .bearer_auth(&self.token)
                .send()
                .await
                .with_context(|| format!("{what}: request failed"))?;
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            if !last && RETRYABLE.contains(&status) {
                tracing::warn!(%status, tried, "{what}: retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            if status != expected {
                bail!("{what}: HTTP {status}: {text}");
            }
            return serde_json::from_str(&text).with_context(|| format!("{what}: not JSON"));
        }
    }

    async fn get(&self, what: &str, path: &str) -> anyhow::Result<Value> {
        self.json(what, self.http.get(self.url(path)), StatusCode::OK)
            .await
    }
}

/// What the summary shows.
struct Summary {
    id: Uuid,
    status: String,
    contacts: u64,
    outcomes: BTreeMap<String, u64>,
    success_rate: f64,
    total_cost: f64,
    average_cost: Option<f64>,
    average_duration: Option<f64>,
    makespan: Option<Duration>,
    export: PathBuf,
}

/// Creates the assistant and the campaign, starts it, follows it to the end and collects the
/// summary.
async fn drive(api: &Api, args: &DemoArgs, dir: &Path) -> anyhow::Result<Summary> {
    let assistant = api
        .json_retried(
            "cloning the assistant template",
            api.http
                .post(api.url(&format!("/assistants/templates/{TEMPLATE}/clone")))
                .json(&json!({ "name": "Demo assistant" })),
            StatusCode::CREATED,
        )
        .await?;
    let assistant_id = assistant["id"].as_str().context("assistant id")?.to_owned();

    let form = reqwest::multipart::Form::new()
        .part(
            "contactsCsv",
            reqwest::multipart::Part::bytes(contacts_csv(args.contacts))
                .file_name("demo-contacts.csv")
                .mime_str("text/csv")?,
        )
        .text("name", "autolynx demo")
        .text("cap", args.cap.to_string())
        .text("assistantId", assistant_id)
        .text("phoneNumberId", PHONE_LINE);
    let created = api
        .json(
            "creating the campaign",
            api.http.post(api.url("/campaigns")).multipart(form),
            StatusCode::CREATED,
        )
        .await?;
    let id: Uuid = created["campaignId"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .context("campaign id")?;
    let accepted = created["importReport"]["accepted"].as_u64().unwrap_or(0);
    ensure!(
        accepted == args.contacts as u64,
        "only {accepted} of {} contacts were accepted: {}",
        args.contacts,
        created["importReport"]
    );

    let mut progress = Progress::new(accepted, args.cap);
    let profile = clap::ValueEnum::to_possible_value(&args.fault_profile)
        .map_or_else(String::new, |v| v.get_name().to_owned());
    progress.note(&format!(
        "campaign {id}: {accepted} contacts, cap {}, fault profile {profile}",
        args.cap
    ));
    // Listen before starting: the stream's snapshot is the campaign before its first call.
    let mut stream = EventStreamReader::open(api, id).await?;
    api.json(
        "starting the campaign",
        api.http.post(api.url(&format!("/campaigns/{id}/start"))),
        StatusCode::OK,
    )
    .await?;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout_secs);
    let mut reconnects = 0;
    let final_status = loop {
        let next = tokio::time::timeout_at(deadline, stream.next())
            .await
            .map_err(|_| {
                anyhow::anyhow!("the campaign did not finish in {} s", args.timeout_secs)
            })??;
        match next {
            Some((event, data)) => {
                if let Some(status) = progress.apply(&event, &data) {
                    break status;
                }
            }
            None => {
                // Cut (too slow) or the connection broke: a new stream starts from a fresh
                // snapshot, so nothing is lost.
                reconnects += 1;
                ensure!(reconnects <= 10, "the live-progress stream keeps closing");
                stream = EventStreamReader::open(api, id).await?;
            }
        }
    };
    progress.finish();

    // End-of-call reports (costs) land shortly after the last call ends.
    tokio::time::sleep(Duration::from_millis(POST_PROCESSING_MS + 700)).await;

    let detail = api
        .get("reading the campaign", &format!("/campaigns/{id}"))
        .await?;
    let outcomes = outcomes(api, id).await?;
    let export = export(api, id, dir).await?;
    let metrics = &detail["metrics"];
    let time = |key: &str| {
        detail["timeline"][key]
            .as_str()
            .and_then(|s| s.parse::<DateTime<Utc>>().ok())
    };
    let makespan = match (time("startedAt"), time("completedAt")) {
        (Some(a), Some(b)) => (b - a).to_std().ok(),
        _ => None,
    };
    Ok(Summary {
        id,
        status: detail["status"]
            .as_str()
            .unwrap_or(final_status.as_str())
            .to_owned(),
        contacts: accepted,
        outcomes,
        success_rate: metrics["successRate"].as_f64().unwrap_or(0.0),
        total_cost: metrics["totalCost"].as_f64().unwrap_or(0.0),
        average_cost: metrics["averageCost"].as_f64(),
        average_duration: metrics["averageDurationSeconds"].as_f64(),
        makespan,
        export,
    })
}

/// Contacts per outcome of their latest call, read through the contacts listing.
async fn outcomes(api: &Api, id: Uuid) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut counts = BTreeMap::new();
    for page in 1.. {
        let body = api
            .get(
                "listing the contacts",
                &format!("/campaigns/{id}/contacts?limit=500&page={page}"),
            )
            .await?;
        for contact in body["items"].as_array().into_iter().flatten() {
            let outcome = contact["latestCall"]["outcome"]
                .as_str()
                .unwrap_or("not dialed");
            *counts.entry(outcome.to_owned()).or_insert(0) += 1;
        }
        if page >= body["pagination"]["totalPages"].as_u64().unwrap_or(0) {
            break;
        }
    }
    Ok(counts)
}

/// Downloads the CSV export into `dir`.
async fn export(api: &Api, id: Uuid, dir: &Path) -> anyhow::Result<PathBuf> {
    let resp = api
        .http
        .get(api.url(&format!("/campaigns/{id}/export.csv")))
        .bearer_auth(&api.token)
        .send()
        .await
        .context("exporting the campaign")?;
    ensure!(
        resp.status() == StatusCode::OK,
        "exporting the campaign: HTTP {}",
        resp.status()
    );
    let name = resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("filename=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']))
        .unwrap_or("export.csv")
        .to_owned();
    let bytes = resp.bytes().await.context("reading the export")?;
    let path = dir.join(name);
    tokio::fs::write(&path, &bytes)
        .await
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// `n` contacts with distinct valid US numbers, as a CSV.
fn contacts_csv(n: usize) -> Vec<u8> {
    const FIRST: [&str; 8] = [
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken",
    ];
    const TRADE: [&str; 6] = ["Bakery", "Plumbing", "Dental", "Florist", "Garage", "Books"];
    let mut csv = String::from("name,business_name,phone\n");
    for i in 0..n {
        let exchange = 234 + i / 10_000;
        let line = i % 10_000;
        csv.push_str(&format!(
            "{} {i},{} {i},(415) {exchange}-{line:04}\n",
            FIRST[i % FIRST.len()],
            TRADE[i % TRADE.len()],
        ));
    }
    csv.into_bytes()
}

/// Reads `GET /api/campaigns/{id}/events`.
struct EventStreamReader {
    resp: reqwest::Response,
    decoder: SseDecoder,
    ready: std::collections::VecDeque<(String, Value)>,
}

impl EventStreamReader {
    async fn open(api: &Api, id: Uuid) -> anyhow::Result<Self> {
        let resp = api
            .http
            .get(api.url(&format!("/campaigns/{id}/events")))
            .bearer_auth(&api.token)
            .send()
            .await
            .context("opening the live-progress stream")?;
        ensure!(
            resp.status() == StatusCode::OK,
            "opening the live-progress stream: HTTP {}",
            resp.status()
        );
        Ok(Self {
            resp,
            decoder: SseDecoder::default(),
            ready: Default::default(),
        })
    }

    /// The next event; `None` when the stream ended.
    async fn next(&mut self) -> anyhow::Result<Option<(String, Value)>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(Some(event));
            }
            match self.resp.chunk().await {
                Ok(Some(chunk)) => {
                    for (event, data) in self.decoder.feed(&chunk) {
                        let data = serde_json::from_str(&data)
                            .with_context(|| format!("a {event} event is not JSON"))?;
                        self.ready.push_back((event, data));
                    }
                }
                Ok(None) | Err(_) => return Ok(None),
            }
        }
    }
}

/// A `text/event-stream` decoder: bytes in, `(event, data)` pairs out; comments (keep-alives)
/// and events without data are skipped.
#[derive(Debug, Default)]
pub struct SseDecoder {
    buf: Vec<u8>,
}

impl SseDecoder {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<(String, String)> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            let end = self
                .buf
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|p| (p, 2))
                .or_else(|| {
                    self.buf
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                        .map(|p| (p, 4))
                });
            let Some((pos, sep)) = end else { break };
            let block: Vec<u8> = self.buf.drain(..pos + sep).collect();
            let text = String::from_utf8_lossy(&block);
            let mut event = "message".to_owned();
            let mut data: Vec<&str> = Vec::new();
            for line in text.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => event = value.to_owned(),
                    "data" => data.push(value),
                    _ => {}
                }
            }
            if !data.is_empty() {
                out.push((event, data.join("\n")));
            }
        }
        out
    }
}

/// The progress bars (on stderr, hidden when it is not a terminal; then plain lines go to
/// stdout instead).
struct Progress {
    multi: MultiProgress,
    dialed: ProgressBar,
    live: ProgressBar,
    done: ProgressBar,
    outcomes_line: ProgressBar,
    total: u64,
    outcomes: HashMap<String, String>,
    last_line: std::time::Instant,
}

impl Progress {
    fn new(total: u64, cap: u32) -> Self {
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template("{prefix:>9} [{bar:40.cyan/blue}] {pos:>5}/{len}")
            .expect("valid template")
            .progress_chars("=> ");
        let bar = |len: u64, prefix: &'static str| {
            multi.add(
                ProgressBar::new(len)
                    .with_style(style.clone())
                    .with_prefix(prefix),
            )
        };
        let dialed = bar(total, "dialed");
        let live = bar(u64::from(cap), "live");
        let done = bar(total, "done");
        let outcomes_line = multi.add(
            ProgressBar::new_spinner()
                .with_style(ProgressStyle::with_template("{prefix:>9} {msg}").expect("valid"))
                .with_prefix("outcomes"),
        );
        Self {
            multi,
            dialed,
            live,
            done,
            outcomes_line,
            total,
            outcomes: HashMap::new(),
            last_line: std::time::Instant::now(),
        }
    }

    fn note(&self, line: &str) {
        if self.multi.is_hidden() {
            println!("{line}");
        } else {
            let _ = self.multi.println(line);
        }
    }

    fn counters(&mut self, c: &Value) {
        let n = |k: &str| c[k].as_u64().unwrap_or(0);
        let dialed = self
            .total
            .saturating_sub(n("pending"))
            .saturating_sub(n("notAttempted"));
        self.dialed.set_position(dialed);
        self.live.set_position(n("active"));
        self.done.set_position(n("completed"));
        if self.multi.is_hidden() && self.last_line.elapsed() >= Duration::from_secs(2) {
            self.last_line = std::time::Instant::now();
            println!(
                "progress: dialed {dialed}/{t}, live {}, done {}/{t}",
                n("active"),
                n("completed"),
                t = self.total
            );
        }
    }

    /// Applies one event; the campaign's final status once the stream says it ended.
    fn apply(&mut self, event: &str, data: &Value) -> Option<String> {
        match event {
            "snapshot" => self.counters(&data["counters"]),
            "counters" => self.counters(data),
            "campaign" => {
                let status = data["status"].as_str().unwrap_or("?");
                self.note(&format!("campaign {status}"));
            }
            "call" => {
                if let (Some(contact), Some(outcome)) =
                    (data["contactId"].as_str(), data["outcome"].as_str())
                {
                    self.outcomes.insert(contact.to_owned(), outcome.to_owned());
                    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
                    for o in self.outcomes.values() {
                        *counts.entry(o.as_str()).or_insert(0) += 1;
                    }
                    let line: Vec<String> =
                        counts.iter().map(|(o, n)| format!("{o} {n}")).collect();
                    self.outcomes_line.set_message(line.join(" · "));
                }
            }
            "end" => return Some(data["status"].as_str().unwrap_or("?").to_owned()),
            _ => {}
        }
        None
    }

    fn finish(&self) {
        for bar in [&self.dialed, &self.live, &self.done, &self.outcomes_line] {
            bar.abandon();
        }
    }
}

fn print_summary(s: &Summary, args: &DemoArgs, max: u32, calls: u64, max_dials: u32) {
    let pct = |v: f64| format!("{:.1} %", v * 100.0);
    let money = |v: f64| format!("${v:.4}");
    println!();
    println!("autolynx demo — campaign {}", s.id);
    println!("  {:<18}{}", "status", s.status);
    println!("  {:<18}{}", "contacts", s.contacts);
    println!("  {:<18}{:>8}  {:>7}", "outcome", "contacts", "share");
    for (outcome, n) in &s.outcomes {
        let share = if s.contacts == 0 {
            0.0
        } else {
            *n as f64 / s.contacts as f64
        };
        println!("    {outcome:<16}{n:>8}  {:>7}", pct(share));
    }
    println!("  {:<18}{}", "success rate", pct(s.success_rate));
    println!("  {:<18}{}", "total cost", money(s.total_cost));
    println!(
        "  {:<18}{}",
        "average cost",
        s.average_cost
            .map_or("-".to_owned(), |c| format!("{} per call", money(c)))
    );
    println!(
        "  {:<18}{}",
        "average duration",
        s.average_duration
            .map_or("-".to_owned(), |d| format!("{d:.1} s"))
    );
    println!(
        "  {:<18}{}",
        "makespan",
        s.makespan
            .map_or("-".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()))
    );
    println!(
        "  {:<18}{max} / cap {} (the simulator's own count){}",
        "max concurrency",
        args.cap,
        if max <= args.cap {
            " — cap held"
        } else {
            " — CAP EXCEEDED"
        }
    );
    println!(
        "  {:<18}{calls} calls created, at most {max_dials} per contact",
        "dials"
    );
    println!("  {:<18}{}", "export", s.export.display());
}

fn print_urls(base: &str, token: &str, id: Uuid, console: &str) {
    println!();
    println!("The server keeps running (Ctrl-C stops it):");
    println!("  console      {console}");
    println!(
        "               (a one-time sign-in link, valid for an hour; `autolynx login-link` makes more)"
    );
    println!("  API          {base}/api");
    println!("  Swagger UI   {base}/docs");
    println!("  admin token  {token}");
    println!(
        "  try          curl -N -H \"Authorization: Bearer {token}\" {base}/api/campaigns/{id}/events"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoder_splits_events_across_chunks_and_skips_comments() {
        let mut d = SseDecoder::default();
        assert!(d.feed(b":\n\nevent: call\ndata: {\"a\"").is_empty());
        let out = d.feed(b":1}\n\nevent: end\ndata: {}\n\n");
        assert_eq!(
            out,
            vec![
                ("call".to_owned(), "{\"a\":1}".to_owned()),
                ("end".to_owned(), "{}".to_owned())
            ]
        );
        assert_eq!(
            d.feed(b"data: x\r\n\r\n"),
            vec![("message".to_owned(), "x".to_owned())]
        );
    }

    #[test]
    fn generated_contacts_are_distinct() {
        let csv = String::from_utf8(contacts_csv(12_000)).unwrap();
        let phones: std::collections::HashSet<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap())
            .collect();
        assert_eq!(phones.len(), 12_000);
    }
}

//! The Vapi simulator: a real HTTP server on a loopback port that answers the subset of Vapi's
//! API autolynx uses with Vapi's JSON shapes, plays each call's life with signed webhooks,
//! enforces an account concurrency limit, injects faults — and is the test oracle: its
//! `/_sim/stats` counts what really happened (calls alive per account and per phone line,
//! dials per customer, webhook deliveries).

mod calls;
mod server;
mod stats;
mod webhooks;

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context;
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::{AbortHandle, JoinHandle};

use crate::config::{WebhookScheme, WebhookSettings};
use crate::provider::verify::WebhookVerifier;

pub use stats::SimStats;

/// What happened, when, for which campaign (from the call's metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: std::time::Instant,
    pub kind: TimelineKind,
    pub campaign_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineKind {
    /// A call was created (`POST /call` answered 201).
    CallCreated,
    /// The first attempt to deliver a call's `status-update` with status `ended` was sent.
    FinalStatusSent,
}

/// An inclusive range of milliseconds, written `MIN..MAX` (or a single `N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsRange {
    pub min: u64,
    pub max: u64,
}

impl MsRange {
    pub const fn new(min: u64, max: u64) -> Self {
        Self { min, max }
    }
}

impl FromStr for MsRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = |v: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{v:?} is not a number of milliseconds"))
        };
        let (min, max) = match s.split_once("..") {
            Some((a, b)) => (parse(a)?, parse(b.trim_start_matches('='))?),
            None => (parse(s)?, parse(s)?),
        };
        if min > max {
            return Err(format!("{min}..{max}: the minimum exceeds the maximum"));
        }
        Ok(Self { min, max })
    }
}

impl fmt::Display for MsRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.min, self.max)
    }
}

/// How long each phase of a call lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Timings {
    /// From creation (`queued`) to `ringing`.
    pub queue_ms: u64,
    /// How long the phone rings (no-answer and busy calls end after it).
    pub ring_ms: MsRange,
    /// How long an answered call (or voicemail, or a call that fails mid-way) lasts.
    pub call_ms: MsRange,
    /// From the final `status-update` to the `end-of-call-report`.
    pub post_processing_ms: u64,
    /// How soon a concurrency-blocked call (201 + `concurrencyBlocked`) ends.
    pub blocked_end_ms: u64,
}

impl Default for Timings {
    /// Realistic, for demos and dry runs.
    fn default() -> Self {
        Self {
            queue_ms: 200,
            ring_ms: MsRange::new(2_000, 6_000),
            call_ms: MsRange::new(10_000, 40_000),
            post_processing_ms: 2_000,
            blocked_end_ms: 500,
        }
    }
}

impl Timings {
    /// Calls of 50–100 ms, for tests.
    pub fn fast() -> Self {
        Self {
            queue_ms: 5,
            ring_ms: MsRange::new(20, 40),
            call_ms: MsRange::new(50, 100),
            post_processing_ms: 30,
            blocked_end_ms: 20,
        }
    }
}

/// Relative weights of call outcomes (they need not sum to anything).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OutcomeMix {
    pub answered: f64,
    pub no_answer: f64,
    pub busy: f64,
    pub voicemail: f64,
    /// A pipeline, carrier or Vapi fault (retryable ended reasons).
    pub error: f64,
}

impl Default for OutcomeMix {
    fn default() -> Self {
        Self {
            answered: 60.0,
            no_answer: 20.0,
            busy: 8.0,
            voicemail: 8.0,
            error: 4.0,
        }
    }
}

impl FromStr for OutcomeMix {
    type Err = String;

    /// `answered=60,no-answer=20,busy=10,voicemail=5,error=5`; missing outcomes weigh 0.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut mix = OutcomeMix {
            answered: 0.0,
            no_answer: 0.0,
            busy: 0.0,
            voicemail: 0.0,
            error: 0.0,
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected outcome=weight"))?;
            let weight: f64 = weight
                .trim()
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| format!("{part:?}: the weight must be a number ≥ 0"))?;
            match name.trim() {
                "answered" => mix.answered = weight,
                "no-answer" => mix.no_answer = weight,
                "busy" => mix.busy = weight,
                "voicemail" => mix.voicemail = weight,
                "error" => mix.error = weight,
                other => {
                    return Err(format!(
                        "unknown outcome {other:?} (answered, no-answer, busy, voicemail, error)"
                    ));
                }
            }
        }
        if mix.total() <= 0.0 {
            return Err("at least one outcome needs a positive weight".to_owned());
        }
        Ok(mix)
    }
}

impl OutcomeMix {
    fn total(&self) -> f64 {
        self.answered + self.no_answer + self.busy + self.voicemail + self.error
    }

    /// Only answered calls.
    pub fn all_answered() -> Self {
        Self {
            answered: 1.0,
            no_answer: 0.0,
            busy: 0.0,
            voicemail: 0.0,
            error: 0.0,
        }
    }
}

/// What a call will do, fixed at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Answered,
    NoAnswer,
    Busy,
    Voicemail,
    Error,
}

/// What the concurrency limit does to a dial beyond it (Vapi shows both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ConcurrencyBehavior {
    /// `400 {"message": "Over Concurrency Limit"}`; nothing is created.
    #[value(name = "reject-400")]
    Reject400,
    /// `201` with `subscriptionLimits.concurrencyBlocked: true`; the call exists, counts as live
    /// and soon ends with `call.start.error-subscription-concurrency-limit-reached`.
    #[value(name = "blocked-201")]
    Blocked201,
}

/// Fault injection rates (0–1) and sizes. REST faults apply to Vapi's endpoints, never to
/// `/_sim/*` or the control URL.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Share of requests delayed by `latency_ms` before they are handled.
    pub latency_rate: f64,
    pub latency_ms: MsRange,
    /// Share of requests answered 429 with `Retry-After: retry_after_secs`.
    pub rate_limit_rate: f64,
    pub retry_after_secs: u64,
    /// Share of requests answered 500 or 503 (alternately).
    pub server_error_rate: f64,
    /// Share of requests held `timeout_ms` before any handling (the client times out; nothing
    /// happened).
    pub timeout_rate: f64,
    /// Share of requests handled (a call IS created) whose answer is then held `timeout_ms`:
    /// the client times out without knowing — the case reconciliation must resolve.
    pub lost_response_rate: f64,
    pub timeout_ms: u64,
    /// Share of `POST /call` requests held `timeout_ms` (past the client's timeout) whose call is
    /// created only when the hold ends: until then `GET /call` does not show it. A client that
    /// looks it up at once finds nothing — and must not dial again.
    pub late_create_rate: f64,
    /// Share of `POST /call` requests answered 504 at once while the call is still created
    /// `gateway_create_delay_ms` later (a gateway that gave up on a busy upstream).
    pub gateway_timeout_rate: f64,
    pub gateway_create_delay_ms: MsRange,
    /// Share of webhook messages never sent.
    pub webhook_drop_rate: f64,
    /// Share of webhook messages delivered twice.
    pub webhook_duplicate_rate: f64,
    /// Share of webhook messages delivered late, by `webhook_delay_ms` (overtaking others).
    pub webhook_delay_rate: f64,
    pub webhook_delay_ms: MsRange,
    /// Share of calls whose `in-progress` update is delivered after `ended`.
    pub webhook_reorder_rate: f64,
    /// Share of answered calls that never end on their own (until the control URL or
    /// `POST /_sim/calls/{id}/end`).
    pub never_end_rate: f64,
}

impl Default for Faults {
    fn default() -> Self {
        FaultProfile::None.faults()
    }
}

/// Ready-made fault mixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FaultProfile {
    /// No faults.
    None,
    /// Moderate rates of faults a correct client recovers from.
    Flaky,
    /// High rates of every fault, including lost responses, calls created after the client
    /// gave up (late-create, gateway-timeout) and calls that never end.
    Hostile,
}

impl FaultProfile {
    pub fn faults(self) -> Faults {
        let none = Faults {
            latency_rate: 0.0,
            latency_ms: MsRange::new(0, 0),
            rate_limit_rate: 0.0,
            retry_after_secs: 1,
            server_error_rate: 0.0,
            timeout_rate: 0.0,
            lost_response_rate: 0.0,
            timeout_ms: 30_000,
            late_create_rate: 0.0,
            gateway_timeout_rate: 0.0,
            gateway_create_delay_ms: MsRange::new(500, 3_000),
            webhook_drop_rate: 0.0,
            webhook_duplicate_rate: 0.0,
            webhook_delay_rate: 0.0,
            webhook_delay_ms: MsRange::new(0, 0),
            webhook_reorder_rate: 0.0,
            never_end_rate: 0.0,
        };
        match self {
            FaultProfile::None => none,
            FaultProfile::Flaky => Faults {
                latency_rate: 0.2,
                latency_ms: MsRange::new(10, 100),
                rate_limit_rate: 0.05,
                server_error_rate: 0.03,
                timeout_rate: 0.01,
                webhook_drop_rate: 0.02,
                webhook_duplicate_rate: 0.05,
                webhook_delay_rate: 0.1,
                webhook_delay_ms: MsRange::new(50, 500),
                webhook_reorder_rate: 0.05,
                ..none
            },
            FaultProfile::Hostile => Faults {
                latency_rate: 0.5,
                latency_ms: MsRange::new(50, 300),
                rate_limit_rate: 0.2,
                server_error_rate: 0.15,
                timeout_rate: 0.05,
                lost_response_rate: 0.05,
                late_create_rate: 0.05,
                gateway_timeout_rate: 0.05,
                webhook_drop_rate: 0.1,
                webhook_duplicate_rate: 0.2,
                webhook_delay_rate: 0.3,
                webhook_delay_ms: MsRange::new(100, 2_000),
                webhook_reorder_rate: 0.2,
                never_end_rate: 0.05,
                ..none
            },
        }
    }
}

/// How webhook deliveries are retried (Vapi's `server.backoffPlan`, exponential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookDelivery {
    /// Retries after a non-2xx answer or a failed request (0 = deliver once).
    pub max_retries: u32,
    /// First retry delay; doubled each time.
    pub backoff_ms: u64,
    /// How long one delivery may take (Vapi: `server.timeoutSeconds`, default 20 s).
    pub timeout_ms: u64,
}

impl Default for WebhookDelivery {
    fn default() -> Self {
        Self {
            max_retries: 3,
            backoff_ms: 100,
            timeout_ms: 5_000,
        }
    }
}

/// Everything the simulator can be told.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// The only API key accepted (`Authorization: Bearer <key>`).
    pub api_key: String,
    /// Where webhooks go (several URLs separated by commas are used in turn, as a load balancer
    /// would); `None` sends none.
    pub webhook_url: Option<String>,
    /// How webhooks are signed: the same settings a receiving autolynx verifies with.
    pub webhook: WebhookSettings,
    pub webhook_delivery: WebhookDelivery,
    /// Seeds call outcomes and durations (per customer number and dial count) and the faults.
    pub seed: u64,
    pub timings: Timings,
    pub outcomes: OutcomeMix,
    /// Calls the account may have live at once (Vapi's default is 10).
    pub concurrency_limit: u32,
    pub concurrency_behavior: ConcurrencyBehavior,
    pub faults: Faults,
    /// Share of calls whose webhooks use legacy shapes (top-level `transcript`, `summary`,
    /// `recordingUrl`, `durationSeconds`; `call.metadata` instead of
    /// `call.assistantOverrides.metadata`).
    pub legacy_shapes_rate: f64,
    /// Keep every webhook message answered 2xx for [`Simulator::delivered_messages`] (an
    /// oracle for tests; it grows with every delivery, so it is off unless asked for).
    pub keep_delivered: bool,
    /// Keep a timeline of call creations and final status-updates for
    /// [`Simulator::timeline`] (the benchmarks' clock for start and refill latency; off unless
    /// asked for).
    pub keep_timeline: bool,
    /// Customers (E.164) who, when they answer, ask not to be called again: their
    /// end-of-call report's analysis has `structuredData.optOut = true`, and they say
    /// "Please take me off your list." in the transcript.
    pub opt_out_flagged: Vec<String>,
    /// Customers who say "Please take me off your list." without the analysis flagging it
    /// (only a phrase check on the transcript can tell).
    pub opt_out_spoken: Vec<String>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: "sim-key".to_owned(),
            webhook_url: None,
            webhook: WebhookSettings::new(WebhookScheme::Hmac, None),
            webhook_delivery: WebhookDelivery::default(),
            seed: 0,
            timings: Timings::default(),
            outcomes: OutcomeMix::default(),
            concurrency_limit: 10,
            concurrency_behavior: ConcurrencyBehavior::Reject400,
            faults: Faults::default(),
            legacy_shapes_rate: 0.0,
            keep_delivered: false,
            keep_timeline: false,
            opt_out_flagged: Vec::new(),
            opt_out_spoken: Vec::new(),
        }
    }
}

impl SimulatorConfig {
    /// Defaults with 50–100 ms calls, for tests.
    pub fn fast() -> Self {
        Self {
            timings: Timings::fast(),
            webhook_delivery: WebhookDelivery {
                max_retries: 3,
                backoff_ms: 20,
                timeout_ms: 2_000,
            },
            ..Self::default()
        }
    }
}

/// Settings that `POST /_sim/config` may change while running; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigPatch {
    pub faults: Option<Faults>,
    pub fault_profile: Option<FaultProfile>,
    pub timings: Option<Timings>,
    pub outcomes: Option<OutcomeMix>,
    pub concurrency_limit: Option<u32>,
    pub concurrency_behavior: Option<ConcurrencyBehavior>,
    pub legacy_shapes_rate: Option<f64>,
    pub webhook_delivery: Option<WebhookDelivery>,
    /// A new receiver for webhooks.
    pub webhook_url: Option<String>,
}

/// A call's plan, derived from (seed, customer number, dial count) only, so the same seed gives
/// the same outcome per contact whatever the dialing order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallPlan {
    pub outcome: Outcome,
    pub ended_reason: &'static str,
    pub ring_ms: u64,
    pub talk_ms: u64,
    /// For answered calls: the `successEvaluation` verdict.
    pub success: bool,
}

const ERROR_REASONS: &[&str] = &[
    "pipeline-error-openai-llm-failed",
    "call.in-progress.error-vapifault-transport-never-connected",
    "twilio-failed-to-connect-call",
    // Contains "busy" but is a pipeline failure: a trap for substring classifiers.
    "pipeline-error-eleven-labs-system-busy-and-requested-upgrade",
];

/// The plan of the `dial_index`-th call (0-based) to `number` under `seed`.
pub fn plan_call(
    seed: u64,
    mix: &OutcomeMix,
    timings: &Timings,
    number: &str,
    dial_index: u32,
) -> CallPlan {
    let mut rng = Rng64::from_parts(seed, number.as_bytes(), dial_index);
    let total = mix.total();
    let mut pick = rng.unit() * if total > 0.0 { total } else { 1.0 };
    let mut outcome = Outcome::Answered;
    for (o, w) in [
        (Outcome::Answered, mix.answered),
        (Outcome::NoAnswer, mix.no_answer),
        (Outcome::Busy, mix.busy),
        (Outcome::Voicemail, mix.voicemail),
        (Outcome::Error, mix.error),
    ] {
        if w <= 0.0 {
            continue;
        }
        outcome = o;
        if pick < w {
            break;
        }
        pick -= w;
    }
    let ring_ms = rng.range(timings.ring_ms);
    let talk_ms = rng.range(timings.call_ms);
    let success = rng.unit() < 0.5;
    let variant = rng.next_u64();
    let ended_reason = match outcome {
        Outcome::Answered => {
            if variant.is_multiple_of(3) {
                "assistant-ended-call"
            } else {
                "customer-ended-call"
            }
        }
        Outcome::NoAnswer => "customer-did-not-answer",
        Outcome::Busy => "customer-busy",
        Outcome::Voicemail => "voicemail",
        Outcome::Error => ERROR_REASONS[(variant % ERROR_REASONS.len() as u64) as usize],
    };
    CallPlan {
        outcome,
        ended_reason,
        ring_ms,
        talk_ms,
        success,
    }
}

/// SplitMix64: small, fast, and stable across versions (unlike library RNGs), so a seed means
/// the same thing forever.
#[derive(Debug, Clone)]
pub(crate) struct Rng64(u64);

impl Rng64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn from_parts(seed: u64, bytes: &[u8], index: u32) -> Self {
        // FNV-1a over the parts, then mixed by the generator itself.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed
            .to_le_bytes()
            .iter()
            .chain(bytes)
            .chain(&index.to_le_bytes())
        {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self(h)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    pub(crate) fn range(&mut self, r: MsRange) -> u64 {
        if r.max <= r.min {
            r.min
        } else {
            r.min + self.next_u64() % (r.max - r.min + 1)
        }
    }
}

/// State shared by the HTTP handlers and the call and delivery tasks.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) api_key: String,
    /// Where webhooks go; settable after start (the receiver may bind after the simulator).
    /// Where webhooks go: one URL, or several separated by commas (used in turn).
    pub(crate) webhook_url: Mutex<Option<String>>,
    /// The next URL's turn, when there are several.
    pub(crate) webhook_turn: std::sync::atomic::AtomicUsize,
    pub(crate) signer: WebhookVerifier,
    pub(crate) http: reqwest::Client,
    pub(crate) seed: u64,
    /// The settings `/_sim/config` may change.
    pub(crate) config: Mutex<SimulatorConfig>,
    pub(crate) state: Mutex<calls::State>,
    /// Call and delivery tasks, aborted at reset and shutdown.
    pub(crate) tasks: Mutex<Vec<AbortHandle>>,
}

impl Shared {
    pub(crate) fn config(&self) -> SimulatorConfig {
        lock(&self.config).clone()
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, calls::State> {
        lock(&self.state)
    }

    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(task).abort_handle();
        let mut tasks = lock(&self.tasks);
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    pub(crate) fn abort_tasks(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    pub(crate) fn apply(&self, patch: ConfigPatch) {
        let mut config = lock(&self.config);
        if let Some(profile) = patch.fault_profile {
            config.faults = profile.faults();
        }
        if let Some(faults) = patch.faults {
            config.faults = faults;
        }
        if let Some(t) = patch.timings {
            config.timings = t;
        }
        if let Some(o) = patch.outcomes {
            config.outcomes = o;
        }
        if let Some(l) = patch.concurrency_limit {
            config.concurrency_limit = l;
        }
        if let Some(b) = patch.concurrency_behavior {
            config.concurrency_behavior = b;
        }
        if let Some(r) = patch.legacy_shapes_rate {
            config.legacy_shapes_rate = r;
        }
        if let Some(d) = patch.webhook_delivery {
            config.webhook_delivery = d;
        }
        drop(config);
        if let Some(url) = patch.webhook_url {
            *lock(&self.webhook_url) = Some(url);
        }
    }
}

/// A poisoned lock only means another task panicked mid-update; the counters are still the
/// best truth available.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running simulator. Dropping it stops it.
pub struct Simulator {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    addr: SocketAddr,
}

impl Simulator {
    /// Binds, then serves in a background task.
    pub async fn start(config: SimulatorConfig) -> anyhow::Result<Self> {
        crate::startup::install_crypto_provider();
        let signer = WebhookVerifier::from_settings(&config.webhook)
            .context("invalid webhook signing settings")?;
        let acceptor = TcpListener::bind(config.bind)
            .into_acceptor()
            .await
            .with_context(|| format!("could not listen on {}", config.bind))?;
        let addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("listener has no socket address")?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .build()
            .context("could not build the webhook client")?;
        let shared = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            api_key: config.api_key.clone(),
            webhook_url: Mutex::new(config.webhook_url.clone()),
            webhook_turn: std::sync::atomic::AtomicUsize::new(0),
            signer,
            http,
            seed: config.seed,
            state: Mutex::new(calls::State::new(config.seed)),
            config: Mutex::new(config),
            tasks: Mutex::new(Vec::new()),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let app = server::app(shared.clone());
        let server = tokio::spawn(async move {
            Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(
                    app,
                    async move {
                        let _ = rx.await;
                    },
                    Some(Duration::from_millis(200)),
                )
                .await
        });
        tracing::info!(%addr, "Vapi simulator listening");
        Ok(Self {
            shared,
            shutdown: Some(tx),
            server: Some(server),
            addr,
        })
    }

    /// `http://127.0.0.1:PORT`: the `vapi.base_url` to point a client at.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The oracle's counters now.
    pub fn stats(&self) -> SimStats {
        self.shared.state().stats_snapshot()
    }

    /// Calls live now: [`Self::stats`]'s `active_calls` without copying the per-call maps (for
    /// polling while thousands of calls are live).
    pub fn active_calls(&self) -> u32 {
        self.shared.state().stats.active_calls
    }

    /// Every webhook message the receiver answered 2xx, in delivery order (empty unless
    /// `keep_delivered` was set).
    pub fn delivered_messages(&self) -> Vec<serde_json::Value> {
        self.shared.state().delivered.clone()
    }

    /// Call creations and final status-updates in the order they happened (empty unless
    /// `keep_timeline` was set).
    pub fn timeline(&self) -> Vec<TimelineEntry> {
        self.shared.state().timeline.clone()
    }

    /// Changes faults, timings, outcomes or the concurrency limit while running.
    pub fn reconfigure(&self, patch: ConfigPatch) {
        self.shared.apply(patch);
    }

    /// Sends webhooks to `url` from now on.
    pub fn set_webhook_url(&self, url: impl Into<String>) {
        *lock(&self.shared.webhook_url) = Some(url.into());
    }

    /// Sends webhooks to these URLs in turn (each delivery attempt to the next one), as a load
    /// balancer in front of several nodes would.
    pub fn set_webhook_urls(&self, urls: &[String]) {
        *lock(&self.shared.webhook_url) = Some(urls.join(","));
    }

    /// Sets the fault rates.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.config).faults = faults;
    }

    /// Clears every call and counter (assistants stay).
    pub fn reset(&self) {
        calls::reset(&self.shared);
    }

    /// Stops serving and every call and delivery task.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Serves until `signal` resolves (the `autolynx simulator` command).
    pub async fn run_until(self, signal: impl Future<Output = ()>) {
        signal.await;
        self.shutdown().await;
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.shared.abort_tasks();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_mixes_parse() {
        assert_eq!("50..200".parse::<MsRange>(), Ok(MsRange::new(50, 200)));
        assert_eq!("75".parse::<MsRange>(), Ok(MsRange::new(75, 75)));
        assert!("9..1".parse::<MsRange>().is_err());
        assert!("a..b".parse::<MsRange>().is_err());
        let mix: OutcomeMix = "answered=3,busy=1".parse().unwrap();
        assert_eq!(mix.answered, 3.0);
        assert_eq!(mix.busy, 1.0);
        assert_eq!(mix.no_answer, 0.0);
        assert!("answered=0".parse::<OutcomeMix>().is_err());
        assert!("ringing=4".parse::<OutcomeMix>().is_err());
    }

    #[test]
    fn plans_depend_only_on_seed_number_and_dial_count() {
        let mix = OutcomeMix::default();
        let t = Timings::fast();
        let a = plan_call(7, &mix, &t, "+14155550100", 0);
        assert_eq!(a, plan_call(7, &mix, &t, "+14155550100", 0));
        let numbers: Vec<String> = (0..40).map(|i| format!("+1415555{i:04}")).collect();
        let seq = |seed| {
            numbers
                .iter()
                .map(|n| plan_call(seed, &mix, &t, n, 0).ended_reason)
                .collect::<Vec<_>>()
        };
        assert_eq!(seq(7), seq(7));
        assert_ne!(seq(7), seq(8));
        let p = plan_call(7, &mix, &t, "+14155550100", 1);
        assert!((t.ring_ms.min..=t.ring_ms.max).contains(&p.ring_ms));
        assert!((t.call_ms.min..=t.call_ms.max).contains(&p.talk_ms));
    }

    #[test]
    fn the_mix_is_respected() {
        let t = Timings::fast();
        let only_busy: OutcomeMix = "busy=1".parse().unwrap();
        for i in 0..20 {
            let p = plan_call(1, &only_busy, &t, &format!("+1555000{i:04}"), 0);
            assert_eq!(p.outcome, Outcome::Busy);
            assert_eq!(p.ended_reason, "customer-busy");
        }
        let mix = OutcomeMix::default();
        let answered = (0..1000)
            .filter(|i| {
                plan_call(3, &mix, &t, &format!("+1555{i:07}"), 0).outcome == Outcome::Answered
            })
            .count();
        assert!((520..=680).contains(&answered), "{answered}");
    }
}

//! Settings: loads the layered configuration (built-in defaults → the environment's layer,
//! `config/dev.toml` or `config/prod.toml` → optional file → seed variables → `AUTOLYNX__*`
//! variables) into typed structs and validates every value.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Config, Environment, File, FileFormat, Map, Source, Value};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

/// The built-in defaults: `config/default.toml`, compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// The seed's environment variable names and the keys they set.
pub const SEED_VARIABLES: &[(&str, &str)] = &[
    ("DATABASE_URL", "database.url"),
    ("VAPI_API_KEY", "vapi.api_key"),
    ("VAPI_PHONE_NUMBER_ID", "vapi.phone_number_id"),
    ("VAPI_BASE_URL", "vapi.base_url"),
    ("WEBHOOK_SHARED_SECRET", "webhook.secret"),
    ("CRON_SHARED_SECRET", "scheduler.cron_secret"),
    ("WEBHOOK_PREVIOUS_SECRET", "webhook.previous_secret"),
    ("CRON_PREVIOUS_SECRET", "scheduler.cron_previous_secret"),
    ("DEFAULT_CONCURRENCY_CAP", "campaigns.default_cap"),
    ("DEFAULT_CRON_CADENCE", "scheduler.cadence_secs"),
    ("LOG_LEVEL", "log.level"),
];

/// Shortest accepted `metrics.token`: a guessable scrape token is worse than none.
pub const MIN_METRICS_TOKEN_LEN: usize = 16;

/// Environment variable naming an optional configuration file.
pub const CONFIG_FILE_VAR: &str = "AUTOLYNX_CONFIG";

/// Environment variable choosing the environment: `dev` (default) or `prod`.
pub const ENV_VAR: &str = "AUTOLYNX_ENV";

/// The development layer, compiled in.
pub const DEV_TOML: &str = include_str!("../config/dev.toml");
/// The production layer, compiled in.
pub const PROD_TOML: &str = include_str!("../config/prod.toml");

/// Which environment the service runs in (`AUTOLYNX_ENV`): picks a configuration layer, and
/// in `prod` `serve` refuses unsafe settings (see [`Settings::production_problems`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppEnv {
    #[default]
    Dev,
    Prod,
}

impl AppEnv {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "dev" => Ok(Self::Dev),
            "prod" => Ok(Self::Prod),
            other => Err(format!("{ENV_VAR} = {other:?} must be dev or prod")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Prod => "prod",
        }
    }

    fn layer(self) -> &'static str {
        match self {
            Self::Dev => DEV_TOML,
            Self::Prod => PROD_TOML,
        }
    }
}

/// Every setting of the service.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// From `AUTOLYNX_ENV`, not from a file.
    #[serde(default)]
    pub environment: AppEnv,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub vapi: VapiSettings,
    pub webhook: WebhookSettings,
    pub scheduler: SchedulerSettings,
    pub campaigns: CampaignSettings,
    pub provider: ProviderSettings,
    pub runtime: RuntimeSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
    pub rate_limits: RateLimitSettings,
    pub features: FeatureSettings,
    pub retention: RetentionSettings,
    pub console: ConsoleSettings,
}

/// The web console's sign-in.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ConsoleSettings {
    /// Minutes a one-time sign-in link stays valid: short, because a link is a credential
    /// that travels through chat and mail.
    pub login_link_minutes: u32,
    /// Hours a console session lasts before the server refuses it (a sign-out or a revoked
    /// session ends it sooner).
    pub session_hours: u32,
}

/// How long finished work is kept.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RetentionSettings {
    /// Finished campaigns older than this many days are deleted; 0 keeps them.
    pub campaign_days: u32,
    /// Ended calls older than this many days lose their transcripts; 0 keeps them.
    pub transcript_days: u32,
}

impl RetentionSettings {
    /// Whether anything is ever deleted.
    pub fn is_on(&self) -> bool {
        self.campaign_days > 0 || self.transcript_days > 0
    }
}

/// Optional features; off means really off (the API says `feature_disabled`).
#[derive(Debug, Clone, Deserialize)]
pub struct FeatureSettings {
    /// Batch campaigns (`mode=batch`); off: creating one is refused with 422.
    pub strict_batching: bool,
    /// `GET /api/health/phone-line`; off: 404.
    pub phone_line_health_check: bool,
    /// Campaign CSV exports; off: 404.
    pub export: bool,
    /// Transcripts and messages of calls; off: never stored (outcome and summary still are).
    pub transcript_storage: bool,
    /// Costs of calls; off: never recorded.
    pub cost_tracking: bool,
}

/// Per-user request budgets (a token bucket per user and kind).
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    /// Every authenticated request; 0 = no limit.
    pub general_per_minute: u32,
    /// CSV uploads; 0 = no limit.
    pub uploads_per_minute: u32,
    /// Exports; 0 = no limit.
    pub exports_per_minute: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Listen address; port 0 lets the OS pick (tests).
    pub bind: SocketAddr,
    /// Base URL Vapi uses to reach us; `None` derives it from `bind`.
    #[serde(deserialize_with = "empty_as_none")]
    pub public_url: Option<String>,
    /// Largest request body; uploads beyond it get 413 before they are parsed.
    pub max_upload_bytes: u64,
    /// Time in-flight requests get to finish at shutdown.
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// May carry a password, so it is treated as a secret.
    pub url: SecretString,
    pub max_connections: u32,
    pub connect_timeout_secs: u64,
    /// Most writes one group commit serves.
    pub group_commit_max_batch: u32,
    /// How long a batch may wait for company after its first write.
    pub group_commit_max_wait_ms: u64,
    /// Writer tasks, each with its own group commit.
    pub group_commit_writers: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VapiSettings {
    pub base_url: String,
    #[serde(deserialize_with = "empty_secret_as_none")]
    pub api_key: Option<SecretString>,
    #[serde(deserialize_with = "empty_as_none")]
    pub phone_number_id: Option<String>,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
}

/// How inbound webhooks prove they come from Vapi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookScheme {
    Hmac,
    Bearer,
    XVapiSecret,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WebhookSettings {
    #[serde(deserialize_with = "empty_secret_as_none")]
    pub secret: Option<SecretString>,
    /// The secret being rotated out: deliveries authenticated with it are still accepted, so
    /// the secret can change here and at Vapi without losing a delivery in between. Only
    /// verified, never used to sign; unset once Vapi uses the new one.
    #[serde(default, deserialize_with = "empty_secret_as_none")]
    pub previous_secret: Option<SecretString>,
    pub scheme: WebhookScheme,
    /// Explicit opt-in to unauthenticated webhooks (development only).
    pub allow_unsigned: bool,
    /// Replay window: a signed timestamp further than this from now is refused.
    pub timestamp_tolerance_secs: u64,
    /// Header carrying `Bearer <secret>` under the bearer scheme (Vapi's `headerName`).
    pub bearer_header: String,
    /// The HMAC plan; Vapi lets each credential change all of it, so all of it is configurable.
    pub hmac: HmacSettings,
}

impl WebhookSettings {
    /// Settings for `scheme` with `secret` and every other value at its default (the simulator
    /// and tests; the service reads them from the configuration).
    pub fn new(scheme: WebhookScheme, secret: Option<&str>) -> Self {
        Self {
            secret: secret.map(|s| SecretString::from(s.to_owned())),
            previous_secret: None,
            scheme,
            allow_unsigned: secret.is_none(),
            timestamp_tolerance_secs: 300,
            bearer_header: "Authorization".to_owned(),
            hmac: HmacSettings::default(),
        }
    }
}

/// How the HMAC signature of a webhook is laid out (Vapi's `HMACAuthenticationPlan`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HmacSettings {
    /// Header holding the signature.
    pub signature_header: String,
    /// Header holding the timestamp (seconds or milliseconds since the epoch).
    pub timestamp_header: String,
    /// Text before the encoded signature, e.g. `sha256=`; empty for none.
    pub signature_prefix: String,
    /// How the signature bytes are written in the header.
    pub encoding: SignatureEncoding,
    /// What is signed: `{timestamp}`, `{body}` (the raw bytes), `{method}` and `{url}` (the
    /// request path) are replaced.
    pub payload_format: String,
    pub algorithm: HmacAlgorithm,
}

impl Default for HmacSettings {
    fn default() -> Self {
        Self {
            signature_header: "x-signature".to_owned(),
            timestamp_header: "x-timestamp".to_owned(),
            signature_prefix: String::new(),
            encoding: SignatureEncoding::Hex,
            payload_format: "{timestamp}.{body}".to_owned(),
            algorithm: HmacAlgorithm::Sha256,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    Hex,
    Base64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HmacAlgorithm {
    Sha256,
    Sha512,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SchedulerSettings {
    #[serde(deserialize_with = "empty_secret_as_none")]
    pub cron_secret: Option<SecretString>,
    /// The cron secret being rotated out: ticks sending it are still accepted until it is
    /// unset, so the cron job and the service need not change at the same instant.
    #[serde(default, deserialize_with = "empty_secret_as_none")]
    pub cron_previous_secret: Option<SecretString>,
    pub cadence_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CampaignSettings {
    pub default_cap: u32,
    pub max_contacts: u32,
    pub default_region: String,
    /// Default calling window (`"08:00-21:00"`, contacts' local time); empty = any time.
    pub calling_hours: String,
    /// Default weekdays of the calling window (`"mon-fri"`, `"all"`).
    pub calling_days: String,
    /// Time zone of contacts whose row has none (IANA name).
    pub timezone: String,
    /// No call before 08:00 or from 21:00 on in the contact's local time, whatever a
    /// campaign's calling hours say. Turning it off is logged at every start.
    pub legal_hours_floor: bool,
    /// Budget (US dollars) of a campaign created without one; 0 = none.
    pub budget_usd: f64,
    /// What a minute of call costs, all in (US dollars), for estimating calls whose cost is not
    /// reported yet against a campaign's budget.
    pub estimated_cost_per_minute: f64,
    /// Phrases that, found in a call's summary or transcript, mean the person asked not to be
    /// called again (besides the analysis' `structuredData.optOut`).
    pub opt_out_phrases: Vec<String>,
    /// Safety brake: finished calls the failure share is measured over (0 = off).
    pub safety_brake_window: u32,
    /// Safety brake: the share of failed calls in that window that pauses the campaign.
    pub safety_brake_failure_share: f64,
    /// Safety brake: failed calls in a row that pause the campaign (0 = off).
    pub safety_brake_failures_in_a_row: u32,
    /// Attempts per contact of a campaign created without a number (1 = no redial).
    pub max_attempts: u32,
    /// Seconds between an unanswered attempt and the next one.
    pub redial_delay_secs: u64,
    /// Outcomes that lead to a redial, comma-separated.
    pub redial_on: String,
}

impl CampaignSettings {
    /// The default calling hours, `None` when calls may be placed at any time. Valid once the
    /// settings are validated.
    /// The safety brake's rules.
    pub fn brake_rules(&self) -> crate::domain::brake::BrakeRules {
        crate::domain::brake::BrakeRules {
            window: self.safety_brake_window as usize,
            failure_share: self.safety_brake_failure_share,
            failures_in_a_row: self.safety_brake_failures_in_a_row,
        }
    }

    /// The legal calling-hours floor, `None` when an admin turned it off.
    pub fn floor(&self) -> Option<crate::domain::hours::CallingHours> {
        self.legal_hours_floor
            .then(crate::domain::hours::legal_floor)
    }

    pub fn default_calling_hours(&self) -> Option<crate::domain::hours::CallingHours> {
        let hours = self.calling_hours.trim();
        (!hours.is_empty())
            .then(|| crate::domain::hours::CallingHours::parse(hours, &self.calling_days).ok())
            .flatten()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProviderSettings {
    /// The account-wide live-call budget shared by all campaigns (Vapi's limit is per org).
    pub max_concurrent_calls: u32,
}

/// Timers and limits of the campaign runtime.
#[derive(Debug, Clone, Deserialize)]
pub struct RuntimeSettings {
    /// Silence after which a live call is checked with the provider (lost webhooks).
    pub silence_timeout_ms: u64,
    /// How long a call may stay live after that check before it is ended and marked TIMEOUT.
    pub stuck_call_timeout_ms: u64,
    /// Backoff of dials refused with 429 or a transient error.
    pub dial_retry_delays_ms: Vec<u64>,
    /// Wait before re-dialing a contact blocked by the provider's concurrency limit.
    pub concurrency_retry_ms: u64,
    /// Poll period while waiting for a quiet phone line.
    pub line_quiet_poll_ms: u64,
    /// How long after the last `POST /call` of an ambiguous dial (timeout, reset, 5xx) the
    /// provider is given to show the call before its absence may be concluded. Longer than the
    /// request timeout and the gateway timeouts in front of Vapi, so a call created late is
    /// found instead of dialed twice.
    pub dial_settle_ms: u64,
    /// Failed look-ups of an ambiguous dial tolerated before it is FAILED
    /// `dial-outcome-unknown` (never redialed).
    pub dial_lookup_max_failures: u32,
    /// Added to the assistant's `maxDurationSeconds` to bound how long a call may go without
    /// news before it is checked with `GET /call/{id}` (its final webhooks may be lost).
    pub end_check_margin_ms: u64,
    /// OTP-style restart intensity of campaign supervisors.
    pub supervisor_max_restarts: u32,
    pub supervisor_restart_window_secs: u64,
    /// PostgreSQL: how long a campaign's lease (and a node's heartbeat) lasts without renewal;
    /// another node takes the campaigns of a node that crashed or hung after it.
    pub lease_ttl_ms: u64,
    /// PostgreSQL: how often a node renews its leases and heartbeat, looks for campaigns
    /// without an owner, and checks the calls it follows against the database.
    pub lease_renew_ms: u64,
}

impl RuntimeSettings {
    pub fn lease_ttl(&self) -> Duration {
        Duration::from_millis(self.lease_ttl_ms)
    }

    pub fn lease_renew(&self) -> Duration {
        Duration::from_millis(self.lease_renew_ms)
    }

    pub fn silence_timeout(&self) -> Duration {
        Duration::from_millis(self.silence_timeout_ms)
    }

    pub fn stuck_call_timeout(&self) -> Duration {
        Duration::from_millis(self.stuck_call_timeout_ms)
    }

    pub fn concurrency_retry(&self) -> Duration {
        Duration::from_millis(self.concurrency_retry_ms)
    }

    pub fn line_quiet_poll(&self) -> Duration {
        Duration::from_millis(self.line_quiet_poll_ms)
    }

    pub fn dial_settle(&self) -> Duration {
        Duration::from_millis(self.dial_settle_ms)
    }

    pub fn end_check_margin(&self) -> Duration {
        Duration::from_millis(self.end_check_margin_ms)
    }
}

/// Who may scrape `GET /metrics`.
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsSettings {
    /// Bearer token required to scrape; `None` serves `/metrics` to loopback peers only.
    #[serde(deserialize_with = "empty_secret_as_none")]
    pub token: Option<SecretString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("invalid configuration: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Where the layers come from; tests pass their own environment instead of the process's.
#[derive(Debug, Default, Clone)]
pub struct ConfigSources {
    /// An explicit `--config FILE`; wins over `AUTOLYNX_CONFIG`.
    pub file: Option<PathBuf>,
    /// The environment to read; `None` reads the process environment.
    pub env: Option<HashMap<String, String>>,
}

impl Settings {
    /// Loads the settings from the process environment and an optional file.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(ConfigSources {
            file: file.map(Path::to_path_buf),
            env: None,
        })
    }

    /// Loads the settings from explicit sources.
    pub fn load_from(sources: ConfigSources) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> =
            sources.env.unwrap_or_else(|| std::env::vars().collect());
        let file = sources.file.or_else(|| {
            env.get(CONFIG_FILE_VAR)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        });

        let app_env = AppEnv::parse(env.get(ENV_VAR).map(String::as_str).unwrap_or_default())
            .map_err(|e| ConfigError::Invalid(vec![e]))?;
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .add_source(File::from_str(app_env.layer(), FileFormat::Toml))
            .set_override("environment", app_env.name())?;
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::Invalid(vec![format!(
                    "configuration file {} does not exist",
                    path.display()
                )]));
            }
            builder = builder.add_source(File::from(path).required(true));
        }
        let settings: Settings = builder
            .add_source(SeedVariables::from_env(&env))
            .add_source(
                Environment::with_prefix("AUTOLYNX")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("runtime.dial_retry_delays_ms")
                    .with_list_parse_key("campaigns.opt_out_phrases")
                    .source(Some(env.into_iter().collect::<Map<_, _>>())),
            )
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks every value against its allowed range, reporting all problems at once.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut range = |key: &str, seed: Option<&str>, value: u64, min: u64, max: u64| {
            if !(min..=max).contains(&value) {
                let alias = seed.map(|s| format!(" ({s})")).unwrap_or_default();
                problems.push(format!(
                    "{key}{alias} = {value} is out of range: allowed {min}–{max}"
                ));
            }
        };
        range(
            "server.max_upload_bytes",
            None,
            self.server.max_upload_bytes,
            1024,
            1 << 30,
        );
        range(
            "server.shutdown_grace_secs",
            None,
            self.server.shutdown_grace_secs,
            0,
            300,
        );
        range(
            "database.max_connections",
            None,
            self.database.max_connections.into(),
            1,
            1000,
        );
        range(
            "console.login_link_minutes",
            None,
            self.console.login_link_minutes.into(),
            1,
            1440,
        );
        range(
            "console.session_hours",
            None,
            self.console.session_hours.into(),
            1,
            720,
        );
        range(
            "retention.campaign_days",
            None,
            self.retention.campaign_days.into(),
            0,
            36_500,
        );
        range(
            "retention.transcript_days",
            None,
            self.retention.transcript_days.into(),
            0,
            36_500,
        );
        range(
            "database.group_commit_max_batch",
            None,
            self.database.group_commit_max_batch.into(),
            1,
            10_000,
        );
        range(
            "database.group_commit_max_wait_ms",
            None,
            self.database.group_commit_max_wait_ms,
            0,
            100,
        );
        range(
            "database.group_commit_writers",
            None,
            self.database.group_commit_writers.into(),
            1,
            64,
        );
        range(
            "database.connect_timeout_secs",
            None,
            self.database.connect_timeout_secs,
            1,
            300,
        );
        range(
            "vapi.connect_timeout_ms",
            None,
            self.vapi.connect_timeout_ms,
            100,
            60_000,
        );
        range(
            "vapi.request_timeout_ms",
            None,
            self.vapi.request_timeout_ms,
            100,
            120_000,
        );
        range(
            "webhook.timestamp_tolerance_secs",
            None,
            self.webhook.timestamp_tolerance_secs,
            1,
            86_400,
        );
        range(
            "scheduler.cadence_secs",
            Some("DEFAULT_CRON_CADENCE"),
            self.scheduler.cadence_secs,
            1,
            86_400,
        );
        range(
            "campaigns.default_cap",
            Some("DEFAULT_CONCURRENCY_CAP"),
            self.campaigns.default_cap.into(),
            1,
            50,
        );
        range(
            "campaigns.max_contacts",
            None,
            self.campaigns.max_contacts.into(),
            1,
            1_000_000,
        );
        range(
            "provider.max_concurrent_calls",
            None,
            self.provider.max_concurrent_calls.into(),
            1,
            10_000,
        );

        let limits = &self.rate_limits;
        range(
            "rate_limits.general_per_minute",
            None,
            limits.general_per_minute.into(),
            0,
            1_000_000,
        );
        range(
            "rate_limits.uploads_per_minute",
            None,
            limits.uploads_per_minute.into(),
            0,
            10_000,
        );
        range(
            "rate_limits.exports_per_minute",
            None,
            limits.exports_per_minute.into(),
            0,
            10_000,
        );
        let r = &self.runtime;
        range(
            "runtime.silence_timeout_ms",
            None,
            r.silence_timeout_ms,
            100,
            86_400_000,
        );
        range(
            "runtime.stuck_call_timeout_ms",
            None,
            r.stuck_call_timeout_ms,
            100,
            86_400_000,
        );
        range(
            "runtime.concurrency_retry_ms",
            None,
            r.concurrency_retry_ms,
            100,
            600_000,
        );
        range(
            "runtime.line_quiet_poll_ms",
            None,
            r.line_quiet_poll_ms,
            100,
            600_000,
        );
        range(
            "runtime.dial_settle_ms",
            None,
            r.dial_settle_ms,
            100,
            3_600_000,
        );
        range(
            "runtime.dial_lookup_max_failures",
            None,
            r.dial_lookup_max_failures.into(),
            1,
            10_000,
        );
        range(
            "runtime.end_check_margin_ms",
            None,
            r.end_check_margin_ms,
            0,
            3_600_000,
        );
        range(
            "runtime.supervisor_max_restarts",
            None,
            r.supervisor_max_restarts.into(),
            0,
            1000,
        );
        range(
            "runtime.supervisor_restart_window_secs",
            None,
            r.supervisor_restart_window_secs,
            1,
            86_400,
        );
        range("runtime.lease_ttl_ms", None, r.lease_ttl_ms, 1_000, 600_000);
        range(
            "runtime.lease_renew_ms",
            None,
            r.lease_renew_ms,
            100,
            60_000,
        );
        for delay in &r.dial_retry_delays_ms {
            range("runtime.dial_retry_delays_ms[]", None, *delay, 1, 600_000);
        }
        if r.lease_renew_ms.saturating_mul(3) > r.lease_ttl_ms {
            problems.push(format!(
                "runtime.lease_renew_ms ({}) must be at most a third of runtime.lease_ttl_ms \
                 ({}): a lease renewed that rarely lapses at the first slow renewal",
                r.lease_renew_ms, r.lease_ttl_ms
            ));
        }
        let url = self.database.url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            problems.push(
                "database.url (DATABASE_URL) must start with sqlite:, postgres:// or postgresql://"
                    .to_owned(),
            );
        }
        if reqwest::Url::parse(&self.vapi.base_url).is_err() {
            problems.push(format!(
                "vapi.base_url (VAPI_BASE_URL) = {:?} is not a valid URL",
                self.vapi.base_url
            ));
        }
        for (key, name) in [
            ("webhook.bearer_header", &self.webhook.bearer_header),
            (
                "webhook.hmac.signature_header",
                &self.webhook.hmac.signature_header,
            ),
            (
                "webhook.hmac.timestamp_header",
                &self.webhook.hmac.timestamp_header,
            ),
        ] {
            if poem::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                problems.push(format!("{key} = {name:?} is not a valid HTTP header name"));
            }
        }
        if let Some(token) = &self.metrics.token
            && token.expose_secret().trim().len() < MIN_METRICS_TOKEN_LEN
        {
            problems.push(format!(
                "metrics.token must be at least {MIN_METRICS_TOKEN_LEN} characters (or empty)"
            ));
        }
        if !self.webhook.hmac.payload_format.contains("{body}") {
            problems.push(format!(
                "webhook.hmac.payload_format = {:?} must contain {{body}}",
                self.webhook.hmac.payload_format
            ));
        }
        if let Some(url) = &self.server.public_url
            && reqwest::Url::parse(url).is_err()
        {
            problems.push(format!("server.public_url = {url:?} is not a valid URL"));
        }
        let region = &self.campaigns.default_region;
        if region.len() != 2 || !region.chars().all(|c| c.is_ascii_uppercase()) {
            problems.push(format!(
                "campaigns.default_region = {region:?} must be a two-letter upper-case ISO 3166 code such as \"US\""
            ));
        }
        let hours = self.campaigns.calling_hours.trim();
        if !hours.is_empty()
            && let Err(e) = crate::domain::hours::CallingHours::parse(hours, "all")
        {
            problems.push(format!("campaigns.calling_hours: {e}"));
        }
        if let Err(e) = crate::domain::hours::Days::parse(&self.campaigns.calling_days) {
            problems.push(format!("campaigns.calling_days: {e}"));
        }
        if let Err(e) = crate::domain::hours::parse_timezone(&self.campaigns.timezone) {
            problems.push(format!("campaigns.timezone: {e}"));
        }
        let budget = self.campaigns.budget_usd;
        if !(budget.is_finite() && (0.0..=10_000_000.0).contains(&budget)) {
            problems.push(format!(
                "campaigns.budget_usd = {budget} is out of range: allowed 0 (none) to 10000000"
            ));
        }
        let rate = self.campaigns.estimated_cost_per_minute;
        if !(rate.is_finite() && rate > 0.0 && rate <= 100.0) {
            problems.push(format!(
                "campaigns.estimated_cost_per_minute = {rate} is out of range: allowed above 0 up to 100"
            ));
        }
        let share = self.campaigns.safety_brake_failure_share;
        if !(share > 0.0 && share <= 1.0) {
            problems.push(format!(
                "campaigns.safety_brake_failure_share = {share} is out of range: allowed above 0 up to 1"
            ));
        }
        for (key, value) in [
            (
                "campaigns.safety_brake_window",
                self.campaigns.safety_brake_window,
            ),
            (
                "campaigns.safety_brake_failures_in_a_row",
                self.campaigns.safety_brake_failures_in_a_row,
            ),
        ] {
            if value > 10_000 {
                problems.push(format!("{key} = {value} is out of range: allowed 0–10000"));
            }
        }
        if let Err(e) = crate::domain::redial::RedialPolicy::new(
            self.campaigns.max_attempts,
            self.campaigns.redial_delay_secs,
            &self.campaigns.redial_on,
        ) {
            problems.push(format!(
                "campaigns.max_attempts / redial_delay_secs / redial_on: {e}"
            ));
        }
        if self.webhook.previous_secret.is_some() && self.webhook.secret.is_none() {
            problems.push(
                "webhook.previous_secret (WEBHOOK_PREVIOUS_SECRET) is set without \
                 webhook.secret (WEBHOOK_SHARED_SECRET): set the new secret, keep the old one as \
                 the previous secret"
                    .to_owned(),
            );
        }
        if self.scheduler.cron_previous_secret.is_some() && self.scheduler.cron_secret.is_none() {
            problems.push(
                "scheduler.cron_previous_secret (CRON_PREVIOUS_SECRET) is set without \
                 scheduler.cron_secret (CRON_SHARED_SECRET): set the new secret, keep the old \
                 one as the previous secret"
                    .to_owned(),
            );
        }
        if self.runtime.dial_settle_ms < self.vapi.request_timeout_ms {
            problems.push(format!(
                "runtime.dial_settle_ms ({}) must be at least vapi.request_timeout_ms ({}): a \
                 dial still waiting for its answer cannot be looked up yet",
                self.runtime.dial_settle_ms, self.vapi.request_timeout_ms
            ));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            problems.push(format!(
                "log.level (LOG_LEVEL) = {:?} is not a valid level or filter (error, warn, info, debug, trace)",
                self.log.level
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// Why `serve` must not start in `prod` with these settings, each with what to do; empty
    /// in `dev`.
    pub fn production_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.environment != AppEnv::Prod {
            return problems;
        }
        if self.webhook.secret.is_none() {
            problems.push(
                "no webhook secret: set WEBHOOK_SHARED_SECRET to the secret of the Vapi \
                 credential that signs the webhooks"
                    .to_owned(),
            );
        }
        if self.webhook.allow_unsigned {
            problems.push(
                "webhook.allow_unsigned is on: remove it (AUTOLYNX__WEBHOOK__ALLOW_UNSIGNED=false); \
                 production never accepts unsigned webhooks"
                    .to_owned(),
            );
        }
        if self.vapi.api_key.is_none() {
            problems.push(
                "no Vapi API key: set VAPI_API_KEY to the private key of the Vapi account"
                    .to_owned(),
            );
        }
        if self.metrics.token.is_none() && !self.server.bind.ip().is_loopback() {
            problems.push(format!(
                "/metrics has no token while server.bind = {} listens beyond loopback: set \
                 AUTOLYNX__METRICS__TOKEN (at least {MIN_METRICS_TOKEN_LEN} characters), or bind \
                 to 127.0.0.1 behind a reverse proxy",
                self.server.bind
            ));
        }
        problems
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.server.shutdown_grace_secs)
    }
}

/// The seed's plain variable names as a configuration layer.
#[derive(Debug, Clone)]
struct SeedVariables(Map<String, Value>);

impl SeedVariables {
    fn from_env(env: &HashMap<String, String>) -> Self {
        let origin = "environment".to_owned();
        let map = SEED_VARIABLES
            .iter()
            .filter_map(|(var, key)| {
                let value = env.get(*var)?;
                // Numbers are parsed so that e.g. DEFAULT_CONCURRENCY_CAP=8 reaches a u32 field,
                // while anything else (and leading zeros) stays a string.
                let parsed = match value.parse::<i64>() {
                    Ok(n) if n.to_string() == *value => Value::new(Some(&origin), n),
                    _ => Value::new(Some(&origin), value.clone()),
                };
                Some(((*key).to_owned(), parsed))
            })
            .collect();
        Self(map)
    }
}

impl Source for SeedVariables {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
        Ok(self.0.clone())
    }
}

fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|s| !s.trim().is_empty()))
}

fn empty_secret_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(empty_as_none(d)?.map(SecretString::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::load_from(ConfigSources {
            file: None,
            env: Some(
                env.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
        })
    }

    #[test]
    fn defaults_load_and_are_valid() {
        let s = load(&[]).unwrap();
        assert_eq!(s.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            s.database.url.expose_secret(),
            "sqlite://autolynx.db?mode=rwc"
        );
        assert_eq!(s.campaigns.default_cap, 8);
        assert_eq!(s.scheduler.cadence_secs, 60);
        assert_eq!(s.server.max_upload_bytes, 10 * 1024 * 1024);
        assert_eq!(s.campaigns.max_contacts, 10_000);
        assert_eq!(s.vapi.base_url, "https://api.vapi.ai");
        assert!(s.vapi.api_key.is_none());
        assert_eq!(s.webhook.scheme, WebhookScheme::Hmac);
        assert_eq!(s.webhook.hmac, HmacSettings::default());
        assert_eq!(s.webhook.bearer_header, "Authorization");
    }

    #[test]
    fn nested_hmac_settings_load_from_variables_and_are_validated() {
        let s = load(&[
            ("AUTOLYNX__WEBHOOK__HMAC__ENCODING", "base64"),
            ("AUTOLYNX__WEBHOOK__HMAC__SIGNATURE_PREFIX", "sha256="),
        ])
        .unwrap();
        assert_eq!(s.webhook.hmac.encoding, SignatureEncoding::Base64);
        assert_eq!(s.webhook.hmac.signature_prefix, "sha256=");
        let err = load(&[
            ("AUTOLYNX__WEBHOOK__HMAC__PAYLOAD_FORMAT", "{timestamp}"),
            ("AUTOLYNX__WEBHOOK__HMAC__SIGNATURE_HEADER", "bad header"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("webhook.hmac.payload_format"), "{err}");
        assert!(err.contains("webhook.hmac.signature_header"), "{err}");
    }

    #[test]
    fn seed_variables_and_prefixed_variables_apply() {
        let s = load(&[
            ("AUTOLYNX__SERVER__BIND", "127.0.0.1:9000"),
            ("DEFAULT_CONCURRENCY_CAP", "12"),
            ("VAPI_API_KEY", "sk-123"),
            ("LOG_LEVEL", "debug"),
        ])
        .unwrap();
        assert_eq!(s.server.bind.port(), 9000);
        assert_eq!(s.campaigns.default_cap, 12);
        assert_eq!(s.vapi.api_key.unwrap().expose_secret(), "sk-123");
        assert_eq!(s.log.level, "debug");
    }

    #[test]
    fn lists_come_from_comma_separated_variables() {
        let s = load(&[("AUTOLYNX__RUNTIME__DIAL_RETRY_DELAYS_MS", "50,100,200")]).unwrap();
        assert_eq!(s.runtime.dial_retry_delays_ms, vec![50, 100, 200]);
        let s = load(&[]).unwrap();
        assert_eq!(s.runtime.dial_retry_delays_ms, vec![1000, 4000, 10000]);
    }

    #[test]
    fn prefixed_variable_wins_over_seed_variable() {
        let s = load(&[
            ("DEFAULT_CONCURRENCY_CAP", "12"),
            ("AUTOLYNX__CAMPAIGNS__DEFAULT_CAP", "20"),
        ])
        .unwrap();
        assert_eq!(s.campaigns.default_cap, 20);
    }

    #[test]
    fn out_of_range_names_key_and_range() {
        let err = load(&[("DEFAULT_CONCURRENCY_CAP", "51")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("campaigns.default_cap"), "{err}");
        assert!(err.contains("DEFAULT_CONCURRENCY_CAP"), "{err}");
        assert!(err.contains("1–50"), "{err}");
    }

    #[test]
    fn wrong_type_names_key() {
        let err = load(&[("AUTOLYNX__DATABASE__MAX_CONNECTIONS", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_connections"), "{err}");
    }

    #[test]
    fn secrets_do_not_appear_in_debug_output() {
        let s = load(&[
            ("VAPI_API_KEY", "sk-very-secret"),
            ("WEBHOOK_SHARED_SECRET", "whsec-very-secret"),
            ("CRON_SHARED_SECRET", "cron-very-secret"),
            ("WEBHOOK_PREVIOUS_SECRET", "whsec-old-very-secret"),
            ("CRON_PREVIOUS_SECRET", "cron-old-very-secret"),
            ("DATABASE_URL", "postgres://u:db-very-secret@localhost/x"),
        ])
        .unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }

    #[test]
    fn previous_secrets_load_from_seed_variables_and_need_a_current_one() {
        let s = load(&[]).unwrap();
        assert!(s.webhook.previous_secret.is_none());
        assert!(s.scheduler.cron_previous_secret.is_none());
        let s = load(&[
            ("WEBHOOK_SHARED_SECRET", "new-wh"),
            ("WEBHOOK_PREVIOUS_SECRET", "old-wh"),
            ("CRON_SHARED_SECRET", "new-cron"),
            ("CRON_PREVIOUS_SECRET", "old-cron"),
        ])
        .unwrap();
        assert_eq!(s.webhook.previous_secret.unwrap().expose_secret(), "old-wh");
        assert_eq!(
            s.scheduler.cron_previous_secret.unwrap().expose_secret(),
            "old-cron"
        );
        let err = load(&[
            ("WEBHOOK_PREVIOUS_SECRET", "old-wh"),
            ("CRON_PREVIOUS_SECRET", "old-cron"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("webhook.previous_secret"), "{err}");
        assert!(err.contains("scheduler.cron_previous_secret"), "{err}");
    }

    #[test]
    fn the_environment_picks_a_layer_and_defaults_to_dev() {
        let dev = load(&[]).unwrap();
        assert_eq!(dev.environment, AppEnv::Dev);
        assert_eq!(dev.log.format, LogFormat::Text);
        assert!(dev.production_problems().is_empty());
        let prod = load(&[("AUTOLYNX_ENV", "prod")]).unwrap();
        assert_eq!(prod.environment, AppEnv::Prod);
        assert_eq!(prod.log.format, LogFormat::Json);
        // Variables still win over the layer.
        let text = load(&[("AUTOLYNX_ENV", "prod"), ("AUTOLYNX__LOG__FORMAT", "text")]).unwrap();
        assert_eq!(text.log.format, LogFormat::Text);
        let err = load(&[("AUTOLYNX_ENV", "staging")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("AUTOLYNX_ENV"), "{err}");
    }

    #[test]
    fn prod_names_every_unsafe_setting_and_what_to_do() {
        let prod = load(&[
            ("AUTOLYNX_ENV", "prod"),
            ("AUTOLYNX__WEBHOOK__ALLOW_UNSIGNED", "true"),
            ("AUTOLYNX__SERVER__BIND", "0.0.0.0:8080"),
        ])
        .unwrap();
        let problems = prod.production_problems().join("\n");
        for expected in [
            "WEBHOOK_SHARED_SECRET",
            "allow_unsigned",
            "VAPI_API_KEY",
            "AUTOLYNX__METRICS__TOKEN",
        ] {
            assert!(problems.contains(expected), "{expected}: {problems}");
        }
        let safe = load(&[
            ("AUTOLYNX_ENV", "prod"),
            ("WEBHOOK_SHARED_SECRET", "whsec"),
            ("VAPI_API_KEY", "sk"),
            ("AUTOLYNX__SERVER__BIND", "0.0.0.0:8080"),
            ("AUTOLYNX__METRICS__TOKEN", "scrape-token-0123456789"),
        ])
        .unwrap();
        assert!(safe.production_problems().is_empty());
        // Loopback without a metrics token is fine.
        let local = load(&[
            ("AUTOLYNX_ENV", "prod"),
            ("WEBHOOK_SHARED_SECRET", "whsec"),
            ("VAPI_API_KEY", "sk"),
        ])
        .unwrap();
        assert!(local.production_problems().is_empty());
    }

    #[test]
    fn the_production_example_loads_and_passes_the_prod_checks() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/prod.example.toml");
        let s = Settings::load_from(ConfigSources {
            file: Some(path),
            env: Some(
                [
                    ("AUTOLYNX_ENV", "prod"),
                    ("WEBHOOK_SHARED_SECRET", "whsec"),
                    ("VAPI_API_KEY", "sk"),
                ]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ),
        })
        .unwrap();
        assert!(s.database.url.expose_secret().contains("sslmode=require"));
        assert!(
            s.production_problems().is_empty(),
            "{:?}",
            s.production_problems()
        );
    }

    #[test]
    fn metrics_token_is_optional_but_not_short() {
        assert!(load(&[]).unwrap().metrics.token.is_none());
        let s = load(&[("AUTOLYNX__METRICS__TOKEN", "scrape-token-0123456789")]).unwrap();
        assert_eq!(
            s.metrics.token.unwrap().expose_secret(),
            "scrape-token-0123456789"
        );
        let err = load(&[("AUTOLYNX__METRICS__TOKEN", "short")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("metrics.token"), "{err}");
    }

    #[test]
    fn calling_hours_default_to_any_time_and_are_validated() {
        let s = load(&[]).unwrap();
        assert!(s.campaigns.default_calling_hours().is_none());
        assert_eq!(s.campaigns.timezone, "UTC");
        // The legal floor is on unless turned off.
        assert_eq!(
            s.campaigns.floor(),
            Some(crate::domain::hours::legal_floor())
        );
        let off = load(&[("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "false")]).unwrap();
        assert_eq!(off.campaigns.floor(), None);
        let s = load(&[
            ("AUTOLYNX__CAMPAIGNS__CALLING_HOURS", "08:00-21:00"),
            ("AUTOLYNX__CAMPAIGNS__CALLING_DAYS", "mon-sat"),
        ])
        .unwrap();
        let hours = s.campaigns.default_calling_hours().unwrap();
        assert_eq!(hours.days.names().len(), 6);
        let err = load(&[
            ("AUTOLYNX__CAMPAIGNS__CALLING_HOURS", "8am-9pm"),
            ("AUTOLYNX__CAMPAIGNS__CALLING_DAYS", "weekdays"),
            ("AUTOLYNX__CAMPAIGNS__TIMEZONE", "Mars/Olympus"),
        ])
        .unwrap_err()
        .to_string();
        for key in [
            "campaigns.calling_hours",
            "campaigns.calling_days",
            "campaigns.timezone",
        ] {
            assert!(err.contains(key), "{key}: {err}");
        }
    }

    #[test]
    fn redials_default_to_one_attempt_and_are_validated() {
        let s = load(&[]).unwrap();
        assert_eq!(s.campaigns.max_attempts, 1);
        let err = load(&[
            ("AUTOLYNX__CAMPAIGNS__MAX_ATTEMPTS", "3"),
            ("AUTOLYNX__CAMPAIGNS__REDIAL_ON", "answered"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("campaigns.max_attempts"), "{err}");
        assert!(err.contains("answered"), "{err}");
    }
}

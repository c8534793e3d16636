//! The command line: `serve`, `migrate`, `openapi`, `token create`, `backup`, `seed`,
//! `simulator`, `demo`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use migration::{Migrator, MigratorTrait};

use crate::config::{
    HmacAlgorithm, HmacSettings, Settings, SignatureEncoding, WebhookScheme, WebhookSettings,
};
use crate::domain::auth::Role;
use crate::provider::simulator::{
    ConcurrencyBehavior, FaultProfile, MsRange, OutcomeMix, Simulator, SimulatorConfig, Timings,
    WebhookDelivery,
};
use crate::startup::Application;
use crate::{http, store, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "autolynx",
    version,
    about = "Outbound AI voice-calling campaigns over the Vapi API",
    long_about = "autolynx dials every contact of a campaign through Vapi without exceeding its \
                  concurrency cap, tracks each call by Vapi's webhooks and survives crashes \
                  without losing or double-dialing anything.\n\nConfiguration: config/default.toml \
                  (built in), then --config FILE or AUTOLYNX_CONFIG, then the seed variables \
                  (DATABASE_URL, VAPI_API_KEY, ...), then AUTOLYNX__SECTION__KEY variables."
)]
pub struct Cli {
    /// Configuration file layered over the built-in defaults (else $AUTOLYNX_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and the campaign runtime (applies pending migrations first).
    Serve,
    /// Inspect or change the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the OpenAPI document (JSON) to stdout; needs no database.
    Openapi,
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Print a one-time link that signs a user in to the web console (it expires after
    /// `console.login_link_minutes`). The user must exist unless --role is given, which creates
    /// (or allowlists) them as `token create` does.
    LoginLink {
        /// The user's name (matched when no --email is given).
        #[arg(long)]
        name: String,
        /// The user's email (the user is matched by it when given).
        #[arg(long)]
        email: Option<String>,
        /// Create or allowlist the user with this role first.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// The console's base URL; default: server.public_url, else http://<server.bind>.
        #[arg(long)]
        url: Option<String>,
    },
    /// Back up the database while the server runs (`--to FILE`), or check a backup
    /// (`verify FILE_OR_URL`).
    Backup(BackupArgs),
    /// Development only: load sample assistants (one per template, created at the server's
    /// Vapi — the simulator) and a sample campaign (CREATED) through a running server's API.
    Seed {
        /// The running server; default: server.public_url, else http://<server.bind>.
        #[arg(long)]
        url: Option<String>,
        /// Contacts of the sample campaign (1–1000).
        #[arg(long, default_value_t = 20)]
        contacts: usize,
    },
    /// Apply the retention settings now (`retention.campaign_days`, `retention.transcript_days`);
    /// the runtime also applies them once a day.
    Retention {
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Run the Vapi simulator: a fake Vapi API on a loopback port that plays calls, sends
    /// signed webhooks, enforces a concurrency limit, injects faults and counts everything at
    /// GET /_sim/stats. Needs no database or configuration file.
    Simulator(Box<SimulatorArgs>),
    /// Show the product on this machine: an embedded SQLite file in a temporary directory,
    /// the simulator in-process, the server on a free port, a campaign of generated contacts
    /// with live progress bars, then a summary checked against the simulator. Needs no
    /// database, configuration file or network.
    Demo(Box<crate::demo::DemoArgs>),
}

#[derive(Debug, Subcommand)]
pub enum RetentionAction {
    /// Delete what is past its retention; prints what was (or would be) deleted.
    Run {
        /// Only print what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Every knob of the simulator.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Point autolynx at it with VAPI_BASE_URL=<printed URL> and VAPI_API_KEY=<--api-key>. \
                  Test hooks: GET /_sim/stats, POST /_sim/reset, POST /_sim/config (JSON: faults, \
                  faultProfile, timings, outcomes, concurrencyLimit, concurrencyBehavior, \
                  legacyShapesRate, webhookDelivery), POST /_sim/calls/{id}/end."
)]
pub struct SimulatorArgs {
    /// Address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:4010")]
    pub bind: std::net::SocketAddr,
    /// The API key the simulator accepts (Authorization: Bearer <key>).
    #[arg(long, env = "AUTOLYNX_SIM_API_KEY")]
    pub api_key: String,
    /// Where webhooks are POSTed, e.g. http://127.0.0.1:8080/api/webhooks/vapi; several URLs
    /// separated by commas are used in turn (a load balancer's round robin over several
    /// nodes). Without it no webhook is sent.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Secret webhooks are signed with (the receiver's webhook.secret). Without it they are
    /// sent unsigned.
    #[arg(long, env = "AUTOLYNX_SIM_WEBHOOK_SECRET")]
    pub webhook_secret: Option<String>,
    /// How webhooks are authenticated.
    #[arg(long, value_enum, default_value = "hmac")]
    pub webhook_scheme: SchemeArg,
    /// HMAC: signature header.
    #[arg(long, default_value = "x-signature")]
    pub hmac_signature_header: String,
    /// HMAC: timestamp header (the value is epoch milliseconds).
    #[arg(long, default_value = "x-timestamp")]
    pub hmac_timestamp_header: String,
    /// HMAC: text before the signature, e.g. "sha256=".
    #[arg(long, default_value = "")]
    pub hmac_prefix: String,
    /// HMAC: signature encoding.
    #[arg(long, value_enum, default_value = "hex")]
    pub hmac_encoding: EncodingArg,
    /// HMAC: hash algorithm.
    #[arg(long, value_enum, default_value = "sha256")]
    pub hmac_algorithm: AlgorithmArg,
    /// HMAC: signed payload; {timestamp}, {body}, {method} and {url} are replaced.
    #[arg(long, default_value = "{timestamp}.{body}")]
    pub hmac_payload_format: String,
    /// Bearer scheme: header carrying "Bearer <secret>".
    #[arg(long, default_value = "Authorization")]
    pub bearer_header: String,
    /// Webhook retries after a non-2xx answer (exponential backoff).
    #[arg(long, default_value_t = 3)]
    pub webhook_retries: u32,
    /// First webhook retry delay in ms (doubled at each retry).
    #[arg(long, default_value_t = 500)]
    pub webhook_backoff_ms: u64,
    /// Seed of call outcomes and durations (per customer number and dial count) and of faults:
    /// the same seed replays the same outcomes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length of an answered call in ms, MIN..MAX.
    #[arg(long, default_value = "10000..40000", value_parser = parse_range)]
    pub call_ms: MsRange,
    /// How long the phone rings in ms, MIN..MAX.
    #[arg(long, default_value = "2000..6000", value_parser = parse_range)]
    pub ring_ms: MsRange,
    /// Delay from creation (queued) to ringing, in ms.
    #[arg(long, default_value_t = 200)]
    pub queue_ms: u64,
    /// Delay from the final status-update to the end-of-call-report, in ms.
    #[arg(long, default_value_t = 2000)]
    pub post_processing_ms: u64,
    /// Outcome weights: answered, no-answer, busy, voicemail, error.
    #[arg(long, default_value = "answered=60,no-answer=20,busy=8,voicemail=8,error=4", value_parser = parse_mix)]
    pub outcome_mix: OutcomeMix,
    /// Calls the account may have live at once (Vapi's default is 10).
    #[arg(long, default_value_t = 10)]
    pub concurrency_limit: u32,
    /// What a dial over the limit gets: 400 "Over Concurrency Limit", or 201 with
    /// subscriptionLimits.concurrencyBlocked and a quick end with
    /// call.start.error-subscription-concurrency-limit-reached.
    #[arg(long, value_enum, default_value = "reject-400")]
    pub concurrency_behavior: ConcurrencyBehavior,
    /// Fault mix: none; flaky (latency, some 429/5xx/timeouts, dropped, duplicated, delayed
    /// and reordered webhooks — all recoverable); hostile (high rates, lost responses,
    /// late-created calls, gateway 504s with the call created anyway, calls that never end).
    #[arg(long, value_enum, default_value = "none")]
    pub fault_profile: FaultProfile,
    /// Override: share (0-1) of API requests answered 429 (Retry-After: 1).
    #[arg(long)]
    pub rate_limit_rate: Option<f64>,
    /// Override: share of API requests answered 500/503.
    #[arg(long)]
    pub server_error_rate: Option<f64>,
    /// Override: share of API requests held (30 s, see --hold-ms) before any handling.
    #[arg(long)]
    pub timeout_rate: Option<f64>,
    /// Override: share of API requests handled whose answer is then held (see --hold-ms).
    #[arg(long)]
    pub lost_response_rate: Option<f64>,
    /// Override: share of POST /call requests held past the client's timeout whose call is
    /// created only when the hold ends (late-create).
    #[arg(long)]
    pub late_create_rate: Option<f64>,
    /// Override: share of POST /call requests answered 504 at once while the call is created
    /// a moment later (gateway-timeout).
    #[arg(long)]
    pub gateway_timeout_rate: Option<f64>,
    /// How long after a gateway-timeout 504 the call is created, in ms (MIN..MAX).
    #[arg(long, value_parser = parse_range)]
    pub gateway_create_delay_ms: Option<MsRange>,
    /// How long timeouts, lost responses and late-creates hold a request, in ms.
    #[arg(long)]
    pub hold_ms: Option<u64>,
    /// Override: share of webhooks dropped.
    #[arg(long)]
    pub webhook_drop_rate: Option<f64>,
    /// Override: share of webhooks delivered twice.
    #[arg(long)]
    pub webhook_duplicate_rate: Option<f64>,
    /// Override: share of webhooks delivered late.
    #[arg(long)]
    pub webhook_delay_rate: Option<f64>,
    /// Override: share of calls whose in-progress update comes after ended.
    #[arg(long)]
    pub webhook_reorder_rate: Option<f64>,
    /// Override: share of answered calls that never end on their own.
    #[arg(long)]
    pub never_end_rate: Option<f64>,
    /// Share of calls whose webhooks use legacy shapes (top-level transcript/summary/
    /// recordingUrl/durationSeconds, call.metadata).
    #[arg(long, default_value_t = 0.0)]
    pub legacy_shapes_rate: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemeArg {
    Hmac,
    Bearer,
    XVapiSecret,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    Hex,
    Base64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AlgorithmArg {
    Sha256,
    Sha512,
}

fn parse_range(s: &str) -> Result<MsRange, String> {
    s.parse()
}

fn parse_mix(s: &str) -> Result<OutcomeMix, String> {
    s.parse()
}

fn rate(name: &str, value: Option<f64>, default: f64) -> anyhow::Result<f64> {
    let v = value.unwrap_or(default);
    anyhow::ensure!((0.0..=1.0).contains(&v), "--{name} must be between 0 and 1");
    Ok(v)
}

impl SimulatorArgs {
    /// The simulator configuration these arguments describe.
    pub fn config(&self) -> anyhow::Result<SimulatorConfig> {
        let scheme = match self.webhook_scheme {
            SchemeArg::Hmac => WebhookScheme::Hmac,
            SchemeArg::Bearer => WebhookScheme::Bearer,
            SchemeArg::XVapiSecret => WebhookScheme::XVapiSecret,
        };
        let mut webhook = WebhookSettings::new(scheme, self.webhook_secret.as_deref());
        webhook.bearer_header = self.bearer_header.clone();
        webhook.hmac = HmacSettings {
            signature_header: self.hmac_signature_header.clone(),
            timestamp_header: self.hmac_timestamp_header.clone(),
            signature_prefix: self.hmac_prefix.clone(),
            encoding: match self.hmac_encoding {
                EncodingArg::Hex => SignatureEncoding::Hex,
                EncodingArg::Base64 => SignatureEncoding::Base64,
            },
            payload_format: self.hmac_payload_format.clone(),
            algorithm: match self.hmac_algorithm {
                AlgorithmArg::Sha256 => HmacAlgorithm::Sha256,
                AlgorithmArg::Sha512 => HmacAlgorithm::Sha512,
            },
        };
        let mut faults = self.fault_profile.faults();
        faults.rate_limit_rate = rate(
            "rate-limit-rate",
            self.rate_limit_rate,
            faults.rate_limit_rate,
        )?;
        faults.server_error_rate = rate(
            "server-error-rate",
            self.server_error_rate,
            faults.server_error_rate,
        )?;
        faults.timeout_rate = rate("timeout-rate", self.timeout_rate, faults.timeout_rate)?;
        faults.lost_response_rate = rate(
            "lost-response-rate",
            self.lost_response_rate,
            faults.lost_response_rate,
        )?;
        faults.late_create_rate = rate(
            "late-create-rate",
            self.late_create_rate,
            faults.late_create_rate,
        )?;
        faults.gateway_timeout_rate = rate(
            "gateway-timeout-rate",
            self.gateway_timeout_rate,
            faults.gateway_timeout_rate,
        )?;
        if let Some(delay) = self.gateway_create_delay_ms {
            faults.gateway_create_delay_ms = delay;
        }
        if let Some(hold) = self.hold_ms {
            faults.timeout_ms = hold;
        }
        faults.webhook_drop_rate = rate(
            "webhook-drop-rate",
            self.webhook_drop_rate,
            faults.webhook_drop_rate,
        )?;
        faults.webhook_duplicate_rate = rate(
            "webhook-duplicate-rate",
            self.webhook_duplicate_rate,
            faults.webhook_duplicate_rate,
        )?;
        faults.webhook_delay_rate = rate(
            "webhook-delay-rate",
            self.webhook_delay_rate,
            faults.webhook_delay_rate,
        )?;
        faults.webhook_reorder_rate = rate(
            "webhook-reorder-rate",
            self.webhook_reorder_rate,
            faults.webhook_reorder_rate,
        )?;
        faults.never_end_rate = rate("never-end-rate", self.never_end_rate, faults.never_end_rate)?;
        anyhow::ensure!(
            self.concurrency_limit >= 1,
            "--concurrency-limit must be at least 1"
        );
        anyhow::ensure!(!self.api_key.is_empty(), "--api-key must not be empty");
        for url in self.webhook_url.iter().flat_map(|u| u.split(',')) {
            anyhow::ensure!(
                reqwest::Url::parse(url.trim()).is_ok(),
                "--webhook-url {url:?} is not a URL"
            );
        }
        Ok(SimulatorConfig {
            bind: self.bind,
            api_key: self.api_key.clone(),
            webhook_url: self.webhook_url.clone(),
            webhook,
            webhook_delivery: WebhookDelivery {
                max_retries: self.webhook_retries,
                backoff_ms: self.webhook_backoff_ms,
                ..WebhookDelivery::default()
            },
            seed: self.seed,
            timings: Timings {
                queue_ms: self.queue_ms,
                ring_ms: self.ring_ms,
                call_ms: self.call_ms,
                post_processing_ms: self.post_processing_ms,
                ..Timings::default()
            },
            outcomes: self.outcome_mix,
            concurrency_limit: self.concurrency_limit,
            concurrency_behavior: self.concurrency_behavior,
            faults,
            legacy_shapes_rate: rate("legacy-shapes-rate", Some(self.legacy_shapes_rate), 0.0)?,
            // A long-running simulator keeps no log of its deliveries.
            keep_delivered: false,
            keep_timeline: false,
            opt_out_flagged: Vec::new(),
            opt_out_spoken: Vec::new(),
        })
    }
}

async fn simulator(args: &SimulatorArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    let sim = Simulator::start(config).await?;
    println!("Vapi simulator listening on {}", sim.base_url());
    if args.webhook_url.is_none() {
        eprintln!("no --webhook-url: calls will run but no webhook is sent");
    }
    sim.run_until(crate::startup::shutdown_signal()).await;
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration. A database that holds data is backed up first: SQLite
    /// to a copy next to it (the path is printed); PostgreSQL needs `--yes` after running the
    /// printed `pg_dump` command, or `--no-backup`.
    Up {
        #[command(flatten)]
        safety: MigrateSafety,
    },
    /// Roll back applied migrations (the newest first), after the same backup as `up`.
    Down {
        /// How many migrations to roll back.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back every migration (drops every autolynx table and its data).
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        safety: MigrateSafety,
    },
    /// List applied and pending migrations.
    Status,
}

/// How `migrate up` and `migrate down` protect the data before changing the schema.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct MigrateSafety {
    /// PostgreSQL: the database is backed up (with the printed pg_dump command); go ahead.
    #[arg(long)]
    pub yes: bool,
    /// Change the schema without a backup first.
    #[arg(long, conflicts_with = "yes")]
    pub no_backup: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Operator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Operator => Role::Operator,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token, creating (or allowlisting) the user first if needed. The token is
    /// printed alone on the last line of stdout and shown only this once. This is how the
    /// first admin is bootstrapped on a fresh install.
    Create {
        /// The user's name (matched when no --email is given).
        #[arg(long)]
        name: String,
        /// The user's role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The user's email (the user is matched by it when given).
        #[arg(long)]
        email: Option<String>,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        token_name: String,
        /// Days until the token stops working (1–3650); without it the token never expires.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
    },
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// Where to write the backup; never overwritten. SQLite: a consistent copy of the
    /// database file (`VACUUM INTO`), taken while the server keeps running. PostgreSQL: a
    /// `pg_dump --format=custom` archive (without pg_dump the command to run is printed).
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
    #[command(subcommand)]
    pub action: Option<BackupAction>,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Open a backup read-only and check it: integrity, applied migrations against this
    /// binary's, row counts per table, the newest call event. Exits non-zero on any problem.
    /// Takes a SQLite file, a pg_dump archive, or a postgres:// URL of a restored copy.
    Verify {
        #[arg(value_name = "FILE_OR_URL")]
        target: String,
    },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Openapi => {
            println!("{}", http::spec_json());
            return Ok(());
        }
        Command::Simulator(args) => {
            // No database and no configuration file: only its own flags.
            telemetry::init(&crate::config::LogSettings {
                level: std::env::var("LOG_LEVEL").unwrap_or_else(|_| "info".to_owned()),
                format: crate::config::LogFormat::Text,
            });
            return simulator(args).await;
        }
        // Builds its own settings: no configuration file, no environment.
        Command::Demo(args) => return crate::demo::run(args).await,
        // Reads only the copy it is given.
        Command::Backup(BackupArgs {
            action: Some(BackupAction::Verify { target }),
            ..
        }) => return crate::backup::verify(target).await,
        _ => {}
    }
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Openapi | Command::Simulator(_) | Command::Demo(_) => {
            unreachable!("handled above")
        }
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action).await,
        Command::Token { action } => token(settings, action).await,
        Command::LoginLink {
            name,
            email,
            role,
            url,
        } => login_link(settings, &name, email.as_deref(), role, url).await,
        Command::Seed { url, contacts } => {
            let url = url
                .or_else(|| settings.server.public_url.clone())
                .unwrap_or_else(|| format!("http://{}", settings.server.bind));
            crate::seed::run(&settings, &url, contacts).await
        }
        Command::Retention {
            action: RetentionAction::Run { dry_run },
        } => retention(&settings, dry_run).await,
        Command::Backup(args) => match args.to {
            Some(to) => crate::backup::backup(&settings, &to).await,
            None => anyhow::bail!("give --to FILE, or `verify FILE_OR_URL`"),
        },
    }
}

async fn retention(settings: &Settings, dry_run: bool) -> anyhow::Result<()> {
    let retention = settings.retention;
    if !retention.is_on() {
        println!(
            "retention is off (retention.campaign_days and retention.transcript_days are 0): nothing to do"
        );
        return Ok(());
    }
    let db = store::connect(&settings.database).await?;
    let report = store::retention::run(&db, &retention, chrono::Utc::now(), dry_run).await?;
    let verb = if dry_run { "would delete" } else { "deleted" };
    println!(
        "retention {verb}: {} campaigns ({} contacts, {} calls, {} events); transcripts of {} calls",
        report.campaigns, report.contacts, report.calls, report.events, report.transcripts
    );
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    // A newer version migrated this database: nothing here may touch its schema.
    let unknown = store::unknown_migrations(&db).await?;
    if !unknown.is_empty() {
        if let MigrateAction::Status = action {
            for name in &unknown {
                println!("unknown  {name}");
            }
        }
        anyhow::bail!(store::newer_schema_message(&unknown));
    }
    match action {
        MigrateAction::Up { safety } => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            if pending > 0 {
                back_up_before_migrating(&settings, &db, safety).await?;
            }
            Migrator::up(&db, None).await?;
            println!("applied {pending} migration(s)");
        }
        MigrateAction::Down { steps, all, safety } => {
            let applied = Migrator::get_applied_migrations(&db).await?.len();
            if applied > 0 {
                back_up_before_migrating(&settings, &db, safety).await?;
            }
            let steps = if all { None } else { Some(steps) };
            Migrator::down(&db, steps).await?;
            let now = Migrator::get_applied_migrations(&db).await?.len();
            println!("rolled back {} migration(s)", applied - now);
        }
        MigrateAction::Status => {
            for m in Migrator::get_applied_migrations(&db).await? {
                println!("applied  {}", m.name());
            }
            for m in Migrator::get_pending_migrations(&db).await? {
                println!("pending  {}", m.name());
            }
        }
    }
    db.close().await.ok();
    Ok(())
}

/// Backs the database up before its schema changes, when it holds anything: SQLite to a copy
/// next to it; PostgreSQL only says how and needs `--yes` (or `--no-backup`).
async fn back_up_before_migrating(
    settings: &Settings,
    db: &sea_orm::DatabaseConnection,
    safety: MigrateSafety,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    if safety.no_backup {
        println!("no backup taken (--no-backup)");
        return Ok(());
    }
    if Migrator::get_applied_migrations(db).await?.is_empty() {
        // An empty database: nothing to lose.
        return Ok(());
    }
    let url = settings.database.url.expose_secret();
    if crate::backup::is_postgres(url) {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let file = PathBuf::from(format!("autolynx-before-migrate-{stamp}.dump"));
        let (_, _, command) = crate::backup::pg_dump_command(url, &file)?;
        println!("back up the database first:\n  {command}");
        anyhow::ensure!(
            safety.yes,
            "not migrated: run the pg_dump command above (or `autolynx backup --to FILE`), \
             then re-run with --yes; or pass --no-backup to go ahead without a backup"
        );
        println!("going ahead (--yes)");
        return Ok(());
    }
    let source = crate::backup::sqlite_path(url)
        .ok_or_else(|| anyhow::anyhow!("database.url {url:?} names no SQLite file"))?;
    let copy = crate::backup::before_migrate_path(&source);
    crate::backup::sqlite_copy(db, &copy).await?;
    println!(
        "backed up {} to {} before changing the schema (restore: stop the server and put it back)",
        source.display(),
        copy.display()
    );
    Ok(())
}

async fn login_link(
    settings: Settings,
    name: &str,
    email: Option<&str>,
    role: Option<RoleArg>,
    url: Option<String>,
) -> anyhow::Result<()> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "--name must not be blank");
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    store::migrate(&db).await?;
    let user = match role {
        Some(role) => {
            store::users::upsert_allowlisted(&db, name, email, role.into())
                .await?
                .0
        }
        None => store::users::find_by_identity(&db, name, email)
            .await?
            .with_context(|| {
                format!(
                    "no user named {name:?}: give --role admin|operator to create one, \
                     or create it with `autolynx token create`"
                )
            })?,
    };
    anyhow::ensure!(
        !user.disabled && user.allowlisted,
        "user {:?} is disabled or not allowlisted",
        user.name
    );
    let base = url
        .or_else(|| settings.server.public_url.clone())
        .unwrap_or_else(|| format!("http://{}", settings.server.bind));
    let (link, expires_at) =
        http::session::issue_login_link(&db, &settings.console, &base, user.id).await?;
    let entry = store::audit::NewEntry {
        actor_user_id: None,
        actor_name: "autolynx login-link (command line)".to_owned(),
        action: "login_link.create".to_owned(),
        target_type: "user".to_owned(),
        target_id: Some(user.id.to_string()),
        details: serde_json::json!({ "expiresAt": expires_at }),
        request_id: None,
    };
    if let Err(e) = store::audit::record(&db, entry).await {
        tracing::error!(error = %e, "could not write the audit entry of login-link");
    }
    println!(
        "sign-in link for {} ({}), valid once until {}:",
        user.name,
        user.role,
        expires_at.to_rfc3339()
    );
    println!("{link}");
    db.close().await.ok();
    Ok(())
}

async fn token(settings: Settings, action: TokenAction) -> anyhow::Result<()> {
    let TokenAction::Create {
        name,
        role,
        email,
        token_name,
        expires_in_days,
    } = action;
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "--name must not be blank");
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    store::migrate(&db).await?;
    let email = email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let (user, created) = store::users::upsert_allowlisted(&db, name, email, role.into()).await?;
    let expires_at =
        expires_in_days.map(|days| chrono::Utc::now() + chrono::Duration::days(days.into()));
    let (info, token) =
        store::users::create_token_expiring(&db, user.id, &token_name, expires_at).await?;
    // The command line acts as no user: the entry names the command instead.
    let cli_entry =
        |action: &str, target_type: &str, target_id: String, details| store::audit::NewEntry {
            actor_user_id: None,
            actor_name: "autolynx token create (command line)".to_owned(),
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id: Some(target_id),
            details,
            request_id: None,
        };
    // The token exists now: a failed audit write is reported, never a reason to withhold it.
    for entry in [
        cli_entry(
            if created {
                "user.create"
            } else {
                "user.allowlist"
            },
            "user",
            user.id.to_string(),
            serde_json::json!({ "name": user.name, "email": user.email, "role": user.role }),
        ),
        cli_entry(
            "token.create",
            "token",
            info.id.to_string(),
            serde_json::json!({
                "userId": user.id, "name": info.name, "prefix": info.prefix,
                "expiresAt": info.expires_at,
            }),
        ),
    ] {
        if let Err(e) = store::audit::record(&db, entry).await {
            tracing::error!(error = %e, "could not write the audit entry of token create");
        }
    }
    println!(
        "{} user {} ({}, id {})",
        if created { "created" } else { "allowlisted" },
        user.name,
        user.role,
        user.id
    );
    if let Some(at) = info.expires_at {
        println!("expires at {}", at.to_rfc3339());
    }
    println!("token (shown once; only its hash is stored):");
    println!("{}", token.expose());
    db.close().await.ok();
    Ok(())
}

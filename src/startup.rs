//! Application start-up: connect, migrate, bind, then serve until a shutdown signal. Tests build
//! the same `Application` on port 0.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::http::ratelimit::RateLimits;
use crate::http::{self, AppState};
use crate::provider::metered::Metered;
use crate::provider::vapi::VapiClient;
use crate::provider::verify::WebhookVerifier;
use crate::provider::{Provider, Unconfigured};
use crate::runtime::fence::Fence;
use crate::runtime::sweep::{self, SweepTimer, Sweeper};
use crate::runtime::{Runtime, RuntimeContext};
use crate::store;

pub struct Application {
    port: u16,
    state: AppState,
    acceptor: poem::listener::TcpAcceptor,
    /// The periodic sweep; dropping it stops the timer.
    sweep_timer: Option<SweepTimer>,
    /// The SQLite database's single-process lock (see `lock_sqlite`), held until dropped.
    _sqlite_lock: Option<std::fs::File>,
    /// The PostgreSQL runtime lease (see `take_runtime_lease`), renewed until dropped.
    lease: Option<RuntimeLease>,
}

impl Application {
    /// Connects to the database, applies pending migrations and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        install_crypto_provider();
        crate::metrics::init();
        let problems = settings.production_problems();
        anyhow::ensure!(
            problems.is_empty(),
            "AUTOLYNX_ENV=prod refuses to start: {}",
            problems.join("; ")
        );
        if settings.webhook.secret.is_none() {
            anyhow::ensure!(
                settings.webhook.allow_unsigned,
                "no webhook secret is configured (WEBHOOK_SHARED_SECRET or webhook.secret): \
                 refusing to accept unauthenticated webhooks. Set webhook.allow_unsigned = true \
                 only for local development"
            );
            tracing::warn!(
                "webhook.allow_unsigned is set and no webhook secret is configured: anyone can \
                 post call events. Never run like this in production"
            );
        }
        // A rotation in progress: say so at every start, so the old secret is not forgotten.
        if settings.webhook.previous_secret.is_some() {
            tracing::warn!(
                "webhook.previous_secret (WEBHOOK_PREVIOUS_SECRET) is set: deliveries \
                 authenticated with the old webhook secret are still accepted. Unset it once \
                 Vapi sends the new one"
            );
        }
        if settings.scheduler.cron_previous_secret.is_some() {
            tracing::warn!(
                "scheduler.cron_previous_secret (CRON_PREVIOUS_SECRET) is set: ticks with the \
                 old cron secret are still accepted. Unset it once the cron job sends the new one"
            );
        }
        if !settings.campaigns.legal_hours_floor {
            tracing::warn!(
                "campaigns.legal_hours_floor is off: calls may be placed before 08:00 or after \
                 21:00 in the contact's local time, as far as each campaign's calling hours allow. \
                 US telephone-solicitation rules forbid that; turn it back on unless every call \
                 is exempt"
            );
        }
        let sqlite_lock =
            lock_sqlite(secrecy::ExposeSecret::expose_secret(&settings.database.url))?;
        let db = store::connect(&settings.database)
            .await
            .context("could not connect to the database")?;
        store::migrate(&db)
            .await
            .context("could not apply database migrations")?;
        // A standby waits here, before it listens: it serves nothing until it runs the
        // campaigns, so a load balancer's health check sends every request to the holder.
        let lease = take_runtime_lease(&db, &settings).await;
        let acceptor = TcpListener::bind(settings.server.bind)
            .into_acceptor()
            .await
            .with_context(|| format!("could not listen on {}", settings.server.bind))?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .context("listener has no socket address")?;
        let provider: Arc<dyn Provider> = if settings.vapi.api_key.is_some() {
            let client =
                VapiClient::new(&settings.vapi).context("could not build the Vapi client")?;
            Arc::new(Metered(Arc::new(client)))
        } else {
            tracing::warn!(
                "no Vapi API key is configured (VAPI_API_KEY): campaigns cannot start and \
                 assistants cannot be created until one is set"
            );
            Arc::new(Unconfigured)
        };
        let verifier = Arc::new(
            WebhookVerifier::from_settings(&settings.webhook)
                .context("invalid webhook verification settings")?,
        );
        let rate_limits = Arc::new(RateLimits::new(&settings.rate_limits));
        let settings = Arc::new(settings);
        let runtime = Runtime::start(RuntimeContext::fenced(
            db.clone(),
            provider.clone(),
            settings.clone(),
            lease.as_ref().map(|l| l.fence.clone()),
        ))
        .await?;
        let sweeper = Sweeper::new(runtime.clone());
        let sweep_timer = sweep::spawn_periodic(
            sweeper.clone(),
            Duration::from_secs(settings.scheduler.cadence_secs),
        );
        let state = AppState {
            db,
            settings,
            provider,
            verifier,
            runtime,
            rate_limits,
            started_at: Instant::now(),
            sweeper,
            health: Arc::default(),
            scrape: Arc::default(),
        };
        Ok(Self {
            port,
            state,
            acceptor,
            sweep_timer: Some(sweep_timer),
            _sqlite_lock: sqlite_lock,
            lease,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    pub fn runtime(&self) -> &Runtime {
        &self.state.runtime
    }

    /// The runtime lease's fence (PostgreSQL), to learn after the run whether it was lost.
    pub fn fence(&self) -> Option<Arc<Fence>> {
        self.lease.as_ref().map(|l| l.fence.clone())
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }

    /// Serves until `signal` resolves.
    pub async fn run_with_shutdown(
        mut self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let grace = self.state.settings.shutdown_grace();
        tracing::info!(port = self.port, "autolynx listening");
        // A lease lost to another process stops this one as a signal would.
        let fence = self.lease.as_ref().map(|l| l.fence.clone());
        let signal = async move {
            match fence {
                Some(fence) => tokio::select! {
                    () = signal => {}
                    () = fence.lost() => {}
                },
                None => signal.await,
            }
        };
        let result = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(http::app(self.state.clone()), signal, Some(grace))
            .await;
        // HTTP first, then the sweep timer, then the actors; calls in flight stay recorded and
        // are adopted at the next start.
        drop(self.sweep_timer.take());
        self.state.runtime.shutdown().await;
        // Handed back once nothing runs any more, so a standby takes over at once.
        if let Some(lease) = self.lease.take() {
            lease.release(&self.state.db).await;
        }
        self.state.db.clone().close().await.ok();
        tracing::info!("autolynx stopped");
        result
    }
}

/// The exit status of a process whose runtime lease another process took (EX_TEMPFAIL: a
/// supervisor such as systemd starts it again, as a standby).
pub const EXIT_LEASE_LOST: u8 = 75;

/// The PostgreSQL runtime lease this process holds, and the task renewing it.
struct RuntimeLease {
    fence: Arc<Fence>,
    renewal: tokio::task::JoinHandle<()>,
}

impl RuntimeLease {
    /// Stops renewing and hands the lease back.
    async fn release(self, db: &DatabaseConnection) {
        self.renewal.abort();
        let (node, epoch) = (self.fence.node(), self.fence.epoch());
        match store::lease::release(db, node, epoch).await {
            Ok(true) => tracing::info!(epoch, "runtime lease handed back"),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not hand the runtime lease back; it expires by itself")
            }
        }
    }
}

impl Drop for RuntimeLease {
    fn drop(&mut self) {
        // An application dropped without shutting down (a test) stops renewing: the lease
        // then expires by itself.
        self.renewal.abort();
    }
}

/// Where this process runs, for an operator reading who holds the lease.
fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned());
    format!("{host} pid {}", std::process::id())
}

/// PostgreSQL: one process at a time runs a database's campaigns. This one takes the runtime
/// lease, waiting as a standby (and saying who holds it) while another process does; `None`
/// on SQLite, where the file lock already keeps other processes out.
async fn take_runtime_lease(db: &DatabaseConnection, settings: &Settings) -> Option<RuntimeLease> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return None;
    }
    let node = uuid::Uuid::now_v7();
    let holder = holder_name();
    let (ttl, every) = (settings.runtime.lease_ttl(), settings.runtime.lease_renew());
    let mut waited = false;
    let (epoch, sent) = loop {
        let sent = Instant::now();
        match store::lease::acquire(db, node, &holder, ttl).await {
            Ok(Some(epoch)) => break (epoch, sent),
            Ok(None) if !waited => {
                waited = true;
                let held = store::lease::holder(db).await.ok().flatten();
                tracing::warn!(
                    holder = held.as_ref().map_or("?", |h| h.holder.as_str()),
                    expires_in_ms = held.as_ref().map_or(0, |h| h.expires_in_ms),
                    "standby: another autolynx process runs this database's campaigns; this \
                     one takes over when its lease ends (it shuts down, or stops renewing for \
                     runtime.lease_ttl_ms)"
                );
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not ask for the runtime lease; retrying"),
        }
        tokio::time::sleep(every).await;
    };
    if waited {
        tracing::warn!(
            epoch,
            "took the runtime lease over: this process runs the campaigns now"
        );
    } else {
        tracing::info!(epoch, "runtime lease taken");
    }
    let fence = Arc::new(Fence::new(node, epoch, ttl, sent));
    let renewal = tokio::spawn(renew_lease(db.clone(), fence.clone(), holder, every));
    Some(RuntimeLease { fence, renewal })
}

/// Renews the lease every `every`. A lease that lapsed (a pause, a slow database) is taken
/// again if nobody held it meanwhile (its epoch is then exactly the next one); when another
/// process took it, the fence is lost — no dial leaves any more — and the application shuts
/// down (`serve` exits with `EXIT_LEASE_LOST`, and its supervisor, systemd, starts it again as
/// a standby).
async fn renew_lease(db: DatabaseConnection, fence: Arc<Fence>, holder: String, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let sent = Instant::now();
        match store::lease::renew(&db, fence.node(), fence.epoch(), fence.ttl()).await {
            Ok(true) => {
                fence.renewed(sent);
                continue;
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the runtime lease; no call is placed once it lapses");
                continue;
            }
        }
        match store::lease::acquire(&db, fence.node(), &holder, fence.ttl()).await {
            Ok(Some(epoch)) if epoch == fence.epoch() + 1 => {
                tracing::warn!(
                    epoch,
                    "the runtime lease lapsed and nobody took it: taken again"
                );
                fence.retaken(epoch, sent);
            }
            Ok(_) => {
                let held = store::lease::holder(&db).await.ok().flatten();
                tracing::error!(
                    holder = held.as_ref().map_or("?", |h| h.holder.as_str()),
                    "another autolynx process took the runtime lease over: this one places no \
                     more calls and shuts down"
                );
                fence.lose();
                return;
            }
            Err(e) => tracing::warn!(error = %e, "could not take the lapsed runtime lease again"),
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// reqwest is built without a bundled crypto provider; use ring (already in the tree through
/// sqlx) for every rustls client in the process.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// SQLite serves one process: the runtime takes it for granted that nobody else dials for the
/// campaigns in its file. An exclusive lock on `<file>.lock`, held while the application lives,
/// makes a second `serve` on the same file refuse to start; the kernel releases it when the
/// process ends, however it ends (SIGKILL included), so a restart never finds it stale.
/// `None` for PostgreSQL and in-memory databases.
fn lock_sqlite(url: &str) -> anyhow::Result<Option<std::fs::File>> {
    use std::io::{Read, Seek, Write};
    let Some(path) = crate::backup::sqlite_path(url) else {
        return Ok(None);
    };
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("could not open the lock file {}", lock_path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0)?;
            file.rewind()?;
            write!(file, "{}", std::process::id())?;
            file.flush()?;
            Ok(Some(file))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "another autolynx process".to_owned()
            } else {
                format!("another autolynx process (pid {holder})")
            };
            anyhow::bail!(
                "{who} is already serving the SQLite database {}: SQLite runs one autolynx \
                 process at a time (two would both dial the same campaigns). Stop it first, or \
                 use PostgreSQL to run several",
                path.display()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("could not lock {}", lock_path.display()))
        }
    }
}

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
use crate::runtime::cluster::{self, Cluster, ClusterTasks};
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
    /// This node of a PostgreSQL cluster (see `join_cluster`), and its background work.
    cluster: Option<Arc<Cluster>>,
    cluster_tasks: Option<ClusterTasks>,
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
        // A transaction left open by this process when it is stopped mid-way ends after the
        // lease's TTL: by then the other nodes may take its campaigns, and its locks would bar
        // them.
        let db = store::connect_serving(&settings.database, settings.runtime.lease_ttl())
            .await
            .context("could not connect to the database")?;
        store::migrate(&db)
            .await
            .context("could not apply database migrations")?;
        let cluster = join_cluster(&db, &settings).await?;
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
        let runtime = Runtime::start(RuntimeContext::clustered(
            db.clone(),
            provider.clone(),
            settings.clone(),
            cluster.clone(),
        ))
        .await?;
        let cluster_tasks = cluster::spawn(runtime.clone());
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
            cluster,
            cluster_tasks,
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

    /// This node of the PostgreSQL cluster (`None` on SQLite).
    pub fn cluster(&self) -> Option<Arc<Cluster>> {
        self.cluster.clone()
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
        let result = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(http::app(self.state.clone()), signal, Some(grace))
            .await;
        // HTTP first, then the sweep timer, then the actors; calls in flight stay recorded and
        // are adopted at the next start.
        drop(self.sweep_timer.take());
        drop(self.cluster_tasks.take());
        self.state.runtime.shutdown().await;
        // Handed back once nothing runs here any more, so other nodes take them at once.
        if let Some(cluster) = self.cluster.take() {
            cluster.leave(&self.state.db).await;
            cluster::send(&self.state.db, &cluster::Message::Wake).await;
        }
        self.state.db.clone().close().await.ok();
        tracing::info!("autolynx stopped");
        result
    }
}

/// PostgreSQL: this process is a node of the database's cluster. It registers itself (the
/// first heartbeat) and sizes the account's slot table; its rounds then take a fair share of
/// the campaigns (see `runtime::cluster`). `None` on SQLite, where the file lock keeps other
/// processes out.
async fn join_cluster(
    db: &DatabaseConnection,
    settings: &Settings,
) -> anyhow::Result<Option<Arc<Cluster>>> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(None);
    }
    let cluster = Arc::new(Cluster::new(
        uuid::Uuid::now_v7(),
        cluster::holder_name(),
        settings.runtime.lease_ttl(),
        settings.runtime.lease_renew(),
        // Without the provider's key it serves the API and stores webhooks, but takes no
        // campaign (the others do not count it in their shares).
        settings.vapi.api_key.is_some(),
    ));
    store::cluster::size_slots(db, settings.provider.max_concurrent_calls)
        .await
        .context("could not size the account's slot table")?;
    cluster
        .heartbeat(db)
        .await
        .context("could not join the cluster (the nodes table)")?;
    let others = cluster.live_count() - 1;
    if settings.vapi.api_key.is_some() {
        tracing::info!(
            node = %cluster.node(),
            others,
            "joined the cluster: this node runs its fair share of the campaigns"
        );
    } else {
        tracing::warn!(
            node = %cluster.node(),
            others,
            "joined the cluster without VAPI_API_KEY: this node serves the API and stores \
             webhooks but runs no campaign"
        );
    }
    Ok(Some(cluster))
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

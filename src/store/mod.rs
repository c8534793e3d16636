//! Persistence: SeaORM entities and every query the service runs. Query functions take
//! `&impl ConnectionTrait` so callers can wrap several in one transaction.

pub mod assistants;
pub mod audit;
pub mod backup;
pub mod calls;
pub mod campaigns;
pub mod cluster;
pub mod entities;
pub mod events;
pub mod ops;
pub mod retention;
pub mod sessions;
pub mod suppression;
pub mod users;
pub mod writer;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use secrecy::ExposeSecret;

use crate::config::DatabaseSettings;

/// Opens the connection pool. SQLite gets WAL and a busy timeout so the API and the runtime can
/// write concurrently.
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, DbErr> {
    Database::connect(options(settings)).await
}

/// The pool of a serving process. On PostgreSQL its sessions carry
/// `idle_in_transaction_session_timeout`: a transaction left open by a process stopped between
/// two statements (SIGSTOP, a frozen VM, a debugger) is ended by the server after that long,
/// releasing its row locks — the campaign lease it locked for a fenced write, the account
/// slots of a claim — which would otherwise keep the other nodes from taking its campaigns
/// over for as long as it stays stopped. No transaction of the runtime waits on anything but
/// the database between its statements; the one that waits on a client (a CSV upload) turns
/// the timeout off for itself.
pub async fn connect_serving(
    settings: &DatabaseSettings,
    idle_in_transaction: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = options(settings);
    let idle = format!("{}ms", idle_in_transaction.as_millis().max(1));
    options.map_sqlx_postgres_opts(move |opts| {
        opts.options([("idle_in_transaction_session_timeout", idle.as_str())])
    });
    Database::connect(options).await
}

fn options(settings: &DatabaseSettings) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.url.expose_secret().to_owned());
    options
        .max_connections(settings.max_connections)
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            // FULL: a commit survives a power loss (the dial marker must).
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Reads through a memory map instead of read(2) calls: a commit by the writer
                // invalidates the other connections' page caches, and re-reading the pages
                // through system calls was a tenth of the CPU of a busy campaign.
                .pragma("mmap_size", "268435456")
        });
    options
}

/// Whether a database error may heal by itself (the server restarting, connections cut or
/// refused, the pool exhausted, a lock or a serialization conflict): worth retrying later, never
/// a reason to fail a campaign or a call. Constraint violations, bad data and our own logical
/// errors are not.
pub fn is_transient(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => match e.as_ref() {
            Sqlx::Io(_)
            | Sqlx::Tls(_)
            | Sqlx::Protocol(_)
            | Sqlx::PoolTimedOut
            | Sqlx::PoolClosed
            | Sqlx::WorkerCrashed
            | Sqlx::BeginFailed => true,
            Sqlx::Database(db) => db.code().is_some_and(|code| {
                // PostgreSQL: connection exceptions (08…), the server shutting down or not
                // accepting connections yet (57P…), too many connections, serialization
                // failures, deadlocks and a transaction the server ended because it idled
                // (the process was stopped in the middle of it). SQLite: BUSY and LOCKED (and
                // their extended codes).
                code.starts_with("08")
                    || code.starts_with("57P")
                    || matches!(code.as_ref(), "53300" | "40001" | "40P01" | "25P03")
                    || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            }),
            _ => false,
        },
        // A write refused by a campaign lease's fence: the lease lapsed (a slow database, a
        // pause) or another node took it; either way this node's supervisor of that campaign
        // is stopped by the next cluster round, and the campaign is never failed for it.
        DbErr::Custom(message) => message == cluster::FENCED,
        _ => false,
    }
}

/// Whether a write was refused because this node no longer holds the campaign's lease.
pub fn is_fenced(err: &DbErr) -> bool {
    matches!(err, DbErr::Custom(message) if message == cluster::FENCED)
}

/// Whether an actor's failure came from a database error that may heal by itself.
pub fn failure_may_heal(err: &(dyn std::error::Error + 'static)) -> bool {
    err.downcast_ref::<DbErr>().is_some_and(is_transient)
}

/// Applies every pending migration; refuses a database migrated by a newer version.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let unknown = unknown_migrations(db).await?;
    if !unknown.is_empty() {
        return Err(DbErr::Custom(newer_schema_message(&unknown)));
    }
    Migrator::up(db, None).await
}

/// Migrations applied to the database that this binary does not know: a newer autolynx
/// migrated it, and this one must not run on it (it could not read or roll back its schema).
pub async fn unknown_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    if !migration::SchemaManager::new(db)
        .has_table("seaql_migrations")
        .await?
    {
        return Ok(Vec::new());
    }
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(backup::applied_migrations(db)
        .await?
        .into_iter()
        .filter(|m| !known.contains(m))
        .collect())
}

/// What to tell someone whose database has migrations this binary does not know.
pub fn newer_schema_message(unknown: &[String]) -> String {
    format!(
        "the database was migrated by a newer autolynx: it has {} migration(s) this binary does \
         not know ({}). Run that newer version, or roll the database back with it first \
         (`autolynx migrate down --steps {}` using the newer binary)",
        unknown.len(),
        unknown.join(", "),
        unknown.len()
    )
}

/// One page of a listing, with what a client needs to fetch the others.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub limit: u64,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, page: u64, limit: u64, total: u64) -> Self {
        Self {
            items,
            page,
            limit,
            total,
        }
    }

    pub fn total_pages(&self) -> u64 {
        self.total.div_ceil(self.limit.max(1))
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            limit: self.limit,
            total: self.total,
        }
    }
}

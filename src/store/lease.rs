//! The runtime lease of a PostgreSQL database: which process (node) runs its campaigns. Every
//! time is the database's `now()`, never a node's clock. A node takes the lease when it is free
//! or expired, raising its epoch; it renews it about every second; it hands it back when it
//! shuts down. The epoch fences the holder's dial path: a claim or a dial marker is written
//! only in a transaction that finds the lease still held by that node at that epoch (and locks
//! the row `FOR SHARE`, so no takeover commits in between).
//!
//! SQLite needs none of it: one process serves a SQLite file (see `startup::lock_sqlite`).

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// The one lease there is today: the whole runtime.
pub const RUNTIME: &str = "runtime";

/// What a fenced write answers when its node no longer holds the lease at its epoch.
pub const FENCED: &str = "fenced: this process no longer holds the runtime lease";

/// Who holds the lease, as the database sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub node_id: Uuid,
    pub epoch: i64,
    /// Where it runs (`host pid N`), for the operator.
    pub holder: String,
    /// Milliseconds until it expires (negative: expired).
    pub expires_in_ms: i64,
}

fn statement(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Takes the lease for `node` if nobody holds it or its holder let it expire; answers the new
/// epoch, or `None` while another node holds it.
pub async fn acquire(
    db: &impl ConnectionTrait,
    node: Uuid,
    holder: &str,
    ttl: Duration,
) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(statement(
            "INSERT INTO runtime_leases (name, node_id, epoch, holder, acquired_at, expires_at) \
             VALUES ($1, $2, 1, $3, now(), now() + $4 * interval '1 millisecond') \
             ON CONFLICT (name) DO UPDATE SET node_id = EXCLUDED.node_id, \
               epoch = runtime_leases.epoch + 1, holder = EXCLUDED.holder, \
               acquired_at = now(), expires_at = EXCLUDED.expires_at \
             WHERE runtime_leases.expires_at <= now() \
             RETURNING epoch",
            vec![
                RUNTIME.into(),
                node.into(),
                holder.into(),
                millis(ttl).into(),
            ],
        ))
        .await?;
    row.map(|r| r.try_get::<i64>("", "epoch")).transpose()
}

/// Extends the lease by `ttl` from now, if `node` still holds it at `epoch` and it has not
/// expired; `false` otherwise (it lapsed or was taken).
pub async fn renew(
    db: &impl ConnectionTrait,
    node: Uuid,
    epoch: i64,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(statement(
            "UPDATE runtime_leases SET expires_at = now() + $4 * interval '1 millisecond' \
             WHERE name = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now()",
            vec![
                RUNTIME.into(),
                node.into(),
                epoch.into(),
                millis(ttl).into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Hands the lease back (it expires now), so a waiting node takes it at once; `false` when it
/// was not this node's any more.
pub async fn release(db: &impl ConnectionTrait, node: Uuid, epoch: i64) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(statement(
            "UPDATE runtime_leases SET expires_at = now() \
             WHERE name = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now()",
            vec![RUNTIME.into(), node.into(), epoch.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The lease's holder, if the lease was ever taken.
pub async fn holder(db: &impl ConnectionTrait) -> Result<Option<Holder>, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT node_id, epoch, holder, \
               (EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::bigint AS expires_in_ms \
             FROM runtime_leases WHERE name = $1",
            vec![RUNTIME.into()],
        ))
        .await?;
    row.map(|r| {
        Ok(Holder {
            node_id: r.try_get("", "node_id")?,
            epoch: r.try_get("", "epoch")?,
            holder: r.try_get("", "holder")?,
            expires_in_ms: r.try_get("", "expires_in_ms")?,
        })
    })
    .transpose()
}

/// The fence of a holder's write: passes only while `node` holds the lease at `epoch`, and
/// keeps the lease row locked (`FOR SHARE`) until the caller's transaction ends, so a takeover
/// cannot commit between this check and the write it guards.
pub async fn check(db: &impl ConnectionTrait, node: Uuid, epoch: i64) -> Result<(), DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT epoch FROM runtime_leases \
             WHERE name = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now() \
             FOR SHARE",
            vec![RUNTIME.into(), node.into(), epoch.into()],
        ))
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(DbErr::Custom(FENCED.into())),
    }
}

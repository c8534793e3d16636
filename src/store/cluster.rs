//! The cluster's state in PostgreSQL: live nodes, campaign leases and the account's call slots.
//! Every time is the database's `now()`, never a node's clock.
//!
//! - A node registers itself and renews a heartbeat; the live ones share the running campaigns.
//! - A campaign is run by the node holding its lease. A node takes a lease that is free or
//!   expired, raising its epoch; renews each of its leases about every second;
//!   hands them back when it shuts down. The epoch fences the owner's writes: a claim, a dial
//!   marker or a status change is written only in a transaction that finds the lease still held
//!   by that node at that epoch (and locks the row `FOR KEY SHARE`, so no takeover commits in
//!   between).
//! - The provider account's concurrency limit is a table of slots: a claim takes one per call in
//!   its own transaction, and the transaction that stores the call's end frees it, whichever node
//!   learned of the end. A dead node's calls keep their slots until they are known to have ended.
//!
//! SQLite needs none of it: one process serves a SQLite file (see `startup::lock_sqlite`).

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// What a fenced write answers when its node no longer holds the campaign's lease at its epoch.
pub const FENCED: &str = "fenced: this process no longer holds the campaign's lease";

fn statement(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A live node, as the database sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub node_id: Uuid,
    /// Where it runs (`host pid N`), for the operator.
    pub holder: String,
    /// Campaigns it runs, as of its last heartbeat.
    pub campaigns: i32,
    /// It found no free account slot for a call it wanted to place, at its last heartbeat.
    pub wants_slots: bool,
    /// It can place calls (it has the provider's key): only such nodes take campaigns.
    pub dials: bool,
}

/// Registers `node` (or renews its heartbeat), saying how many campaigns it runs, whether it
/// waits for account slots and whether it can dial at all.
pub async fn heartbeat(
    db: &impl ConnectionTrait,
    node: Uuid,
    holder: &str,
    ttl: Duration,
    campaigns: usize,
    wants_slots: bool,
    dials: bool,
) -> Result<(), DbErr> {
    db.execute_raw(statement(
        "INSERT INTO cluster_nodes \
           (node_id, holder, started_at, expires_at, campaigns, wants_slots, dials) \
         VALUES ($1, $2, now(), now() + $3 * interval '1 millisecond', $4, $5, $6) \
         ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, \
           campaigns = EXCLUDED.campaigns, wants_slots = EXCLUDED.wants_slots, \
           dials = EXCLUDED.dials",
        vec![
            node.into(),
            holder.into(),
            millis(ttl).into(),
            i32::try_from(campaigns).unwrap_or(i32::MAX).into(),
            wants_slots.into(),
            dials.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The nodes whose heartbeat has not expired, oldest first. Rows of nodes dead for a minute
/// are removed on the way.
pub async fn live_nodes(db: &impl ConnectionTrait) -> Result<Vec<Node>, DbErr> {
    db.execute_raw(statement(
        "DELETE FROM cluster_nodes WHERE expires_at < now() - interval '60 seconds'",
        vec![],
    ))
    .await?;
    let rows = db
        .query_all_raw(statement(
            "SELECT node_id, holder, campaigns, wants_slots, dials FROM cluster_nodes \
             WHERE expires_at > now() ORDER BY started_at, node_id",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Node {
                node_id: r.try_get("", "node_id")?,
                holder: r.try_get("", "holder")?,
                campaigns: r.try_get("", "campaigns")?,
                wants_slots: r.try_get("", "wants_slots")?,
                dials: r.try_get("", "dials")?,
            })
        })
        .collect()
}

/// A node leaving: its campaign leases are handed back (they expire now, so another node takes
/// them at once) and it is no longer counted among the live nodes.
pub async fn leave(db: &impl ConnectionTrait, node: Uuid) -> Result<u64, DbErr> {
    let handed = db
        .execute_raw(statement(
            "UPDATE campaign_leases SET expires_at = now() \
             WHERE node_id = $1 AND expires_at > now()",
            vec![node.into()],
        ))
        .await?
        .rows_affected();
    db.execute_raw(statement(
        "DELETE FROM cluster_nodes WHERE node_id = $1",
        vec![node.into()],
    ))
    .await?;
    Ok(handed)
}

/// Takes the campaign's lease for `node` if nobody holds it or its holder let it expire;
/// answers the new epoch, or `None` while another node holds it. Never waits for a lock: an
/// expired lease still locked by its former holder's open transaction (a fenced write of a
/// process stopped mid-way) is left for a later round — PostgreSQL ends that transaction after
/// the node's `idle_in_transaction_session_timeout` — instead of stalling the caller, whose
/// own leases would lapse meanwhile.
pub async fn acquire(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    node: Uuid,
    ttl: Duration,
) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(statement(
            "WITH expired AS ( \
               SELECT campaign_id FROM campaign_leases \
               WHERE campaign_id = $1 AND expires_at <= now() FOR UPDATE SKIP LOCKED \
             ), taken AS ( \
               UPDATE campaign_leases AS l SET node_id = $2, epoch = l.epoch + 1, \
                 acquired_at = now(), expires_at = now() + $3 * interval '1 millisecond' \
               FROM expired WHERE l.campaign_id = expired.campaign_id RETURNING l.epoch \
             ), fresh AS ( \
               INSERT INTO campaign_leases (campaign_id, node_id, epoch, acquired_at, expires_at) \
               SELECT $1, $2, 1, now(), now() + $3 * interval '1 millisecond' \
               WHERE NOT EXISTS (SELECT 1 FROM campaign_leases WHERE campaign_id = $1) \
               ON CONFLICT (campaign_id) DO NOTHING RETURNING epoch \
             ) \
             SELECT epoch FROM taken UNION ALL SELECT epoch FROM fresh",
            vec![campaign.into(), node.into(), millis(ttl).into()],
        ))
        .await?;
    row.map(|r| r.try_get::<i64>("", "epoch")).transpose()
}

/// Extends the campaign's lease by `ttl` from now, if `node` still holds it at `epoch` and it
/// has not expired; `false` otherwise (it lapsed or was taken). One lease per statement: a
/// statement renewing several would hold some while waiting for another that a fenced write
/// keeps locked, and that write could be waiting for one of those (a deadlock).
pub async fn renew(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    node: Uuid,
    epoch: i64,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(statement(
            "UPDATE campaign_leases SET expires_at = now() + $4 * interval '1 millisecond' \
             WHERE campaign_id = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now()",
            vec![
                campaign.into(),
                node.into(),
                epoch.into(),
                millis(ttl).into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Hands one lease back (it expires now); `false` when it was not this node's any more.
pub async fn release(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    node: Uuid,
    epoch: i64,
) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(statement(
            "UPDATE campaign_leases SET expires_at = now() \
             WHERE campaign_id = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now()",
            vec![campaign.into(), node.into(), epoch.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Who holds a campaign's lease now (an unexpired one), with its epoch.
pub async fn owner(
    db: &impl ConnectionTrait,
    campaign: Uuid,
) -> Result<Option<(Uuid, i64)>, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT node_id, epoch FROM campaign_leases \
             WHERE campaign_id = $1 AND expires_at > now()",
            vec![campaign.into()],
        ))
        .await?;
    row.map(|r| Ok((r.try_get("", "node_id")?, r.try_get("", "epoch")?)))
        .transpose()
}

/// The campaigns whose lease is held (unexpired) by some node.
pub async fn owned_campaigns(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
    let rows = db
        .query_all_raw(statement(
            "SELECT campaign_id FROM campaign_leases WHERE expires_at > now()",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get("", "campaign_id"))
        .collect()
}

/// The fence of an owner's write: passes only while `node` holds the campaign's lease at
/// `epoch`, and keeps the lease row locked until the caller's transaction ends, so a takeover
/// (which locks the row `FOR UPDATE`) cannot commit between this check and the write it
/// guards. `FOR KEY SHARE`, not `FOR SHARE`: renewals and hand-backs change no key column, so
/// they never wait for a fenced write (one waiting behind another node's lock would stall the
/// renewal of every lease of its node).
pub async fn check(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    node: Uuid,
    epoch: i64,
) -> Result<(), DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT epoch FROM campaign_leases \
             WHERE campaign_id = $1 AND node_id = $2 AND epoch = $3 AND expires_at > now() \
             FOR KEY SHARE",
            vec![campaign.into(), node.into(), epoch.into()],
        ))
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(DbErr::Custom(FENCED.into())),
    }
}

/// Makes the account's slot table hold exactly `max` slots (free ones above it are removed; a
/// taken one is removed once its call ends and the table is sized again).
pub async fn size_slots(db: &impl ConnectionTrait, max: u32) -> Result<(), DbErr> {
    db.execute_raw(statement(
        "INSERT INTO account_slots (slot) SELECT generate_series(0, $1 - 1) \
         ON CONFLICT (slot) DO NOTHING",
        vec![i32::try_from(max).unwrap_or(i32::MAX).into()],
    ))
    .await?;
    db.execute_raw(statement(
        "DELETE FROM account_slots WHERE slot >= $1 AND call_id IS NULL",
        vec![i32::try_from(max).unwrap_or(i32::MAX).into()],
    ))
    .await?;
    Ok(())
}

/// Locks up to `want` free account slots for the caller's transaction (others skip them), and
/// at most `room` more than `node` already holds when `room` is given (its fair share while
/// other nodes wait). Answers the slots; the caller assigns them with [`assign_slots`] before
/// it commits, or they stay free.
pub async fn lock_free_slots(txn: &impl ConnectionTrait, want: usize) -> Result<Vec<i32>, DbErr> {
    if want == 0 {
        return Ok(Vec::new());
    }
    let rows = txn
        .query_all_raw(statement(
            "SELECT slot FROM account_slots WHERE call_id IS NULL ORDER BY slot LIMIT $1 \
             FOR UPDATE SKIP LOCKED",
            vec![i64::try_from(want).unwrap_or(i64::MAX).into()],
        ))
        .await?;
    rows.into_iter().map(|r| r.try_get("", "slot")).collect()
}

/// How many account slots `node`'s calls hold.
pub async fn slots_held(db: &impl ConnectionTrait, node: Uuid) -> Result<usize, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT count(*) AS n FROM account_slots WHERE node_id = $1",
            vec![node.into()],
        ))
        .await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(usize::try_from(n).unwrap_or(0))
}

/// How many account slots are taken, across the cluster.
pub async fn slots_taken(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT count(*) AS n FROM account_slots WHERE call_id IS NOT NULL",
            vec![],
        ))
        .await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Gives locked slots to calls (pairwise) on behalf of `node`.
pub async fn assign_slots(
    txn: &impl ConnectionTrait,
    node: Uuid,
    pairs: &[(i32, Uuid)],
) -> Result<(), DbErr> {
    if pairs.is_empty() {
        return Ok(());
    }
    let slots: Vec<i32> = pairs.iter().map(|(s, _)| *s).collect();
    let calls: Vec<Uuid> = pairs.iter().map(|(_, c)| *c).collect();
    txn.execute_raw(statement(
        "UPDATE account_slots AS s SET call_id = v.call_id, node_id = $3, taken_at = now() \
         FROM unnest($1::int[], $2::uuid[]) AS v(slot, call_id) WHERE s.slot = v.slot",
        vec![slots.into(), calls.into(), node.into()],
    ))
    .await?;
    Ok(())
}

/// The call ended: its account slot is free for any node.
pub async fn free_slot(db: &impl ConnectionTrait, call: Uuid) -> Result<(), DbErr> {
    db.execute_raw(statement(
        "UPDATE account_slots SET call_id = NULL, node_id = NULL, taken_at = NULL \
         WHERE call_id = $1",
        vec![call.into()],
    ))
    .await?;
    Ok(())
}

/// Slots whose call is no longer live (it ended on a path that did not free it, or its claim
/// was given back) are freed; the slots of live calls stay taken, a dead node's included.
/// Only slots taken a while ago are looked at (one freed and taken again by a claim committed
/// while this runs is not), and locked ones are skipped, not waited for: a later round frees
/// them.
pub async fn reclaim_slots(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let result = db
        .execute_raw(statement(
            "UPDATE account_slots SET call_id = NULL, node_id = NULL, taken_at = NULL \
             WHERE slot IN (SELECT s.slot FROM account_slots AS s \
               WHERE s.call_id IS NOT NULL AND s.taken_at < now() - interval '10 seconds' \
                 AND NOT EXISTS (SELECT 1 FROM calls AS c WHERE c.id = s.call_id \
                   AND c.status IN ('QUEUED', 'RINGING', 'IN_PROGRESS')) \
               FOR UPDATE SKIP LOCKED)",
            vec![],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// Free slots at or above `max` are removed: a limit lowered while some of them were taken
/// (the table is sized when a node joins) holds once their calls have ended. Locked ones are
/// skipped, not waited for.
pub async fn trim_slots(db: &impl ConnectionTrait, max: u32) -> Result<u64, DbErr> {
    let result = db
        .execute_raw(statement(
            "DELETE FROM account_slots WHERE slot IN (SELECT slot FROM account_slots \
               WHERE slot >= $1 AND call_id IS NULL FOR UPDATE SKIP LOCKED)",
            vec![i32::try_from(max).unwrap_or(i32::MAX).into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// The live calls of a campaign that was taken over hold their slots on behalf of their new
/// owner (for the fair shares; a slot is freed by its call whichever node holds it). Slots
/// locked by an open transaction are skipped, not waited for.
pub async fn adopt_slots(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    node: Uuid,
) -> Result<(), DbErr> {
    db.execute_raw(statement(
        "UPDATE account_slots SET node_id = $2 \
         WHERE slot IN (SELECT slot FROM account_slots \
           WHERE call_id IN (SELECT id FROM calls WHERE campaign_id = $1) \
           FOR UPDATE SKIP LOCKED)",
        vec![campaign.into(), node.into()],
    ))
    .await?;
    Ok(())
}

/// Tells the other nodes something (delivered when the caller's transaction commits, or at
/// once outside one). `payload` is short: ids, not documents.
pub async fn notify(db: &impl ConnectionTrait, payload: &str) -> Result<(), DbErr> {
    db.execute_raw(statement(
        "SELECT pg_notify($1, $2)",
        vec![CHANNEL.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// [`notify`] for several payloads, in one statement.
pub async fn notify_many(db: &impl ConnectionTrait, payloads: &[String]) -> Result<(), DbErr> {
    if payloads.is_empty() {
        return Ok(());
    }
    let calls: Vec<String> = (0..payloads.len())
        .map(|i| format!("pg_notify($1, ${})", i + 2))
        .collect();
    let mut values: Vec<sea_orm::Value> = vec![CHANNEL.into()];
    values.extend(payloads.iter().map(|p| p.as_str().into()));
    db.execute_raw(statement(&format!("SELECT {}", calls.join(", ")), values))
        .await?;
    Ok(())
}

/// The `LISTEN/NOTIFY` channel the nodes talk on.
pub const CHANNEL: &str = "autolynx_cluster";

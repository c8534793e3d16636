//! Calls and the contact states that go with them: claiming a contact (the dial intent is
//! written before the provider is called), recording the provider's id, and the one transition
//! function every source of news (webhooks, polling, the runtime's own decisions) goes
//! through. Status changes are conditional on the status read, so concurrent writers can never
//! move a call backwards.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, IntoActiveModel, NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

pub use crate::domain::call::CallUpdate;
use crate::domain::call::{CallFacts, EndRequest, Repair, plan as domain_plan, repair};
use crate::domain::campaign::{CallStatus, ContactStatus};
use crate::domain::ended_reason::{EndedReasonClass, classify};
use crate::domain::redial::{REDIALABLE, RedialPolicy};
use crate::store::entities::{call, campaign, contact};
use crate::store::events::{self, NewEvent};

/// The effect of [`apply`].
#[derive(Debug, Clone)]
pub struct Applied {
    pub call: call::Model,
    pub previous: CallStatus,
    /// The status moved (forward).
    pub status_changed: bool,
    /// This update made the call terminal.
    pub became_terminal: bool,
    /// The contact went back to PENDING (the provider's concurrency limit blocked the call, or
    /// it was never sent; no attempt was used).
    pub contact_requeued: bool,
    /// Campaigns whose waiting contacts an opt-out heard on this call settled (their
    /// supervisors should look again: one may have nothing left to do).
    pub opted_out_in: Vec<Uuid>,
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<call::Model>, DbErr> {
    call::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_provider_id(
    db: &impl ConnectionTrait,
    provider_call_id: &str,
) -> Result<Option<call::Model>, DbErr> {
    call::Entity::find()
        .filter(call::Column::ProviderCallId.eq(provider_call_id))
        .one(db)
        .await
}

/// The contact a call was placed for.
pub async fn contact_of(
    db: &impl ConnectionTrait,
    call: &call::Model,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find_by_id(call.contact_id).one(db).await
}

/// Calls of a campaign that hold a slot (QUEUED, RINGING, IN_PROGRESS), oldest first.
pub async fn live_calls(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<Vec<call::Model>, DbErr> {
    call::Entity::find()
        .filter(call::Column::CampaignId.eq(campaign_id))
        .filter(call::Column::Status.is_in(CallStatus::LIVE.map(CallStatus::as_str)))
        .order_by_asc(call::Column::DialIntentAt)
        .all(db)
        .await
}

/// A campaign's spend against its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// Reported costs, plus the estimate for each call whose cost is not known yet that may
    /// cost something: live (a claimed dial included), or placed and ended with its report
    /// still to come — or lost, when it keeps counting at the estimate, erring towards
    /// spending less.
    pub committed: f64,
    /// Calls whose cost may still come in: live, or ended less than `REPORT_WAIT` ago
    /// without their report.
    pub awaiting: u64,
}

/// How long after a call ended its cost is still expected (Vapi sends the end-of-call report
/// seconds after the call ends).
pub const REPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// What a campaign has spent or committed, with `per_call` as the estimate of a call whose
/// cost is not reported yet.
pub async fn spend(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    per_call: f64,
) -> Result<Spend, DbErr> {
    use sea_orm::QuerySelect;
    /// Cost, provider id, status, end.
    type CostRow = (
        Option<f64>,
        Option<String>,
        CallStatus,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<CostRow> = call::Entity::find()
        .select_only()
        .column(call::Column::Cost)
        .column(call::Column::ProviderCallId)
        .column(call::Column::Status)
        .column(call::Column::EndedAt)
        .filter(call::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .all(db)
        .await?;
    let recent = Utc::now()
        - chrono::Duration::from_std(REPORT_WAIT).unwrap_or_else(|_| chrono::Duration::zero());
    let mut spend = Spend {
        committed: 0.0,
        awaiting: 0,
    };
    for (cost, provider_id, status, ended_at) in rows {
        match cost {
            Some(cost) => spend.committed += cost,
            None if !status.is_terminal() => {
                spend.committed += per_call;
                spend.awaiting += 1;
            }
            None if provider_id.is_some() => {
                spend.committed += per_call;
                if ended_at.is_none_or(|at| at > recent) {
                    spend.awaiting += 1;
                }
            }
            None => {}
        }
    }
    Ok(spend)
}

/// Every live call of every campaign (the sweep).
pub async fn all_live_calls(db: &impl ConnectionTrait) -> Result<Vec<call::Model>, DbErr> {
    call::Entity::find()
        .filter(call::Column::Status.is_in(CallStatus::LIVE.map(CallStatus::as_str)))
        .order_by_asc(call::Column::DialIntentAt)
        .all(db)
        .await
}

/// Which PENDING contacts may be dialed now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligible {
    /// Only contacts in these time zones (`None` = no zone of its own); `None`: any.
    pub zones: Option<Vec<Option<String>>>,
    /// Only contacts of this batch.
    pub batch: Option<i32>,
}

/// The next contact to dial among the eligible: PENDING, in batch order then CSV order.
pub async fn next_pending(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    eligible: &Eligible,
) -> Result<Option<contact::Model>, DbErr> {
    Ok(next_pending_many(db, campaign_id, eligible, 1)
        .await?
        .into_iter()
        .next())
}

/// Up to `limit` contacts to dial among the eligible, in the order [`next_pending`] gives:
/// one query for every free slot of a fill.
pub async fn next_pending_many(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    eligible: &Eligible,
    limit: u64,
) -> Result<Vec<contact::Model>, DbErr> {
    use sea_orm::QuerySelect;
    let mut query = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        // A redial waits for its delay.
        .filter(
            sea_orm::Condition::any()
                .add(contact::Column::NextAttemptAt.is_null())
                .add(contact::Column::NextAttemptAt.lte(Utc::now())),
        );
    if let Some(zones) = &eligible.zones {
        let named: Vec<&str> = zones.iter().filter_map(|z| z.as_deref()).collect();
        let mut condition = sea_orm::Condition::any().add(contact::Column::Timezone.is_in(named));
        if zones.contains(&None) {
            condition = condition.add(contact::Column::Timezone.is_null());
        }
        query = query.filter(condition);
    }
    if let Some(batch) = eligible.batch {
        query = query.filter(contact::Column::BatchIndex.eq(batch));
    }
    query
        .order_by_asc(contact::Column::BatchIndex)
        .order_by_asc(contact::Column::RowNumber)
        .limit(limit)
        .all(db)
        .await
}

/// The distinct time zones of a campaign's contacts not settled yet, PENDING or DIALING
/// (`None`: no zone of its own).
pub async fn unsettled_timezones(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<Vec<Option<String>>, DbErr> {
    use sea_orm::QuerySelect;
    contact::Entity::find()
        .select_only()
        .column(contact::Column::Timezone)
        .distinct()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.is_in([
            ContactStatus::Pending.as_str(),
            ContactStatus::Dialing.as_str(),
        ]))
        .into_tuple::<Option<String>>()
        .all(db)
        .await
}

/// Contacts of a campaign not settled yet (PENDING or DIALING).
pub async fn unsettled_contacts(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<u64, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.is_in([
            ContactStatus::Pending.as_str(),
            ContactStatus::Dialing.as_str(),
        ]))
        .count(db)
        .await
}

/// Marks a PENDING contact DONE without a call (e.g. it joined the do-not-call list after the
/// import). `false` when it was not PENDING any more.
pub async fn settle_without_call(
    db: &impl ConnectionTrait,
    contact_id: Uuid,
    outcome: &str,
) -> Result<bool, DbErr> {
    let result = contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Done.as_str()),
        )
        .col_expr(contact::Column::Outcome, Expr::value(outcome))
        .col_expr(contact::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(contact::Column::Id.eq(contact_id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Claims a PENDING contact and writes the dial intent (a QUEUED call without provider id) in
/// one transaction. `None` when the contact was no longer PENDING.
pub async fn claim<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    contact: &contact::Model,
) -> Result<Option<call::Model>, DbErr> {
    Ok(claim_many(db, std::slice::from_ref(contact))
        .await?
        .into_iter()
        .next())
}

/// Claims the contacts still PENDING among `contacts` and writes their dial intents (QUEUED
/// calls without provider id), all in one transaction of two statements: the calls of the
/// contacts claimed, in no particular order (a contact no longer PENDING has none).
pub async fn claim_many<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    contacts: &[contact::Model],
) -> Result<Vec<call::Model>, DbErr> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    // The transaction starts with a write, so SQLite takes its write lock up front.
    let txn = db.begin().await?;
    let calls = claim_many_in(&txn, contacts).await?;
    txn.commit().await?;
    Ok(calls)
}

/// [`claim_many`] inside the caller's transaction (the writer's batch): two statements, and
/// nothing written when no contact is still PENDING.
pub async fn claim_many_in(
    txn: &impl ConnectionTrait,
    contacts: &[contact::Model],
) -> Result<Vec<call::Model>, DbErr> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let claimed = contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Dialing.as_str()),
        )
        .col_expr(
            contact::Column::Attempts,
            Expr::col(contact::Column::Attempts).add(1),
        )
        .col_expr(contact::Column::UpdatedAt, Expr::value(now))
        .filter(contact::Column::Id.is_in(contacts.iter().map(|c| c.id)))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .exec_with_returning(txn)
        .await?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let intents = claimed.iter().map(|contact| call::ActiveModel {
        id: Set(Uuid::now_v7()),
        campaign_id: Set(contact.campaign_id),
        contact_id: Set(contact.id),
        // Already counted by the claim.
        attempt: Set(contact.attempts),
        provider_call_id: Set(None),
        status: Set(CallStatus::Queued),
        outcome: Set(None),
        ended_reason: Set(None),
        error_message: Set(None),
        control_url: Set(None),
        cost: Set(None),
        duration_seconds: Set(None),
        recording_url: Set(None),
        transcript_json: Set(None),
        summary: Set(None),
        success_evaluation: Set(None),
        successful: Set(None),
        end_requested: Set(None),
        dial_intent_at: Set(now),
        dial_sent_at: Set(None),
        provider_created_at: Set(None),
        started_at: Set(None),
        ended_at: Set(None),
        last_event_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    call::Entity::insert_many(intents)
        .exec_with_returning(txn)
        .await
}

/// Records that `POST /call` is about to be sent for this call, and when: every send moves the
/// marker, so every wait of an unresolved dial is measured from the last send. Until the first
/// marker, a restart knows the dial never left and may place it; after it, only the provider
/// can tell. Answers the time by this process's clock (its own waits use it). On PostgreSQL the
/// stored marker is the database's time: another node may judge it after a takeover, and the
/// nodes' clocks differ (see [`marker_on_local_clock`]).
pub async fn mark_dial_sent(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> Result<DateTime<Utc>, DbErr> {
    let now = Utc::now();
    let stored = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        Expr::cust("clock_timestamp()")
    } else {
        Expr::value(now)
    };
    call::Entity::update_many()
        .col_expr(call::Column::DialSentAt, stored)
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::ProviderCallId.is_null())
        .exec(db)
        .await?;
    Ok(now)
}

/// A stored dial marker as a time on this process's clock, `local_now` being that clock's
/// reading now. On PostgreSQL markers are the database's time, so what has elapsed since is
/// measured on the database's clock, whatever the clocks of the node that wrote the marker and
/// of this one (a taker whose clock ran ahead would otherwise look a dial up too early and
/// could place it again). SQLite: one process wrote it, with this clock.
pub async fn marker_on_local_clock(
    db: &impl ConnectionTrait,
    marker: DateTime<Utc>,
    local_now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(marker);
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT clock_timestamp() AS now",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the database's clock".into()))?;
    let db_now: DateTime<Utc> = row.try_get("", "now")?;
    let elapsed = (db_now - marker).max(chrono::TimeDelta::zero());
    Ok(local_now - elapsed)
}

/// The calls of these ids (those that exist).
pub async fn get_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<call::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    call::Entity::find()
        .filter(call::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Those of `ids` whose call is no longer live (it ended, or is gone).
pub async fn ended_among(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let live: Vec<Uuid> = call::Entity::find()
        .select_only()
        .column(call::Column::Id)
        .filter(call::Column::Id.is_in(ids.iter().copied()))
        .filter(call::Column::Status.is_in(CallStatus::LIVE.map(CallStatus::as_str)))
        .into_tuple()
        .all(db)
        .await?;
    let live: std::collections::HashSet<Uuid> = live.into_iter().collect();
    Ok(ids
        .iter()
        .filter(|id| !live.contains(id))
        .copied()
        .collect())
}

/// Marks every live call of a campaign as being hung up (a stop with `hangup`), so whoever
/// follows them — now or after a restart — ends them, including dials not resolved yet.
pub async fn request_end_of_live_calls(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<u64, DbErr> {
    let result = call::Entity::update_many()
        .col_expr(
            call::Column::EndRequested,
            Expr::value(EndRequest::Cancel.as_str()),
        )
        .filter(call::Column::CampaignId.eq(campaign_id))
        .filter(call::Column::Status.is_in(CallStatus::LIVE.map(CallStatus::as_str)))
        .filter(call::Column::EndRequested.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Records the provider's id for a dial intent (once; a second answer changes nothing).
/// `true` when this write recorded it.
pub async fn set_provider_call(
    db: &impl ConnectionTrait,
    call_id: Uuid,
    provider_call_id: &str,
    control_url: Option<&str>,
    provider_created_at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let result = call::Entity::update_many()
        .col_expr(call::Column::ProviderCallId, Expr::value(provider_call_id))
        .col_expr(
            call::Column::ControlUrl,
            Expr::value(control_url.map(str::to_owned)),
        )
        .col_expr(
            call::Column::ProviderCreatedAt,
            Expr::value(provider_created_at.or(Some(Utc::now()))),
        )
        .col_expr(call::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::ProviderCallId.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records that autolynx is ending the call itself, so that its end is recorded as CANCELED
/// or TIMEOUT rather than ENDED. The first reason wins.
pub async fn request_end(
    db: &impl ConnectionTrait,
    call_id: Uuid,
    reason: EndRequest,
) -> Result<(), DbErr> {
    call::Entity::update_many()
        .col_expr(call::Column::EndRequested, Expr::value(reason.as_str()))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::EndRequested.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What the transition rules need of a stored call (read once here, typed).
fn facts(model: &call::Model) -> Result<CallFacts, DbErr> {
    Ok(CallFacts {
        status: model.status,
        ended_reason: model.ended_reason.clone(),
        outcome: model.outcome.as_deref().and_then(EndedReasonClass::parse),
        end_requested: model.end_requested.as_deref().and_then(EndRequest::parse),
        started_at: model.started_at,
        ended_at: model.ended_at,
    })
}

/// What an update does to a call: the domain's decision, as the columns to write.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    new_status: Option<CallStatus>,
    requeue_contact: bool,
    changes: call::ActiveModel,
}

fn plan(current: &call::Model, update: &CallUpdate, now: DateTime<Utc>) -> Result<Plan, DbErr> {
    let t = domain_plan(&facts(current)?, update, now);
    let set = |v: &Option<String>| v.clone().map_or(NotSet, |v| Set(Some(v)));
    let changes = call::ActiveModel {
        id: NotSet,
        status: t.status.map_or(NotSet, Set),
        outcome: t
            .outcome
            .map_or(NotSet, |o| Set(Some(o.as_str().to_owned()))),
        ended_reason: set(&t.ended_reason),
        error_message: set(&t.error_message),
        started_at: t.started_at.map_or(NotSet, |v| Set(Some(v))),
        ended_at: t.ended_at.map_or(NotSet, |v| Set(Some(v))),
        cost: t.cost.map_or(NotSet, |v| Set(Some(v))),
        duration_seconds: t.duration_seconds.map_or(NotSet, |v| Set(Some(v))),
        recording_url: set(&t.recording_url),
        transcript_json: t.transcript.clone().map_or(NotSet, |v| Set(Some(v))),
        summary: set(&t.summary),
        success_evaluation: set(&t.success_evaluation),
        successful: t.successful.map_or(NotSet, |v| Set(Some(v))),
        updated_at: Set(now),
        last_event_at: Set(Some(now)),
        ..Default::default()
    };
    Ok(Plan {
        new_status: t.status,
        requeue_contact: t.requeue_contact,
        changes,
    })
}

/// Applies what was learned about a call: the status only ever moves forward, a terminal call
/// can still be enriched (cost, transcript, recording, analysis). When the call becomes
/// terminal its contact is settled in the same transaction.
pub async fn apply<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    call_id: Uuid,
    update: &CallUpdate,
) -> Result<Option<Applied>, DbErr> {
    let txn = db.begin().await?;
    let applied = apply_in(&txn, call_id, update).await?;
    txn.commit().await?;
    Ok(applied)
}

/// [`apply`] inside the caller's transaction (the writer's batch). Nothing needs undoing when
/// a race is lost: the conditional write then changed no row.
pub async fn apply_in(
    txn: &impl ConnectionTrait,
    call_id: Uuid,
    update: &CallUpdate,
) -> Result<Option<Applied>, DbErr> {
    // Optimistic concurrency: the status write is conditional on the status read; a lost race
    // re-reads and re-plans (bounded, since the status can only move forward).
    for _ in 0..MAX_APPLY_TRIES {
        let Some(current) = get(txn, call_id).await? else {
            return Ok(None);
        };
        if let Some(applied) = plan_and_write(txn, &current, update).await? {
            return Ok(Some(applied));
        }
    }
    Err(too_many_tries(call_id))
}

/// What [`record_and_apply`] did.
#[derive(Debug, Clone)]
pub enum Recorded {
    /// An event with the same dedupe key was already stored: nothing changed.
    Duplicate,
    /// The event is stored, and the update applied (`None`: no update, or no such call).
    Stored(Option<Box<Applied>>),
}

/// Stores a webhook event and applies what it says in one transaction, so a delivery costs
/// one commit and the event is durable exactly when its effect is. A duplicate changes
/// nothing.
pub async fn record_and_apply<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    event: &NewEvent<'_>,
    update: Option<&CallUpdate>,
) -> Result<Recorded, DbErr> {
    // Starts with the insert: SQLite's write lock is held before the call is read.
    let txn = db.begin().await?;
    let recorded = record_and_apply_in(&txn, event, update).await?;
    txn.commit().await?;
    Ok(recorded)
}

/// [`record_and_apply`] inside the caller's transaction (the writer's batch).
pub async fn record_and_apply_in(
    txn: &impl ConnectionTrait,
    event: &NewEvent<'_>,
    update: Option<&CallUpdate>,
) -> Result<Recorded, DbErr> {
    if !events::record(txn, event).await? {
        return Ok(Recorded::Duplicate);
    }
    let Some(update) = update else {
        return Ok(Recorded::Stored(None));
    };
    for _ in 0..MAX_APPLY_TRIES {
        let Some(current) = get(txn, event.call_id).await? else {
            return Ok(Recorded::Stored(None));
        };
        if let Some(mut applied) = plan_and_write(txn, &current, update).await? {
            if let Some(why) = &update.opt_out {
                applied.opted_out_in =
                    crate::store::suppression::record_opt_out(txn, &applied.call, why).await?;
            }
            return Ok(Recorded::Stored(Some(Box::new(applied))));
        }
    }
    Err(too_many_tries(event.call_id))
}

const MAX_APPLY_TRIES: usize = 8;

fn too_many_tries(call_id: Uuid) -> DbErr {
    DbErr::Custom(format!("call {call_id}: too many concurrent updates"))
}

/// Plans `update` from `current` and writes it; `None` when the call's status changed since
/// it was read (re-read and re-plan). A call that becomes terminal settles its contact with
/// it. The call row written comes back from the write itself (`RETURNING`), not a re-read.
async fn plan_and_write(
    conn: &impl ConnectionTrait,
    current: &call::Model,
    update: &CallUpdate,
) -> Result<Option<Applied>, DbErr> {
    let now = Utc::now();
    let plan = plan(current, update, now)?;
    let previous = current.status;
    let mut query = call::Entity::update_many()
        .set(plan.changes.clone())
        .filter(call::Column::Id.eq(current.id));
    if plan.new_status.is_some() {
        query = query.filter(call::Column::Status.eq(previous.as_str()));
    }
    let Some(call) = query.exec_with_returning(conn).await?.into_iter().next() else {
        // Lost a race on the status, or the call is gone (then the re-read says so).
        return Ok(None);
    };
    let became_terminal = plan.new_status.is_some_and(|s| s.is_terminal());
    if became_terminal && !previous.is_terminal() {
        settle_contact(conn, current, plan.requeue_contact, update, now).await?;
        if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
            // The account's slot is free with the end stored, whichever node stored it.
            crate::store::cluster::free_slot(conn, current.id).await?;
        }
    }
    Ok(Some(Applied {
        call,
        previous,
        status_changed: plan.new_status.is_some(),
        became_terminal,
        contact_requeued: became_terminal && plan.requeue_contact,
        opted_out_in: Vec::new(),
    }))
}

async fn settle_contact(
    db: &impl ConnectionTrait,
    call: &call::Model,
    requeue: bool,
    update: &CallUpdate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut query = contact::Entity::update_many()
        .col_expr(contact::Column::UpdatedAt, Expr::value(now))
        .filter(contact::Column::Id.eq(call.contact_id))
        .filter(contact::Column::Status.eq(ContactStatus::Dialing.as_str()));
    let reason = update
        .ended_reason
        .as_deref()
        .or(call.ended_reason.as_deref());
    let outcome = update
        .outcome
        .or_else(|| reason.map(classify))
        .unwrap_or(EndedReasonClass::Unknown);
    // Whether the contact could go back to PENDING (its dial never reached the provider, or
    // its outcome may be redialed) — never once the campaign is over. The campaign's row is
    // read `FOR SHARE` (PostgreSQL; SQLite has one writer at a time): a stop committing
    // meanwhile is waited for and seen, instead of this contact going back to PENDING after
    // the stop settled the campaign's contacts.
    let campaign = if requeue || REDIALABLE.contains(&outcome) {
        campaign::Entity::find_by_id(call.campaign_id)
            .lock_shared()
            .one(db)
            .await?
    } else {
        None
    };
    let finished = campaign.as_ref().is_some_and(|c| c.status.is_finished());
    if requeue && finished {
        // Nothing was placed for this attempt: it is given back, as a stop leaves every
        // contact not dialed (NOT_ATTEMPTED), or DONE with its earlier outcome.
        let status = if call.attempt <= 1 {
            ContactStatus::NotAttempted
        } else {
            ContactStatus::Done
        };
        query = query
            .col_expr(contact::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                contact::Column::Attempts,
                Expr::col(contact::Column::Attempts).sub(1),
            )
            .col_expr(
                contact::Column::NextAttemptAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
    } else if requeue {
        query = query
            .col_expr(
                contact::Column::Status,
                Expr::value(ContactStatus::Pending.as_str()),
            )
            .col_expr(
                contact::Column::Attempts,
                Expr::col(contact::Column::Attempts).sub(1),
            );
    } else {
        let attempt = u32::try_from(call.attempt).unwrap_or(u32::MAX);
        // Only an outcome that could be redialed needs the campaign's policy (an answered call,
        // the common case, costs no extra read).
        let redial_at = campaign
            .filter(|_| !finished)
            .and_then(|c| RedialPolicy::from_settings(&c.settings_json))
            .and_then(|policy| policy.next_attempt(attempt, outcome, now));
        let status = match redial_at {
            // Called again once the delay is over (its latest outcome stays visible).
            Some(_) => ContactStatus::Pending,
            None => ContactStatus::Done,
        };
        query = query
            .col_expr(contact::Column::Status, Expr::value(status.as_str()))
            .col_expr(contact::Column::Outcome, Expr::value(outcome.as_str()))
            .col_expr(contact::Column::NextAttemptAt, Expr::value(redial_at));
    }
    query.exec(db).await?;
    Ok(())
}

/// The earliest time a PENDING contact of the campaign waits for (a redial's delay), if any
/// is still in the future.
pub async fn next_redial_at(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let next = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .filter(contact::Column::NextAttemptAt.gt(Utc::now()))
        .order_by_asc(contact::Column::NextAttemptAt)
        .one(db)
        .await?;
    Ok(next.and_then(|c| c.next_attempt_at))
}

/// Settles contacts left DIALING without a live call (a crash between two writes): back to
/// PENDING when no call was written for the attempt, else DONE with the call's outcome.
/// Returns how many were repaired.
pub async fn repair_contacts(db: &DatabaseConnection, campaign_id: Uuid) -> Result<u64, DbErr> {
    // After a stop nothing goes back to PENDING: a contact whose attempt never left is given
    // back as NOT_ATTEMPTED instead.
    let finished = campaign::Entity::find_by_id(campaign_id)
        .one(db)
        .await?
        .is_some_and(|c| c.status.is_finished());
    let requeued = if finished {
        ContactStatus::NotAttempted
    } else {
        ContactStatus::Pending
    };
    let dialing = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.eq(ContactStatus::Dialing.as_str()))
        .all(db)
        .await?;
    let mut repaired = 0;
    for c in dialing {
        let latest = call::Entity::find()
            .filter(call::Column::ContactId.eq(c.id))
            .order_by_desc(call::Column::Attempt)
            .order_by_desc(call::Column::CreatedAt)
            .one(db)
            .await?;
        let latest = latest.as_ref().map(|call| {
            (
                call.attempt,
                call.status,
                call.ended_reason.as_deref(),
                call.outcome.as_deref(),
            )
        });
        let mut active = c.clone().into_active_model();
        match repair(c.attempts, latest) {
            Repair::Leave => continue,
            Repair::GiveBack => {
                active.status = Set(requeued);
                active.attempts = Set(Ord::max(c.attempts - 1, 0));
            }
            Repair::Done(outcome) => {
                active.status = Set(ContactStatus::Done);
                active.outcome = Set(outcome);
            }
        }
        active.updated_at = Set(Utc::now());
        active.update(db).await?;
        repaired += 1;
    }
    Ok(repaired)
}

/// Contacts not dialed yet become NOT_ATTEMPTED (the campaign was stopped).
pub async fn mark_not_attempted(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<u64, DbErr> {
    // A contact waiting for a redial was attempted: it keeps its latest outcome.
    contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Done.as_str()),
        )
        .col_expr(contact::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .filter(contact::Column::Attempts.gt(0))
        .exec(db)
        .await?;
    let result = contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::NotAttempted.as_str()),
        )
        .col_expr(contact::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

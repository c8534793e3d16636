//! Calls and the contact states that go with them: claiming a contact (the dial intent is
//! written before the provider is called), recording the provider's id, and the one transition
//! function every source of news (webhooks, polling, the runtime's own decisions) goes
//! through. Status changes are conditional on the status read, so concurrent writers can never
//! move a call backwards.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, IntoActiveModel, NotSet, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignStatus, ContactStatus, is_success};
use crate::domain::ended_reason::{EndedReasonClass, classify, is_concurrency_blocked};
use crate::domain::redial::{REDIALABLE, RedialPolicy};
use crate::store::entities::{call, campaign, contact};
use crate::store::events::{self, NewEvent};

/// What was learned about a call. Every field is optional: apply what is there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallUpdate {
    pub status: Option<CallStatus>,
    pub ended_reason: Option<String>,
    /// Our own explanation, for failures decided here (dial errors, timeouts).
    pub error_message: Option<String>,
    /// The outcome class, when decided here rather than read from `ended_reason`.
    pub outcome: Option<EndedReasonClass>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub recording_url: Option<String>,
    pub transcript: Option<Value>,
    pub summary: Option<String>,
    pub success_evaluation: Option<String>,
    /// When this update makes the call terminal, its contact goes back to PENDING and the
    /// attempt is not counted (the dial never reached the provider).
    pub requeue_contact: bool,
}

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
}

fn status_of(model: &call::Model) -> Result<CallStatus, DbErr> {
    model
        .status
        .parse()
        .map_err(|e: String| DbErr::Custom(format!("call {}: {e}", model.id)))
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
        .one(db)
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
pub async fn claim(
    db: &DatabaseConnection,
    contact: &contact::Model,
) -> Result<Option<call::Model>, DbErr> {
    let now = Utc::now();
    // The transaction starts with a write, so SQLite takes its write lock up front.
    let txn = db.begin().await?;
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
        .filter(contact::Column::Id.eq(contact.id))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }
    let model = call::ActiveModel {
        id: Set(Uuid::now_v7()),
        campaign_id: Set(contact.campaign_id),
        contact_id: Set(contact.id),
        attempt: Set(contact.attempts + 1),
        provider_call_id: Set(None),
        status: Set(CallStatus::Queued.as_str().to_owned()),
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
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(model))
}

/// Records that `POST /call` is about to be sent for this call, and when: every send moves the
/// marker, so every wait of an unresolved dial is measured from the last send. Until the first
/// marker, a restart knows the dial never left and may place it; after it, only the provider
/// can tell.
pub async fn mark_dial_sent(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> Result<DateTime<Utc>, DbErr> {
    let now = Utc::now();
    call::Entity::update_many()
        .col_expr(call::Column::DialSentAt, Expr::value(now))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::ProviderCallId.is_null())
        .exec(db)
        .await?;
    Ok(now)
}

/// Marks every live call of a campaign as being hung up (a stop with `hangup`), so whoever
/// follows them — now or after a restart — ends them, including dials not resolved yet.
pub async fn request_end_of_live_calls(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<u64, DbErr> {
    let result = call::Entity::update_many()
        .col_expr(call::Column::EndRequested, Expr::value(END_CANCEL))
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

/// `end_requested` value: an operator hung the call up; it ends CANCELED.
pub const END_CANCEL: &str = "cancel";
/// `end_requested` value: the call was stuck and ended by autolynx; it ends TIMEOUT.
pub const END_TIMEOUT: &str = "timeout";

/// Records that autolynx is ending the call itself (`END_CANCEL` or `END_TIMEOUT`), so that its
/// end is recorded as CANCELED or TIMEOUT rather than ENDED. The first reason wins.
pub async fn request_end(
    db: &impl ConnectionTrait,
    call_id: Uuid,
    reason: &'static str,
) -> Result<(), DbErr> {
    call::Entity::update_many()
        .col_expr(call::Column::EndRequested, Expr::value(reason))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::EndRequested.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What an update does to a call, computed without I/O.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    new_status: Option<CallStatus>,
    requeue_contact: bool,
    changes: call::ActiveModel,
}

fn plan(current: &call::Model, update: &CallUpdate, now: DateTime<Utc>) -> Result<Plan, DbErr> {
    let status = status_of(current)?;
    let reason = update
        .ended_reason
        .clone()
        .or_else(|| current.ended_reason.clone());
    let blocked = reason.as_deref().is_some_and(is_concurrency_blocked);
    let requested = update.status.map(|s| match s {
        CallStatus::Ended if blocked => CallStatus::Failed,
        CallStatus::Ended => match current.end_requested.as_deref() {
            Some(END_CANCEL) => CallStatus::Canceled,
            Some(END_TIMEOUT) => CallStatus::Timeout,
            _ => CallStatus::Ended,
        },
        other => other,
    });
    let new_status = requested.and_then(|r| status.advance(r));
    let mut changes = call::ActiveModel {
        id: NotSet,
        ..Default::default()
    };
    changes.updated_at = Set(now);
    changes.last_event_at = Set(Some(now));
    if let Some(new) = new_status {
        changes.status = Set(new.as_str().to_owned());
        if new >= CallStatus::InProgress && current.started_at.is_none() {
            changes.started_at = Set(update.started_at.or(Some(now)));
        }
        if new.is_terminal() {
            changes.ended_at = Set(update.ended_at.or(current.ended_at).or(Some(now)));
            let outcome = update
                .outcome
                .or_else(|| reason.as_deref().map(classify))
                .unwrap_or(match new {
                    CallStatus::Ended | CallStatus::Canceled => EndedReasonClass::Unknown,
                    _ => EndedReasonClass::RetryableError,
                });
            changes.outcome = Set(Some(outcome.as_str().to_owned()));
        }
    } else if status.is_terminal()
        && current.outcome.is_none()
        && let Some(reason) = &update.ended_reason
    {
        changes.outcome = Set(Some(classify(reason).as_str().to_owned()));
    }
    if update.ended_reason.is_some() && current.ended_reason.is_none() {
        changes.ended_reason = Set(update.ended_reason.clone());
    }
    if update.error_message.is_some() {
        changes.error_message = Set(update.error_message.clone());
    }
    if current.started_at.is_none()
        && let Some(started) = update.started_at
    {
        changes.started_at = Set(Some(started));
    }
    if let Some(ended) = update.ended_at
        && (status.is_terminal() || new_status.is_some_and(CallStatus::is_terminal))
    {
        changes.ended_at = Set(Some(ended));
    }
    if let Some(cost) = update.cost {
        changes.cost = Set(Some(cost));
    }
    let duration = update.duration_seconds.or_else(|| {
        let started = update.started_at.or(current.started_at)?;
        let ended = update.ended_at?;
        Some(Ord::max((ended - started).num_milliseconds(), 0) as f64 / 1000.0)
    });
    if let Some(duration) = duration
        && (update.duration_seconds.is_some() || current.duration_seconds.is_none())
    {
        changes.duration_seconds = Set(Some(duration));
    }
    if let Some(url) = &update.recording_url {
        changes.recording_url = Set(Some(url.clone()));
    }
    if let Some(transcript) = &update.transcript {
        changes.transcript_json = Set(Some(transcript.clone()));
    }
    if let Some(summary) = &update.summary {
        changes.summary = Set(Some(summary.clone()));
    }
    if let Some(evaluation) = &update.success_evaluation {
        changes.success_evaluation = Set(Some(evaluation.clone()));
        changes.successful = Set(Some(is_success(evaluation)));
    }
    let requeue_contact = (blocked && new_status == Some(CallStatus::Failed))
        || (update.requeue_contact && new_status.is_some_and(CallStatus::is_terminal));
    Ok(Plan {
        new_status,
        requeue_contact,
        changes,
    })
}

/// Applies what was learned about a call: the status only ever moves forward, a terminal call
/// can still be enriched (cost, transcript, recording, analysis). When the call becomes
/// terminal its contact is settled in the same transaction.
pub async fn apply(
    db: &DatabaseConnection,
    call_id: Uuid,
    update: &CallUpdate,
) -> Result<Option<Applied>, DbErr> {
    // Optimistic concurrency: the status write is conditional on the status read; a lost race
    // re-reads and re-plans (bounded, since the status can only move forward).
    for _ in 0..MAX_APPLY_TRIES {
        let Some(current) = get(db, call_id).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        let plan = plan(&current, update, now)?;
        let written = if plan.new_status.is_some() {
            // The transaction starts with the (conditional) write, so SQLite takes its write
            // lock up front.
            let txn = db.begin().await?;
            let written = write_plan(&txn, &current, &plan, update, now).await?;
            if written {
                txn.commit().await?;
            } else {
                txn.rollback().await?;
            }
            written
        } else {
            write_plan(db, &current, &plan, update, now).await?
        };
        if written {
            return applied(db, &current, &plan).await.map(Some);
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
pub async fn record_and_apply(
    db: &DatabaseConnection,
    event: &NewEvent<'_>,
    update: Option<&CallUpdate>,
) -> Result<Recorded, DbErr> {
    for _ in 0..MAX_APPLY_TRIES {
        // Starts with the insert: SQLite's write lock is held before the call is read.
        let txn = db.begin().await?;
        if !events::record(&txn, event).await? {
            txn.rollback().await?;
            return Ok(Recorded::Duplicate);
        }
        let current = match update {
            Some(_) => get(&txn, event.call_id).await?,
            None => None,
        };
        let (Some(update), Some(current)) = (update, current) else {
            txn.commit().await?;
            return Ok(Recorded::Stored(None));
        };
        let now = Utc::now();
        let plan = plan(&current, update, now)?;
        if !write_plan(&txn, &current, &plan, update, now).await? {
            txn.rollback().await?;
            continue;
        }
        txn.commit().await?;
        return Ok(Recorded::Stored(Some(Box::new(
            applied(db, &current, &plan).await?,
        ))));
    }
    Err(too_many_tries(event.call_id))
}

const MAX_APPLY_TRIES: usize = 8;

fn too_many_tries(call_id: Uuid) -> DbErr {
    DbErr::Custom(format!("call {call_id}: too many concurrent updates"))
}

/// Writes a plan made from `current`; `false` when the call's status changed since it was read
/// (re-read and re-plan). A call that becomes terminal settles its contact with it.
async fn write_plan(
    conn: &impl ConnectionTrait,
    current: &call::Model,
    plan: &Plan,
    update: &CallUpdate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let previous = status_of(current)?;
    let mut query = call::Entity::update_many()
        .set(plan.changes.clone())
        .filter(call::Column::Id.eq(current.id));
    if plan.new_status.is_some() {
        query = query.filter(call::Column::Status.eq(previous.as_str()));
    }
    let result = query.exec(conn).await?;
    let Some(new) = plan.new_status else {
        return Ok(true);
    };
    if result.rows_affected != 1 {
        return Ok(false);
    }
    if new.is_terminal() && !previous.is_terminal() {
        settle_contact(conn, current, plan.requeue_contact, update, now).await?;
    }
    Ok(true)
}

/// The effect of a written plan, with the call as it is now.
async fn applied(
    db: &impl ConnectionTrait,
    current: &call::Model,
    plan: &Plan,
) -> Result<Applied, DbErr> {
    let call = get(db, current.id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("call {}", current.id)))?;
    let became_terminal = plan.new_status.is_some_and(|s| s.is_terminal());
    Ok(Applied {
        call,
        previous: status_of(current)?,
        status_changed: plan.new_status.is_some(),
        became_terminal,
        contact_requeued: became_terminal && plan.requeue_contact,
    })
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
    // its outcome may be redialed) — never once the campaign is over.
    let campaign = if requeue || REDIALABLE.contains(&outcome) {
        campaign::Entity::find_by_id(call.campaign_id)
            .one(db)
            .await?
    } else {
        None
    };
    let finished = campaign.as_ref().is_some_and(|c| {
        c.status
            .parse::<CampaignStatus>()
            .is_ok_and(CampaignStatus::is_finished)
    });
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
        .and_then(|c| c.status.parse::<CampaignStatus>().ok())
        .is_some_and(CampaignStatus::is_finished);
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
        let mut active = c.clone().into_active_model();
        match latest {
            Some(call) if call.attempt == c.attempts => {
                let status = status_of(&call)?;
                if !status.is_terminal() {
                    continue;
                }
                let blocked = call
                    .ended_reason
                    .as_deref()
                    .is_some_and(is_concurrency_blocked);
                if blocked && status == CallStatus::Failed {
                    active.status = Set(requeued.as_str().to_owned());
                    active.attempts = Set(c.attempts - 1);
                } else {
                    active.status = Set(ContactStatus::Done.as_str().to_owned());
                    active.outcome = Set(call.outcome.clone());
                }
            }
            _ => {
                active.status = Set(requeued.as_str().to_owned());
                active.attempts = Set(Ord::max(c.attempts - 1, 0));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn call(status: CallStatus) -> call::Model {
        let now = Utc::now();
        call::Model {
            id: Uuid::nil(),
            campaign_id: Uuid::nil(),
            contact_id: Uuid::nil(),
            attempt: 1,
            provider_call_id: Some("p".into()),
            status: status.as_str().into(),
            outcome: None,
            ended_reason: None,
            error_message: None,
            control_url: None,
            cost: None,
            duration_seconds: None,
            recording_url: None,
            transcript_json: None,
            summary: None,
            success_evaluation: None,
            successful: None,
            end_requested: None,
            dial_intent_at: now,
            dial_sent_at: None,
            provider_created_at: None,
            started_at: None,
            ended_at: None,
            last_event_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn update(status: CallStatus) -> CallUpdate {
        CallUpdate {
            status: Some(status),
            ..CallUpdate::default()
        }
    }

    #[test]
    fn late_news_never_moves_a_call_backwards() {
        let now = Utc::now();
        let p = plan(
            &call(CallStatus::InProgress),
            &update(CallStatus::Ringing),
            now,
        )
        .unwrap();
        assert_eq!(p.new_status, None);
        let p = plan(
            &call(CallStatus::Ended),
            &update(CallStatus::InProgress),
            now,
        )
        .unwrap();
        assert_eq!(p.new_status, None);
        let p = plan(&call(CallStatus::Queued), &update(CallStatus::Ended), now).unwrap();
        assert_eq!(p.new_status, Some(CallStatus::Ended));
    }

    #[test]
    fn terminal_calls_are_still_enriched() {
        let u = CallUpdate {
            status: Some(CallStatus::Ended),
            cost: Some(0.42),
            summary: Some("ok".into()),
            success_evaluation: Some("true".into()),
            ended_reason: Some("customer-ended-call".into()),
            ..CallUpdate::default()
        };
        let p = plan(&call(CallStatus::Ended), &u, Utc::now()).unwrap();
        assert_eq!(p.new_status, None);
        assert_eq!(p.changes.cost, Set(Some(0.42)));
        assert_eq!(p.changes.successful, Set(Some(true)));
        assert_eq!(
            p.changes.ended_reason,
            Set(Some("customer-ended-call".into()))
        );
        assert_eq!(p.changes.outcome, Set(Some("answered".into())));
    }

    #[test]
    fn a_concurrency_blocked_end_fails_the_call_and_requeues_the_contact() {
        let u = CallUpdate {
            status: Some(CallStatus::Ended),
            ended_reason: Some("call.start.error-subscription-concurrency-limit-reached".into()),
            ..CallUpdate::default()
        };
        let p = plan(&call(CallStatus::Queued), &u, Utc::now()).unwrap();
        assert_eq!(p.new_status, Some(CallStatus::Failed));
        assert!(p.requeue_contact);
    }

    #[test]
    fn a_hung_up_call_ends_canceled() {
        let mut c = call(CallStatus::InProgress);
        c.end_requested = Some(END_CANCEL.into());
        let p = plan(&c, &update(CallStatus::Ended), Utc::now()).unwrap();
        assert_eq!(p.new_status, Some(CallStatus::Canceled));
    }
}

//! The do-not-call list: E.164 numbers that are never imported or dialed.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::store::Page;
use crate::store::entities::suppression;

/// Where an entry came from.
pub const SOURCE_MANUAL: &str = "manual";
pub const SOURCE_IMPORT: &str = "import";
pub const SOURCE_OPT_OUT: &str = "opt-out";

/// Adds a number; returns the entry and whether it was new (adding twice changes nothing).
/// `source` is [`SOURCE_MANUAL`] or [`SOURCE_IMPORT`].
pub async fn add(
    db: &impl ConnectionTrait,
    phone_e164: &str,
    reason: Option<String>,
    added_by: Option<Uuid>,
    source: &str,
) -> Result<(suppression::Model, bool), DbErr> {
    if let Some(existing) = find(db, phone_e164).await? {
        return Ok((existing, false));
    }
    let model = suppression::ActiveModel {
        id: Set(Uuid::now_v7()),
        phone_e164: Set(phone_e164.to_owned()),
        reason: Set(reason),
        added_by: Set(added_by),
        created_at: Set(Utc::now()),
        source: Set(Some(source.to_owned())),
        campaign_id: Set(None),
        call_id: Set(None),
    }
    .insert(db)
    .await?;
    Ok((model, true))
}

/// The person called on `call` asked not to be called again: their number goes on the list
/// (with the campaign and call it was heard on, unless it is already there), and every contact
/// with that number still waiting — for a redial, or for a first call in any campaign — is
/// settled without a call. Runs inside the webhook's transaction, so the opt-out is durable
/// exactly when the report is. Answers the campaigns whose waiting contacts it settled.
pub async fn record_opt_out(
    txn: &impl ConnectionTrait,
    call: &crate::store::entities::call::Model,
    why: &str,
) -> Result<Vec<Uuid>, DbErr> {
    use crate::domain::campaign::ContactStatus;
    use crate::store::entities::contact;
    use sea_orm::sea_query::Expr;
    let Some(person) = contact::Entity::find_by_id(call.contact_id)
        .one(txn)
        .await?
    else {
        return Ok(Vec::new());
    };
    let now = Utc::now();
    let entry = suppression::ActiveModel {
        id: Set(Uuid::now_v7()),
        phone_e164: Set(person.phone_e164.clone()),
        reason: Set(Some(why.to_owned())),
        added_by: Set(None),
        created_at: Set(now),
        source: Set(Some(SOURCE_OPT_OUT.to_owned())),
        campaign_id: Set(Some(call.campaign_id)),
        call_id: Set(Some(call.id)),
    };
    let inserted = suppression::Entity::insert(entry)
        .on_conflict_do_nothing_on([suppression::Column::PhoneE164])
        .exec(txn)
        .await?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
        tracing::debug!(call_id = %call.id, "the number was already on the do-not-call list");
    }
    // The campaigns with contacts of this number still waiting: settled below.
    let mut campaigns: Vec<Uuid> = contact::Entity::find()
        .select_only()
        .column(contact::Column::CampaignId)
        .filter(contact::Column::PhoneE164.eq(person.phone_e164.as_str()))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .into_tuple()
        .all(txn)
        .await?;
    campaigns.sort_unstable();
    campaigns.dedup();
    // A redial waiting: settled with its latest outcome.
    contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Done.as_str()),
        )
        .col_expr(
            contact::Column::NextAttemptAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(contact::Column::UpdatedAt, Expr::value(now))
        .filter(contact::Column::PhoneE164.eq(person.phone_e164.as_str()))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .filter(contact::Column::Attempts.gt(0))
        .exec(txn)
        .await?;
    // Never called yet: settled as the do-not-call check before a dial would.
    contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Done.as_str()),
        )
        .col_expr(contact::Column::Outcome, Expr::value("do-not-call"))
        .col_expr(contact::Column::UpdatedAt, Expr::value(now))
        .filter(contact::Column::PhoneE164.eq(person.phone_e164.as_str()))
        .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    Ok(campaigns)
}

/// Records that a list file was imported, and when.
pub async fn record_import(
    db: &impl ConnectionTrait,
    file_name: Option<String>,
    total_rows: u64,
    added: u64,
    imported_by: Option<Uuid>,
) -> Result<(), DbErr> {
    use crate::store::entities::suppression_import;
    suppression_import::ActiveModel {
        id: Set(Uuid::now_v7()),
        file_name: Set(file_name),
        total_rows: Set(i64::try_from(total_rows).unwrap_or(i64::MAX)),
        added: Set(i64::try_from(added).unwrap_or(i64::MAX)),
        imported_by: Set(imported_by),
        imported_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// When the newest list file was imported, if one ever was.
pub async fn newest_import(
    db: &impl ConnectionTrait,
) -> Result<Option<chrono::DateTime<Utc>>, DbErr> {
    use crate::store::entities::suppression_import;
    Ok(suppression_import::Entity::find()
        .order_by_desc(suppression_import::Column::ImportedAt)
        .one(db)
        .await?
        .map(|i| i.imported_at))
}

pub async fn find(
    db: &impl ConnectionTrait,
    phone_e164: &str,
) -> Result<Option<suppression::Model>, DbErr> {
    suppression::Entity::find()
        .filter(suppression::Column::PhoneE164.eq(phone_e164))
        .one(db)
        .await
}

pub async fn is_suppressed(db: &impl ConnectionTrait, phone_e164: &str) -> Result<bool, DbErr> {
    Ok(find(db, phone_e164).await?.is_some())
}

/// The numbers among `phones` that are listed: one query for a fill's worth of dials.
pub async fn listed_among(
    db: &impl ConnectionTrait,
    phones: &[&str],
) -> Result<HashSet<String>, DbErr> {
    if phones.is_empty() {
        return Ok(HashSet::new());
    }
    let numbers: Vec<String> = suppression::Entity::find()
        .select_only()
        .column(suppression::Column::PhoneE164)
        .filter(suppression::Column::PhoneE164.is_in(phones.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(numbers.into_iter().collect())
}

/// Every listed number, for checking a whole import at once.
pub async fn all_numbers(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let numbers: Vec<String> = suppression::Entity::find()
        .select_only()
        .column(suppression::Column::PhoneE164)
        .into_tuple()
        .all(db)
        .await?;
    Ok(numbers.into_iter().collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    page: u64,
    limit: u64,
) -> Result<Page<suppression::Model>, DbErr> {
    let mut query = suppression::Entity::find();
    let digits: String = q
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() {
        query = query.filter(suppression::Column::PhoneE164.contains(&digits));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(suppression::Column::CreatedAt)
        .order_by_asc(suppression::Column::PhoneE164)
        .offset((page - 1) * limit)
        .limit(limit)
        .all(db)
        .await?;
    Ok(Page::new(items, page, limit, total))
}

/// Removes an entry; `false` when there was none.
pub async fn remove(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = suppression::Entity::delete_by_id(id).exec(db).await?;
    Ok(result.rows_affected > 0)
}

/// What an erasure removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub contacts: u64,
    pub calls: u64,
    pub events: u64,
}

/// Why a number could not be erased.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    /// A call to the number may be live: erasing it would leave the runtime following a call
    /// it no longer knows.
    #[error("a call to this number is in progress")]
    Live,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Erases every trace of a person's number — its contacts in every campaign, their calls and
/// the calls' events — and lists the number as do-not-call, in one transaction. Refused while
/// a call to the number may be live.
pub async fn erase<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
    phone_e164: &str,
    added_by: Option<Uuid>,
) -> Result<Erased, EraseError> {
    use crate::domain::campaign::{CallStatus, ContactStatus};
    use crate::store::entities::{call, call_event, contact};
    use sea_orm::TransactionSession;

    let txn = db.begin().await?;
    // Starts with a write, so SQLite takes its write lock up front (a read first would have to
    // upgrade it, and fail at once when another writer got there first).
    contact::Entity::update_many()
        .col_expr(
            contact::Column::UpdatedAt,
            sea_orm::sea_query::Expr::col(contact::Column::UpdatedAt),
        )
        .filter(contact::Column::PhoneE164.eq(phone_e164))
        .exec(&txn)
        .await?;
    let contacts: Vec<contact::Model> = contact::Entity::find()
        .filter(contact::Column::PhoneE164.eq(phone_e164))
        .all(&txn)
        .await?;
    let contact_ids: Vec<Uuid> = contacts.iter().map(|c| c.id).collect();
    let calls: Vec<call::Model> = call::Entity::find()
        .filter(call::Column::ContactId.is_in(contact_ids.clone()))
        .all(&txn)
        .await?;
    if contacts.iter().any(|c| c.status == ContactStatus::Dialing)
        || calls.iter().any(|c| CallStatus::LIVE.contains(&c.status))
    {
        txn.rollback().await?;
        return Err(EraseError::Live);
    }
    let call_ids: Vec<Uuid> = calls.iter().map(|c| c.id).collect();
    let events = call_event::Entity::delete_many()
        .filter(call_event::Column::CallId.is_in(call_ids.clone()))
        .exec(&txn)
        .await?
        .rows_affected;
    let calls = call::Entity::delete_many()
        .filter(call::Column::Id.is_in(call_ids))
        .exec(&txn)
        .await?
        .rows_affected;
    let contacts = contact::Entity::delete_many()
        .filter(contact::Column::Id.is_in(contact_ids))
        .exec(&txn)
        .await?
        .rows_affected;
    add(
        &txn,
        phone_e164,
        Some("erasure".to_owned()),
        added_by,
        SOURCE_MANUAL,
    )
    .await?;
    txn.commit().await?;
    Ok(Erased {
        contacts,
        calls,
        events,
    })
}

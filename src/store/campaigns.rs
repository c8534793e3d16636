//! Campaigns and their contacts: creation in one transaction, listings with live counters,
//! metrics, and the chunks the streaming export reads.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignMode, CampaignStatus, ContactStatus};
use crate::store::Page;
use crate::store::assistants::escape_like;
use crate::store::entities::{call, campaign, contact};

/// Rows per INSERT: well under SQLite's bound-parameter limit.
const INSERT_CHUNK: usize = 500;

pub struct NewCampaign {
    pub name: String,
    pub mode: CampaignMode,
    pub cap: u32,
    pub assistant_id: Uuid,
    pub phone_number_id: String,
    pub line_quiet_gating: bool,
    pub owner_id: Uuid,
    pub settings: Value,
}

pub struct NewContact {
    pub row_number: u64,
    pub name: String,
    pub business_name: String,
    pub phone_e164: String,
    pub phone_original: String,
    pub batch_index: u32,
    pub variables: BTreeMap<String, String>,
    /// IANA time zone from the row, if any.
    pub timezone: Option<String>,
}

/// Creates the campaign and all its contacts in one transaction: either everything exists
/// afterwards, or nothing does.
pub async fn create_with_contacts(
    db: &DatabaseConnection,
    new: NewCampaign,
    contacts: Vec<NewContact>,
) -> Result<campaign::Model, DbErr> {
    let mut import = ContactImport::begin(db, new).await?;
    import.add(contacts).await?;
    let total = import.inserted();
    import.finish(total, None).await
}

/// A campaign being created while its contacts are still being read: the campaign row and
/// each chunk of contacts go into one transaction, committed by [`ContactImport::finish`] —
/// dropped unfinished, nothing of it exists. Memory holds one chunk at a time, whatever the
/// file's size.
pub struct ContactImport {
    txn: sea_orm::DatabaseTransaction,
    campaign: campaign::Model,
    inserted: u64,
}

impl ContactImport {
    /// Opens the transaction and inserts the campaign (its contact count and variable columns
    /// are written by `finish`).
    pub async fn begin(db: &DatabaseConnection, new: NewCampaign) -> Result<Self, DbErr> {
        let txn = db.begin().await?;
        if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            // This transaction waits on the client's upload between chunks, which may idle
            // longer than a serving process lets a transaction idle (`store::connect_serving`);
            // it locks nothing another process waits for.
            txn.execute_unprepared("SET LOCAL idle_in_transaction_session_timeout = 0")
                .await?;
        }
        let now = Utc::now();
        let campaign = campaign::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(new.name),
            mode: Set(new.mode.as_str().to_owned()),
            cap: Set(new.cap as i32),
            assistant_id: Set(new.assistant_id),
            phone_number_id: Set(new.phone_number_id),
            line_quiet_gating: Set(new.line_quiet_gating),
            status: Set(CampaignStatus::Created),
            owner_id: Set(new.owner_id),
            settings_json: Set(new.settings),
            total_contacts: Set(0),
            failure_reason: Set(None),
            stop_mode: Set(None),
            pause_reason: Set(None),
            pause_detail: Set(None),
            lease_owner: Set(None),
            lease_expires_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            first_dial_at: Set(None),
            completed_at: Set(None),
        }
        .insert(&txn)
        .await?;
        Ok(Self {
            txn,
            campaign,
            inserted: 0,
        })
    }

    /// Contacts inserted so far.
    pub fn inserted(&self) -> u64 {
        self.inserted
    }

    /// Inserts the next contacts (any number; split into statements the database accepts).
    pub async fn add(&mut self, contacts: Vec<NewContact>) -> Result<(), DbErr> {
        let now = self.campaign.created_at;
        let campaign_id = self.campaign.id;
        self.inserted += contacts.len() as u64;
        let mut rows = contacts.into_iter().map(|c| contact::ActiveModel {
            id: Set(Uuid::now_v7()),
            campaign_id: Set(campaign_id),
            row_number: Set(c.row_number as i32),
            name: Set(c.name),
            business_name: Set(c.business_name),
            phone_e164: Set(c.phone_e164),
            phone_original: Set(c.phone_original),
            batch_index: Set(c.batch_index as i32),
            variables_json: Set(serde_json::to_value(c.variables).unwrap_or_default()),
            timezone: Set(c.timezone),
            next_attempt_at: Set(None),
            status: Set(ContactStatus::Pending),
            attempts: Set(0),
            outcome: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        loop {
            let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
            if chunk.is_empty() {
                return Ok(());
            }
            contact::Entity::insert_many(chunk).exec(&self.txn).await?;
        }
    }

    /// Writes the contact count (and, when given, the variable columns into the settings) and
    /// commits: the campaign and its contacts exist from here on.
    pub async fn finish(
        self,
        total: u64,
        variable_columns: Option<Vec<String>>,
    ) -> Result<campaign::Model, DbErr> {
        let mut campaign = self.campaign;
        campaign.total_contacts =
            i32::try_from(total).map_err(|_| DbErr::Custom("too many contacts".into()))?;
        if let Some(columns) = variable_columns
            && let Some(settings) = campaign.settings_json.as_object_mut()
        {
            settings.insert("variableColumns".into(), serde_json::json!(columns));
        }
        let model = campaign::ActiveModel {
            id: sea_orm::Unchanged(campaign.id),
            total_contacts: Set(campaign.total_contacts),
            settings_json: Set(campaign.settings_json.clone()),
            ..Default::default()
        }
        .update(&self.txn)
        .await?;
        self.txn.commit().await?;
        Ok(model)
    }
}

pub struct CampaignFilter {
    /// Only this owner's campaigns (operators); `None` for admins.
    pub owner: Option<Uuid>,
    pub status: Option<CampaignStatus>,
    pub search: Option<String>,
    pub page: u64,
    pub limit: u64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: CampaignFilter,
) -> Result<Page<campaign::Model>, DbErr> {
    let mut query = campaign::Entity::find();
    if let Some(owner) = filter.owner {
        query = query.filter(campaign::Column::OwnerId.eq(owner));
    }
    if let Some(status) = filter.status {
        query = query.filter(campaign::Column::Status.eq(status.as_str()));
    }
    if let Some(q) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(campaign::Column::Name)))
                .like(format!("%{}%", escape_like(&q.to_lowercase()))),
        );
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(campaign::Column::CreatedAt)
        .order_by_desc(campaign::Column::Id)
        .offset((filter.page - 1) * filter.limit)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok(Page::new(items, filter.page, filter.limit, total))
}

/// A campaign the caller may see: any for admins (`owner = None`), their own for operators.
pub async fn get_visible(
    db: &impl ConnectionTrait,
    id: Uuid,
    owner: Option<Uuid>,
) -> Result<Option<campaign::Model>, DbErr> {
    let mut query = campaign::Entity::find_by_id(id);
    if let Some(owner) = owner {
        query = query.filter(campaign::Column::OwnerId.eq(owner));
    }
    query.one(db).await
}

/// Campaigns in progress (QUEUED, DIALING, RUNNING or PAUSED) the caller may see: any for
/// admins (`owner = None`), their own for operators. Oldest first.
pub async fn active_visible(
    db: &impl ConnectionTrait,
    owner: Option<Uuid>,
) -> Result<Vec<campaign::Model>, DbErr> {
    let active: Vec<&str> = CampaignStatus::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(CampaignStatus::as_str)
        .collect();
    let mut query = campaign::Entity::find().filter(campaign::Column::Status.is_in(active));
    if let Some(owner) = owner {
        query = query.filter(campaign::Column::OwnerId.eq(owner));
    }
    query
        .order_by_asc(campaign::Column::CreatedAt)
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await
}

/// Live counters of one campaign.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    pub total_contacts: u64,
    pub contacts_by_status: BTreeMap<String, u64>,
    pub calls_by_status: BTreeMap<String, u64>,
    /// Calls holding a slot (QUEUED, RINGING, IN_PROGRESS).
    pub active_calls: u64,
    /// Contacts with a final outcome.
    pub completed: u64,
    pub successful: u64,
    pub total_cost: f64,
}

impl Counters {
    /// Calls in a terminal status.
    pub fn terminal_calls(&self) -> u64 {
        self.calls_by_status
            .iter()
            .filter(|(s, _)| CallStatus::from_stored(s).is_ok_and(CallStatus::is_terminal))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Counters for several campaigns in three grouped queries.
pub async fn counters(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Counters>, DbErr> {
    let mut out: HashMap<Uuid, Counters> =
        ids.iter().map(|id| (*id, Counters::default())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let contacts: Vec<(Uuid, String, i64)> = contact::Entity::find()
        .select_only()
        .column(contact::Column::CampaignId)
        .column(contact::Column::Status)
        .column_as(Expr::col(contact::Column::Id).count(), "n")
        .filter(contact::Column::CampaignId.is_in(ids.iter().copied()))
        .group_by(contact::Column::CampaignId)
        .group_by(contact::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    for (id, status, n) in contacts {
        let c = out.entry(id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        c.total_contacts += n;
        if status == ContactStatus::Done.as_str() {
            c.completed += n;
        }
        c.contacts_by_status.insert(status, n);
    }
    let calls: Vec<(Uuid, String, i64, Option<f64>)> = call::Entity::find()
        .select_only()
        .column(call::Column::CampaignId)
        .column(call::Column::Status)
        .column_as(Expr::col(call::Column::Id).count(), "n")
        .column_as(Expr::col(call::Column::Cost).sum(), "cost")
        .filter(call::Column::CampaignId.is_in(ids.iter().copied()))
        .group_by(call::Column::CampaignId)
        .group_by(call::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    for (id, status, n, cost) in calls {
        let c = out.entry(id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        if CallStatus::LIVE.iter().any(|s| s.as_str() == status) {
            c.active_calls += n;
        }
        c.total_cost += cost.unwrap_or(0.0);
        c.calls_by_status.insert(status, n);
    }
    let successful: Vec<(Uuid, i64)> = call::Entity::find()
        .select_only()
        .column(call::Column::CampaignId)
        .column_as(Expr::col(call::Column::Id).count(), "n")
        .filter(call::Column::CampaignId.is_in(ids.iter().copied()))
        .filter(call::Column::Successful.eq(true))
        .group_by(call::Column::CampaignId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in successful {
        out.entry(id).or_default().successful = u64::try_from(n).unwrap_or(0);
    }
    Ok(out)
}

/// Averages over a campaign's calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallAverages {
    pub average_cost: Option<f64>,
    pub average_duration_seconds: Option<f64>,
}

pub async fn call_averages(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<CallAverages, DbErr> {
    let row: Option<(Option<f64>, Option<f64>)> = call::Entity::find()
        .select_only()
        .column_as(Expr::col(call::Column::Cost).avg(), "avg_cost")
        .column_as(
            Expr::col(call::Column::DurationSeconds).avg(),
            "avg_duration",
        )
        .filter(call::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .one(db)
        .await?;
    let (average_cost, average_duration_seconds) = row.unwrap_or((None, None));
    Ok(CallAverages {
        average_cost,
        average_duration_seconds,
    })
}

pub struct ContactFilter {
    pub status: Option<ContactStatus>,
    pub search: Option<String>,
    pub batch: Option<u32>,
    pub page: u64,
    pub limit: u64,
}

pub async fn contacts_page(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    filter: ContactFilter,
) -> Result<Page<contact::Model>, DbErr> {
    let mut query = contact::Entity::find().filter(contact::Column::CampaignId.eq(campaign_id));
    if let Some(status) = filter.status {
        query = query.filter(contact::Column::Status.eq(status.as_str()));
    }
    if let Some(batch) = filter.batch {
        query = query.filter(contact::Column::BatchIndex.eq(batch as i32));
    }
    if let Some(q) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let mut any = Condition::any()
            .add(Expr::expr(Func::lower(Expr::col(contact::Column::Name))).like(pattern.clone()))
            .add(Expr::expr(Func::lower(Expr::col(contact::Column::BusinessName))).like(pattern));
        if !digits.is_empty() {
            any = any.add(contact::Column::PhoneE164.like(format!("%{digits}%")));
        }
        query = query.filter(any);
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(contact::Column::RowNumber)
        .offset((filter.page - 1) * filter.limit)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok(Page::new(items, filter.page, filter.limit, total))
}

/// The newest call of each of `contact_ids`.
pub async fn latest_calls(
    db: &impl ConnectionTrait,
    contact_ids: &[Uuid],
) -> Result<HashMap<Uuid, call::Model>, DbErr> {
    if contact_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let calls = call::Entity::find()
        .filter(call::Column::ContactId.is_in(contact_ids.iter().copied()))
        .order_by_asc(call::Column::ContactId)
        .order_by_desc(call::Column::Attempt)
        .order_by_desc(call::Column::CreatedAt)
        .all(db)
        .await?;
    let mut latest = HashMap::new();
    for call in calls {
        latest.entry(call.contact_id).or_insert(call);
    }
    Ok(latest)
}

/// Up to `limit` contacts after `after_row` (in CSV order) with their newest call: one chunk of
/// the streaming export.
pub async fn export_chunk(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    after_row: i32,
    limit: u64,
) -> Result<Vec<(contact::Model, Option<call::Model>)>, DbErr> {
    let contacts = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .filter(contact::Column::RowNumber.gt(after_row))
        .order_by_asc(contact::Column::RowNumber)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = contacts.iter().map(|c| c.id).collect();
    let mut calls = latest_calls(db, &ids).await?;
    Ok(contacts
        .into_iter()
        .map(|c| {
            let call = calls.remove(&c.id);
            (c, call)
        })
        .collect())
}

/// When the campaign will likely be done, from the pace so far.
pub fn estimate_completion(
    status: CampaignStatus,
    first_dial_at: Option<DateTime<Utc>>,
    counters: &Counters,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if !matches!(status, CampaignStatus::Dialing | CampaignStatus::Running) {
        return None;
    }
    let started = first_dial_at?;
    let elapsed = Ord::max((now - started).num_milliseconds(), 1) as f64;
    if counters.completed == 0 {
        return None;
    }
    let remaining = counters.total_contacts.saturating_sub(counters.completed) as f64;
    let per_contact = elapsed / counters.completed as f64;
    Some(now + chrono::Duration::milliseconds((remaining * per_contact) as i64))
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<campaign::Model>, DbErr> {
    campaign::Entity::find_by_id(id).one(db).await
}

/// What an edit changes (`None`: unchanged).
#[derive(Debug, Default)]
pub struct CampaignEdit {
    pub name: Option<String>,
    pub cap: Option<u32>,
    pub mode: Option<CampaignMode>,
    pub line_quiet_gating: Option<bool>,
    pub assistant_id: Option<Uuid>,
    pub settings: Option<serde_json::Value>,
    /// Number the batches again over the contacts still PENDING (batch mode, by the cap).
    pub renumber_batches: bool,
}

/// Writes an edit if the campaign is still CREATED or PAUSED (`None` otherwise), in one
/// transaction with the renumbering of its batches.
pub async fn edit(
    db: &sea_orm::DatabaseConnection,
    id: Uuid,
    edit: &CampaignEdit,
) -> Result<Option<campaign::Model>, DbErr> {
    let txn = db.begin().await?;
    let mut query = campaign::Entity::update_many()
        .col_expr(campaign::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.is_in([
            CampaignStatus::Created.as_str(),
            CampaignStatus::Paused.as_str(),
        ]));
    if let Some(name) = &edit.name {
        query = query.col_expr(campaign::Column::Name, Expr::value(name.clone()));
    }
    if let Some(cap) = edit.cap {
        query = query.col_expr(campaign::Column::Cap, Expr::value(cap as i32));
    }
    if let Some(mode) = edit.mode {
        query = query.col_expr(campaign::Column::Mode, Expr::value(mode.as_str()));
    }
    if let Some(gating) = edit.line_quiet_gating {
        query = query.col_expr(campaign::Column::LineQuietGating, Expr::value(gating));
    }
    if let Some(assistant) = edit.assistant_id {
        query = query.col_expr(campaign::Column::AssistantId, Expr::value(assistant));
    }
    if let Some(settings) = &edit.settings {
        query = query.col_expr(
            campaign::Column::SettingsJson,
            Expr::value(settings.clone()),
        );
    }
    let Some(updated) = query.exec_with_returning(&txn).await?.into_iter().next() else {
        txn.rollback().await?;
        return Ok(None);
    };
    if edit.renumber_batches {
        let cap = i64::from(Ord::max(updated.cap, 1));
        // After every batch already begun: the waiting contacts in row order, `cap` a batch.
        let begun = contact::Entity::find()
            .filter(contact::Column::CampaignId.eq(id))
            .filter(contact::Column::Status.ne(ContactStatus::Pending.as_str()))
            .order_by_desc(contact::Column::BatchIndex)
            .one(&txn)
            .await?
            .map_or(0, |c| i64::from(c.batch_index) + 1);
        let waiting: Vec<Uuid> = contact::Entity::find()
            .select_only()
            .column(contact::Column::Id)
            .filter(contact::Column::CampaignId.eq(id))
            .filter(contact::Column::Status.eq(ContactStatus::Pending.as_str()))
            .order_by_asc(contact::Column::RowNumber)
            .into_tuple()
            .all(&txn)
            .await?;
        for (chunk_no, chunk) in waiting.chunks(cap as usize).enumerate() {
            let index = i32::try_from(begun + chunk_no as i64).unwrap_or(i32::MAX);
            contact::Entity::update_many()
                .col_expr(contact::Column::BatchIndex, Expr::value(index))
                .filter(contact::Column::Id.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(Some(updated))
}

/// The pause reason of a campaign paused by an operator's command.
pub const PAUSED_BY_OPERATOR: &str = "operator";
/// The pause reason of a campaign paused by its budget.
pub const PAUSED_BY_BUDGET: &str = "budget-reached";
/// The pause reason of a campaign paused by its safety brake.
pub const PAUSED_BY_SAFETY_BRAKE: &str = "safety-brake";

/// Stamps when the campaign first placed a call, unless it already has; answers the stamp.
pub async fn stamp_first_dial(db: &impl ConnectionTrait, id: Uuid) -> Result<DateTime<Utc>, DbErr> {
    let now = Utc::now();
    campaign::Entity::update_many()
        .col_expr(
            campaign::Column::FirstDialAt,
            Expr::col(campaign::Column::FirstDialAt).if_null(now),
        )
        .filter(campaign::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(get(db, id)
        .await?
        .and_then(|c| c.first_dial_at)
        .unwrap_or(now))
}

/// Moves a campaign `from → to` if it is still `from`, stamping the matching timestamp.
/// `detail` is the failure reason (FAILED), the stop mode (STOPPED) or the pause reason
/// (PAUSED; `operator` when none). `false` when the campaign was no longer `from`.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: CampaignStatus,
    to: CampaignStatus,
    detail: Option<&str>,
) -> Result<bool, DbErr> {
    transition_explained(db, id, from, to, detail, None).await
}

/// [`transition`], with the words that explain a pause (the numbers a guardrail saw).
pub async fn transition_explained(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: CampaignStatus,
    to: CampaignStatus,
    detail: Option<&str>,
    pause_detail: Option<&str>,
) -> Result<bool, DbErr> {
    if !from.can_become(to) {
        return Ok(false);
    }
    let now = Utc::now();
    let mut query = campaign::Entity::update_many()
        .col_expr(campaign::Column::Status, Expr::value(to.as_str()))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.eq(from.as_str()));
    match to {
        CampaignStatus::Queued if from == CampaignStatus::Created => {
            query = query.col_expr(campaign::Column::StartedAt, Expr::value(now));
        }
        CampaignStatus::Dialing => {
            query = query.col_expr(
                campaign::Column::FirstDialAt,
                Expr::col(campaign::Column::FirstDialAt).if_null(now),
            );
        }
        CampaignStatus::Completed => {
            query = query.col_expr(campaign::Column::CompletedAt, Expr::value(now));
        }
        CampaignStatus::Stopped => {
            query = query
                .col_expr(campaign::Column::CompletedAt, Expr::value(now))
                .col_expr(
                    campaign::Column::StopMode,
                    Expr::value(detail.map(str::to_owned)),
                );
        }
        CampaignStatus::Failed => {
            query = query
                .col_expr(campaign::Column::CompletedAt, Expr::value(now))
                .col_expr(
                    campaign::Column::FailureReason,
                    Expr::value(detail.map(str::to_owned)),
                );
        }
        CampaignStatus::Paused => {
            query = query
                .col_expr(
                    campaign::Column::PauseReason,
                    Expr::value(detail.unwrap_or(PAUSED_BY_OPERATOR).to_owned()),
                )
                .col_expr(
                    campaign::Column::PauseDetail,
                    Expr::value(pause_detail.map(str::to_owned)),
                );
        }
        _ => {}
    }
    if from == CampaignStatus::Paused {
        // Resumed or stopped: the pause is over, and so is its reason.
        query = query
            .col_expr(
                campaign::Column::PauseReason,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                campaign::Column::PauseDetail,
                Expr::value(Option::<String>::None),
            );
    }
    Ok(query.exec(db).await?.rows_affected == 1)
}

/// Campaigns the runtime must run after a start: every unfinished one, and stopped ones that
/// still have live calls to follow.
pub async fn runnable(db: &impl ConnectionTrait) -> Result<Vec<campaign::Model>, DbErr> {
    let active: Vec<&str> = CampaignStatus::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(CampaignStatus::as_str)
        .collect();
    let live_campaigns: Vec<Uuid> = call::Entity::find()
        .select_only()
        .column(call::Column::CampaignId)
        .distinct()
        .filter(call::Column::Status.is_in(CallStatus::LIVE.map(CallStatus::as_str)))
        .into_tuple()
        .all(db)
        .await?;
    campaign::Entity::find()
        .filter(
            Condition::any()
                .add(campaign::Column::Status.is_in(active))
                .add(campaign::Column::Id.is_in(live_campaigns)),
        )
        .order_by_asc(campaign::Column::CreatedAt)
        .all(db)
        .await
}

/// A contact's batch.
pub async fn contact_batch(
    db: &impl ConnectionTrait,
    contact_id: Uuid,
) -> Result<Option<i32>, DbErr> {
    Ok(contact::Entity::find_by_id(contact_id)
        .one(db)
        .await?
        .map(|c| c.batch_index))
}

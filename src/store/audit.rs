//! The audit trail: entries are inserted and read, never updated or deleted (there is no
//! function here that could).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::store::Page;
use crate::store::entities::audit_log;

/// One thing that was done, by whom, to what.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor_user_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
    pub request_id: Option<String>,
}

pub async fn record(db: &impl ConnectionTrait, entry: NewEntry) -> Result<audit_log::Model, DbErr> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_user_id: Set(entry.actor_user_id),
        actor_name: Set(entry.actor_name),
        action: Set(entry.action),
        target_type: Set(entry.target_type),
        target_id: Set(entry.target_id),
        details: Set(entry.details),
        request_id: Set(entry.request_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
}

/// Filters of a listing; `None` matches everything.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub actor_user_id: Option<Uuid>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

/// Newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: u64,
    limit: u64,
) -> Result<Page<audit_log::Model>, DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(audit_log::Column::ActorUserId.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(target_type) = &filter.target_type {
        query = query.filter(audit_log::Column::TargetType.eq(target_type.as_str()));
    }
    if let Some(target_id) = &filter.target_id {
        query = query.filter(audit_log::Column::TargetId.eq(target_id.as_str()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::Column::CreatedAt.lt(until));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .offset((page - 1) * limit)
        .limit(limit)
        .all(db)
        .await?;
    Ok(Page::new(items, page, limit, total))
}

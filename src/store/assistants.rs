//! The assistant directory. Deleting keeps the row (marked `deleted_at`) so finished campaigns
//! keep naming the assistant they used.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::campaign::CampaignStatus;
use crate::store::Page;
use crate::store::entities::{assistant, campaign};

/// Where an assistant came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Local,
    Imported,
    Template,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "local",
            Source::Imported => "imported",
            Source::Template => "template",
        }
    }

    /// The stored text back as a source; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "local" => Some(Source::Local),
            "imported" => Some(Source::Imported),
            "template" => Some(Source::Template),
            _ => None,
        }
    }
}

pub struct NewAssistant {
    pub provider_assistant_id: String,
    pub name: String,
    pub source: Source,
    pub template_key: Option<String>,
    pub config: Value,
    pub ephemeral: bool,
    pub created_by: Option<Uuid>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewAssistant,
) -> Result<assistant::Model, DbErr> {
    let now = Utc::now();
    assistant::ActiveModel {
        id: Set(Uuid::now_v7()),
        provider_assistant_id: Set(Some(new.provider_assistant_id)),
        name: Set(new.name),
        source: Set(new.source.as_str().to_owned()),
        template_key: Set(new.template_key),
        config_json: Set(new.config),
        active: Set(true),
        ephemeral: Set(new.ephemeral),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(db)
    .await
}

/// Imports (or re-imports) a provider assistant: an existing row with the same provider id is
/// refreshed (name, config) and made active; a deleted one is revived as `imported`, while a
/// live one keeps its source (importing an assistant we created does not turn it into an
/// import). Returns the row and whether it was created.
pub async fn upsert_imported(
    db: &impl ConnectionTrait,
    provider_assistant_id: &str,
    name: String,
    config: Value,
    created_by: Uuid,
) -> Result<(assistant::Model, bool), DbErr> {
    let existing = assistant::Entity::find()
        .filter(assistant::Column::ProviderAssistantId.eq(provider_assistant_id))
        .one(db)
        .await?;
    match existing {
        Some(model) => {
            let revived = model.deleted_at.is_some();
            let mut active = model.into_active_model();
            active.name = Set(name);
            active.config_json = Set(config);
            if revived {
                active.source = Set(Source::Imported.as_str().to_owned());
                active.template_key = Set(None);
                active.ephemeral = Set(false);
            }
            active.deleted_at = Set(None);
            active.active = Set(true);
            active.updated_at = Set(Utc::now());
            Ok((active.update(db).await?, false))
        }
        None => {
            let model = insert(
                db,
                NewAssistant {
                    provider_assistant_id: provider_assistant_id.to_owned(),
                    name,
                    source: Source::Imported,
                    template_key: None,
                    config,
                    ephemeral: false,
                    created_by: Some(created_by),
                },
            )
            .await?;
            Ok((model, true))
        }
    }
}

/// A live (not deleted) assistant.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<assistant::Model>, DbErr> {
    assistant::Entity::find_by_id(id)
        .filter(assistant::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// An assistant, deleted or not (running campaigns keep using what they started with).
pub async fn get_any(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<assistant::Model>, DbErr> {
    assistant::Entity::find_by_id(id).one(db).await
}

/// An assistant's name, deleted or not (for campaign history).
pub async fn name_of(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(assistant::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|a| a.name))
}

/// The names of several assistants at once (one query), by id.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = assistant::Entity::find()
        .select_only()
        .column(assistant::Column::Id)
        .column(assistant::Column::Name)
        .filter(assistant::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

pub struct ListFilter {
    pub q: Option<String>,
    pub active: Option<bool>,
    pub page: u64,
    pub limit: u64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: ListFilter,
) -> Result<Page<assistant::Model>, DbErr> {
    let mut query = assistant::Entity::find().filter(assistant::Column::DeletedAt.is_null());
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(assistant::Column::Name)))
                .like(format!("%{}%", escape_like(&q.to_lowercase()))),
        );
    }
    if let Some(active) = filter.active {
        query = query.filter(assistant::Column::Active.eq(active));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(assistant::Column::Name)
        .order_by_asc(assistant::Column::Id)
        .offset((filter.page - 1) * filter.limit)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok(Page::new(items, filter.page, filter.limit, total))
}

pub async fn save(
    db: &impl ConnectionTrait,
    model: assistant::ActiveModel,
) -> Result<assistant::Model, DbErr> {
    model.update(db).await
}

/// Campaigns that still may dial with this assistant (not COMPLETED, STOPPED or FAILED).
pub async fn count_unfinished_campaigns(
    db: &impl ConnectionTrait,
    assistant_id: Uuid,
) -> Result<u64, DbErr> {
    let finished = CampaignStatus::ALL
        .into_iter()
        .filter(|s| s.is_finished())
        .map(|s| s.as_str());
    campaign::Entity::find()
        .filter(campaign::Column::AssistantId.eq(assistant_id))
        .filter(campaign::Column::Status.is_not_in(finished))
        .count(db)
        .await
}

pub async fn mark_deleted(db: &impl ConnectionTrait, model: assistant::Model) -> Result<(), DbErr> {
    let mut active = model.into_active_model();
    let now = Utc::now();
    active.deleted_at = Set(Some(now));
    active.active = Set(false);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(())
}

/// Drops LIKE wildcards from a user's search text so it cannot match everything by accident
/// (PostgreSQL and SQLite disagree on the default escape character).
pub fn escape_like(s: &str) -> String {
    s.replace(['%', '_', '\\'], "")
}

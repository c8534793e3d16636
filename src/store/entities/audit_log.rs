//! `audit_log`: who changed what through the API, append-only (the store inserts and reads,
//! never updates or deletes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `None` for actions outside the API (the command line).
    pub actor_user_id: Option<Uuid>,
    /// The actor's name when it acted, kept even if the user is renamed later.
    pub actor_name: String,
    /// `<target>.<verb>`, e.g. `campaign.start`.
    pub action: String,
    /// `user`, `token`, `assistant`, `suppression`, `campaign`.
    pub target_type: String,
    pub target_id: Option<String>,
    /// What changed (never secrets, phone numbers only masked).
    #[sea_orm(column_type = "JsonBinary")]
    pub details: Json,
    /// The `X-Request-Id` of the request, to find its log lines.
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

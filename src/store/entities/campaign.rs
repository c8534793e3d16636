//! `campaigns`: one outbound calling run over a contact list, with its lease for multi-process
//! ownership.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// `continuous` or `batch`.
    pub mode: String,
    /// Concurrent-call cap, 1..=50.
    pub cap: i32,
    pub assistant_id: Uuid,
    pub phone_number_id: String,
    pub line_quiet_gating: bool,
    /// `CREATED`, `QUEUED`, `DIALING`, `RUNNING`, `PAUSED`, `COMPLETED`, `STOPPED` or `FAILED`.
    pub status: crate::domain::campaign::CampaignStatus,
    pub owner_id: Uuid,
    #[sea_orm(column_type = "JsonBinary")]
    pub settings_json: Json,
    pub total_contacts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub failure_reason: Option<String>,
    pub stop_mode: Option<String>,
    /// Why a PAUSED campaign is paused: `operator`, `safety-brake` or `budget-reached`.
    pub pause_reason: Option<String>,
    /// The numbers that tripped a guardrail, in words.
    #[sea_orm(column_type = "Text", nullable)]
    pub pause_detail: Option<String>,
    /// Id of the process holding the lease.
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub first_dial_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::assistant::Entity",
        from = "Column::AssistantId",
        to = "super::assistant::Column::Id",
        on_delete = "Restrict"
    )]
    Assistant,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::OwnerId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Owner,
    #[sea_orm(has_many = "super::contact::Entity")]
    Contacts,
    #[sea_orm(has_many = "super::call::Entity")]
    Calls,
}

impl Related<super::assistant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assistant.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contacts.def()
    }
}

impl Related<super::call::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Calls.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

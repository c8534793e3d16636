//! `calls`: one dial attempt of a contact; `dial_intent_at` is written before `POST /call`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calls")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub contact_id: Uuid,
    pub attempt: i32,
    #[sea_orm(unique)]
    pub provider_call_id: Option<String>,
    /// `QUEUED`, `RINGING`, `IN_PROGRESS`, `ENDED`, `FAILED`, `CANCELED` or `TIMEOUT`.
    pub status: crate::domain::campaign::CallStatus,
    /// `answered`, `no-answer`, `busy`, `voicemail`, `invalid-number`, `retryable-error`,
    /// `permanent-error` or `unknown`.
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub ended_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub control_url: Option<String>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub recording_url: Option<String>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub transcript_json: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub success_evaluation: Option<String>,
    /// `success_evaluation` read by `domain::campaign::is_success`, kept for aggregation.
    pub successful: Option<bool>,
    /// autolynx ended the call itself: `cancel` (an operator's hang-up: the call ends
    /// CANCELED) or `timeout` (stuck: it ends TIMEOUT) instead of ENDED.
    pub end_requested: Option<String>,
    pub dial_intent_at: DateTimeUtc,
    /// Set right before `POST /call` is sent: without it, the dial certainly never left.
    pub dial_sent_at: Option<DateTimeUtc>,
    pub provider_created_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub last_event_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::campaign::Entity",
        from = "Column::CampaignId",
        to = "super::campaign::Column::Id",
        on_delete = "Cascade"
    )]
    Campaign,
    #[sea_orm(
        belongs_to = "super::contact::Entity",
        from = "Column::ContactId",
        to = "super::contact::Column::Id",
        on_delete = "Cascade"
    )]
    Contact,
    #[sea_orm(has_many = "super::call_event::Entity")]
    Events,
}

impl Related<super::campaign::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl Related<super::contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contact.def()
    }
}

impl Related<super::call_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Events.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

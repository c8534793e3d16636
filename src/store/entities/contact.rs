//! `contacts`: one imported CSV row of a campaign; unique per (campaign, E.164 phone).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    /// 1-based CSV data row.
    pub row_number: i32,
    pub name: String,
    pub business_name: String,
    pub phone_e164: String,
    pub phone_original: String,
    pub batch_index: i32,
    #[sea_orm(column_type = "JsonBinary")]
    pub variables_json: Json,
    /// The contact's IANA time zone from the CSV; `None` = the campaign's.
    pub timezone: Option<String>,
    /// Not to be dialed before this (a redial waiting for its delay).
    pub next_attempt_at: Option<DateTimeUtc>,
    /// `PENDING`, `DIALING`, `DONE` or `NOT_ATTEMPTED`.
    pub status: crate::domain::campaign::ContactStatus,
    pub attempts: i32,
    pub outcome: Option<String>,
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
    #[sea_orm(has_many = "super::call::Entity")]
    Calls,
}

impl Related<super::campaign::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl Related<super::call::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Calls.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! `assistants`: the assistant directory (local, imported from the provider, or from a template).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assistants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The provider's (Vapi) assistant id, once known.
    #[sea_orm(unique)]
    pub provider_assistant_id: Option<String>,
    pub name: String,
    /// `local`, `imported` or `template`.
    pub source: String,
    pub template_key: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub config_json: Json,
    pub active: bool,
    pub ephemeral: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when deleted: the row stays so finished campaigns keep their history.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Creator,
    #[sea_orm(has_many = "super::campaign::Entity")]
    Campaigns,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl Related<super::campaign::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaigns.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

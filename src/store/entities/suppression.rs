//! `suppression_list`: phone numbers that must never be dialled (do-not-call).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_list")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub phone_e164: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub added_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// `manual` (added through the API), `import` (a list file) or `opt-out` (the person
    /// asked on a call); empty for entries older than the column.
    pub source: Option<String>,
    /// For an opt-out: the campaign and call it was heard on.
    pub campaign_id: Option<Uuid>,
    pub call_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AddedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    AddedBy,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AddedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

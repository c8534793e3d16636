//! `users`: admins and operators; they authenticate with API tokens.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub email: Option<String>,
    /// `admin` or `operator`.
    pub role: String,
    pub allowlisted: bool,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiTokens,
    #[sea_orm(has_many = "super::assistant::Entity")]
    Assistants,
    #[sea_orm(has_many = "super::campaign::Entity")]
    Campaigns,
    #[sea_orm(has_many = "super::suppression::Entity")]
    Suppressions,
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiTokens.def()
    }
}

/// Assistants this user created.
impl Related<super::assistant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assistants.def()
    }
}

/// Campaigns this user owns.
impl Related<super::campaign::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaigns.def()
    }
}

/// Suppression entries this user added.
impl Related<super::suppression::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Suppressions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! `api_tokens`: bearer tokens, stored only as a hex SHA-256 hash plus a display prefix.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// Hex SHA-256 of the token (64 chars).
    #[sea_orm(unique)]
    pub token_hash: String,
    /// First characters of the token, for display.
    pub prefix: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// After this instant the token is refused; `None` = never expires.
    pub expires_at: Option<DateTimeUtc>,
    /// `api` (bearer token), `session` (console cookie) or `login_link` (one-time sign-in link,
    /// never a bearer token); see `store::sessions`.
    pub kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

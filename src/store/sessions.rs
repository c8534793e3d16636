//! The console's credentials, kept in `api_tokens` beside the API tokens so that expiry,
//! revocation and the admin's token list cover them too: one-time sign-in links
//! (`login_link`, never accepted as bearer tokens) and sessions (`session`, the value of the
//! console's HttpOnly cookie).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::auth::{NewToken, TokenHash};
use crate::store::entities::{api_token, user};

/// A bearer token for the API.
pub const KIND_API: &str = "api";
/// A console session (the cookie's value).
pub const KIND_SESSION: &str = "session";
/// A one-time sign-in link.
pub const KIND_LOGIN_LINK: &str = "login_link";

/// Issues a sign-in link for a user that works once, until `expires_at`.
pub async fn create_login_link(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(api_token::Model, NewToken), DbErr> {
    crate::store::users::insert_token(db, user_id, "login link", Some(expires_at), KIND_LOGIN_LINK)
        .await
}

/// Starts a console session for a user, ending at `expires_at` at the latest.
pub async fn create_session(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(api_token::Model, NewToken), DbErr> {
    crate::store::users::insert_token(
        db,
        user_id,
        "console session",
        Some(expires_at),
        KIND_SESSION,
    )
    .await
}

/// What opening a sign-in link came to.
#[derive(Debug)]
pub enum Redeemed {
    /// The link was valid; it is now used up.
    User(user::Model),
    /// No such link.
    Unknown,
    /// Used before (or revoked).
    Used,
    Expired,
}

/// Uses up a sign-in link. The claim is one conditional update, so of two concurrent openings
/// exactly one wins; an expired link is used up too (it was worthless already). Expiry is
/// compared here rather than in SQL, where SQLite would compare timestamps as text.
pub async fn redeem_login_link(
    db: &impl ConnectionTrait,
    hash: &TokenHash,
    now: DateTime<Utc>,
) -> Result<Redeemed, DbErr> {
    let claimed = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            api_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::TokenHash.eq(hash.as_str()))
        .filter(api_token::Column::Kind.eq(KIND_LOGIN_LINK))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash.as_str()))
        .filter(api_token::Column::Kind.eq(KIND_LOGIN_LINK))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(match found {
        None | Some((_, None)) => Redeemed::Unknown,
        Some((token, _)) if token.expires_at.is_none_or(|at| at <= now) => Redeemed::Expired,
        Some((_, Some(user))) if claimed == 1 => Redeemed::User(user),
        Some(_) => Redeemed::Used,
    })
}

/// Ends a session (logout); ending an ended or unknown one changes nothing.
pub async fn revoke_session(db: &impl ConnectionTrait, hash: &TokenHash) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_token::Column::TokenHash.eq(hash.as_str()))
        .filter(api_token::Column::Kind.eq(KIND_SESSION))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a user's console sessions and sign-in links that expired before `cutoff`, so they
/// neither pile up nor clutter the user's token list. Expiry is compared here, not in SQL (see
/// [`redeem_login_link`]).
pub async fn prune_expired(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let stale: Vec<Uuid> = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::Kind.is_in([KIND_SESSION, KIND_LOGIN_LINK]))
        .all(db)
        .await?
        .into_iter()
        .filter(|t| t.expires_at.is_some_and(|at| at < cutoff))
        .map(|t| t.id)
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    let deleted = api_token::Entity::delete_many()
        .filter(api_token::Column::Id.is_in(stale))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

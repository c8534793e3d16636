//! Users and their API tokens.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::domain::auth::{NewToken, Role, TokenHash};
use crate::store::entities::{api_token, user};

/// The owner of an unrevoked token (expired ones included: the caller says why it refuses).
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    hash: &TokenHash,
) -> Result<Option<(user::Model, api_token::Model)>, DbErr> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash.as_str()))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::Kind.ne(crate::store::sessions::KIND_LOGIN_LINK))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(token, user)| user.map(|u| (u, token))))
}

pub async fn touch_token(db: &impl ConnectionTrait, token_id: Uuid) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_token::Column::Id.eq(token_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Name)
        .all(db)
        .await
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// Finds a user by email when one is given, by name otherwise.
pub async fn find_by_identity(
    db: &impl ConnectionTrait,
    name: &str,
    email: Option<&str>,
) -> Result<Option<user::Model>, DbErr> {
    let query = match email {
        Some(email) => user::Entity::find().filter(user::Column::Email.eq(email)),
        None => user::Entity::find()
            .filter(user::Column::Name.eq(name))
            .filter(user::Column::Email.is_null()),
    };
    query.one(db).await
}

/// Creates a user, or allowlists (and re-enables) the existing one with the same identity and
/// gives it `role`. Returns the user and whether it was created.
pub async fn upsert_allowlisted(
    db: &impl ConnectionTrait,
    name: &str,
    email: Option<&str>,
    role: Role,
) -> Result<(user::Model, bool), DbErr> {
    let now = Utc::now();
    if let Some(existing) = find_by_identity(db, name, email).await? {
        let mut active = existing.into_active_model();
        active.name = Set(name.to_owned());
        active.role = Set(role.as_str().to_owned());
        active.allowlisted = Set(true);
        active.disabled = Set(false);
        active.updated_at = Set(now);
        return Ok((active.update(db).await?, false));
    }
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        email: Set(email.map(str::to_owned)),
        role: Set(role.as_str().to_owned()),
        allowlisted: Set(true),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok((model.insert(db).await?, true))
}

/// Changes to a user; `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub allowlisted: Option<bool>,
    pub disabled: Option<bool>,
}

pub async fn update(
    db: &impl ConnectionTrait,
    existing: user::Model,
    changes: UserChanges,
) -> Result<user::Model, DbErr> {
    let mut active = existing.into_active_model();
    if let Some(name) = changes.name {
        active.name = Set(name);
    }
    if let Some(role) = changes.role {
        active.role = Set(role.as_str().to_owned());
    }
    if let Some(allowlisted) = changes.allowlisted {
        active.allowlisted = Set(allowlisted);
    }
    if let Some(disabled) = changes.disabled {
        active.disabled = Set(disabled);
    }
    active.updated_at = Set(Utc::now());
    active.update(db).await
}

/// Admins who can still sign in.
pub async fn count_active_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Allowlisted.eq(true))
        .count(db)
        .await
}

/// Issues a new token for a user; the plain text is in the returned [`NewToken`] only.
pub async fn create_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
) -> Result<(api_token::Model, NewToken), DbErr> {
    create_token_expiring(db, user_id, name, None).await
}

/// Issues a new token that stops working at `expires_at` (`None`: never).
pub async fn create_token_expiring(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(api_token::Model, NewToken), DbErr> {
    insert_token(
        db,
        user_id,
        name,
        expires_at,
        crate::store::sessions::KIND_API,
    )
    .await
}

/// Issues a token of any kind (see `api_token::Model::kind`).
pub(crate) async fn insert_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
    kind: &str,
) -> Result<(api_token::Model, NewToken), DbErr> {
    let token = NewToken::generate();
    let model = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(token.hash.as_str().to_owned()),
        prefix: Set(token.display_prefix.clone()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(expires_at),
        kind: Set(kind.to_owned()),
    }
    .insert(db)
    .await?;
    Ok((model, token))
}

pub async fn list_tokens(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_asc(api_token::Column::CreatedAt)
        .all(db)
        .await
}

/// Revokes one of a user's tokens; `None` when the user has no such token.
pub async fn revoke_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_id: Uuid,
) -> Result<Option<api_token::Model>, DbErr> {
    let Some(token) = api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if token.revoked_at.is_some() {
        return Ok(Some(token));
    }
    let mut active = token.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(Some(active.update(db).await?))
}

//! `/api/me` and admin-only user management: users, their roles, and their API tokens.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use uuid::Uuid;

use crate::domain::auth::Role;
use crate::http::audit;
use crate::http::auth::BearerAuth;
use crate::http::common::{non_null, strict, trim};
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::store;
use crate::store::entities::{api_token, user};

pub struct UsersApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RoleDto {
    Admin,
    Operator,
}

impl From<Role> for RoleDto {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleDto::Admin,
            Role::Operator => RoleDto::Operator,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(role: RoleDto) -> Self {
        match role {
            RoleDto::Admin => Role::Admin,
            RoleDto::Operator => Role::Operator,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct UserDto {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: RoleDto,
    /// Only allowlisted users can authenticate.
    pub allowlisted: bool,
    /// A disabled user's tokens stop working at once.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<user::Model> for UserDto {
    type Error = ApiError;

    fn try_from(m: user::Model) -> Result<Self, ApiError> {
        let role: Role = m.role.parse().map_err(ApiError::internal)?;
        Ok(Self {
            id: m.id,
            name: m.name,
            email: m.email,
            role: role.into(),
            allowlisted: m.allowlisted,
            disabled: m.disabled,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TokenDto {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, to tell tokens apart; never the whole token.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the token stops working; absent = never.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenDto {
    fn from(m: api_token::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
            expires_at: m.expires_at,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct MeDto {
    pub user: UserDto,
    /// The token this request was authenticated with.
    pub token_id: Uuid,
    pub token_name: String,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CreateUserRequest {
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "strict")]
    pub name: String,
    /// An address (it has an `@`); omit the field for a user without one.
    #[oai(validator(max_length = 320, pattern = "@"))]
    #[oai(deserialize_with = "non_null")]
    pub email: Option<String>,
    pub role: RoleDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct UpdateUserRequest {
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "non_null")]
    pub name: Option<String>,
    #[oai(deserialize_with = "non_null")]
    pub role: Option<RoleDto>,
    #[oai(deserialize_with = "non_null")]
    pub allowlisted: Option<bool>,
    #[oai(deserialize_with = "non_null")]
    pub disabled: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CreateTokenRequest {
    /// What the token is for, e.g. "ci" or "laptop".
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "strict")]
    pub name: String,
    /// When the token stops working (must be in the future). With `expiresInDays`, give one
    /// or the other; without either the token never expires. Rotate by issuing the new token
    /// with the old one still valid, then letting the old one expire (or revoking it).
    #[oai(deserialize_with = "non_null")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Days from now until the token stops working (1–3650).
    #[oai(validator(minimum(value = "1"), maximum(value = "3650")))]
    #[oai(deserialize_with = "non_null")]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CreatedTokenDto {
    /// The bearer token. Shown this once: only its hash is stored.
    pub token: String,
    pub info: TokenDto,
}

#[derive(ApiResponse)]
pub enum MeResponse {
    #[oai(status = 200)]
    Ok(Json<MeDto>),
}

#[derive(ApiResponse)]
pub enum UserListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<UserDto>>),
}

#[derive(ApiResponse)]
pub enum UpsertUserResponse {
    /// An existing user with this identity was allowlisted and given the role.
    #[oai(status = 200)]
    Updated(Json<UserDto>),
    /// A new user was created.
    #[oai(status = 201)]
    Created(Json<UserDto>),
}

#[derive(ApiResponse)]
pub enum UserResponse {
    #[oai(status = 200)]
    Ok(Json<UserDto>),
}

#[derive(ApiResponse)]
pub enum TokenListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<TokenDto>>),
}

#[derive(ApiResponse)]
pub enum CreateTokenResponse {
    #[oai(status = 201)]
    Created(Json<CreatedTokenDto>),
}

#[derive(ApiResponse)]
pub enum TokenResponse {
    #[oai(status = 200)]
    Ok(Json<TokenDto>),
}

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// The caller's own identity and role.
    ///
    /// Answers who the bearer token (or the console session) belongs to, with the token's id and
    /// name: what a client checks first.
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn me(&self, auth: BearerAuth, state: Data<&AppState>) -> ApiResult<MeResponse> {
        let user = store::users::get(&state.db, auth.0.id)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        Ok(MeResponse::Ok(Json(MeDto {
            user: user.try_into()?,
            token_id: auth.0.token_id,
            token_name: auth.0.token_name,
        })))
    }

    /// List every user (admin).
    ///
    /// With each user's role, email, allowlisting and disabled flag; newest first.
    #[oai(path = "/users", method = "get", operation_id = "listUsers")]
    async fn list(&self, auth: BearerAuth, state: Data<&AppState>) -> ApiResult<UserListResponse> {
        auth.0.require_admin()?;
        let users = store::users::list(&state.db)
            .await?
            .into_iter()
            .map(UserDto::try_from)
            .collect::<Result<_, _>>()?;
        Ok(UserListResponse::Ok(Json(users)))
    }

    /// Create a user, or allowlist an existing one (same email, or same name without email), with a
    /// role (admin).
    ///
    /// An admin cannot give themselves another role this way (409).
    #[oai(path = "/users", method = "post", operation_id = "upsertUser")]
    async fn upsert(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        body: Json<CreateUserRequest>,
    ) -> ApiResult<UpsertUserResponse> {
        auth.0.require_admin()?;
        let req = body.0;
        let name = trim(&req.name);
        if name.is_empty() {
            return Err(ApiError::validation("name", "must not be blank"));
        }
        let email = req
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if let Some(email) = email
            && !email.contains('@')
        {
            return Err(ApiError::validation("email", "is not an email address"));
        }
        let role = Role::from(req.role);
        if role != auth.0.role
            && store::users::find_by_identity(&state.db, name, email)
                .await?
                .is_some_and(|existing| existing.id == auth.0.id)
        {
            return Err(self_lockout("demote"));
        }
        let (user, created) =
            store::users::upsert_allowlisted(&state.db, name, email, role).await?;
        audit::record(
            &state,
            &auth.0,
            if created {
                "user.create"
            } else {
                "user.allowlist"
            },
            "user",
            Some(user.id.to_string()),
            serde_json::json!({ "name": user.name, "email": user.email, "role": user.role }),
        )
        .await;
        let dto = UserDto::try_from(user)?;
        Ok(if created {
            UpsertUserResponse::Created(Json(dto))
        } else {
            UpsertUserResponse::Updated(Json(dto))
        })
    }

    /// Change a user's name, role, allowlisting or disabled flag (admin).
    ///
    /// Disabling takes effect at once for every token of the user. The last active admin cannot be
    /// demoted, disabled or removed from the allowlist, and no admin can do that to themselves
    /// (409: another admin can).
    #[oai(path = "/users/:id", method = "patch", operation_id = "updateUser")]
    async fn update(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        body: Json<UpdateUserRequest>,
    ) -> ApiResult<UserResponse> {
        auth.0.require_admin()?;
        let req = body.0;
        let user = store::users::get(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        if user.id == auth.0.id {
            let lockout = if req.disabled == Some(true) {
                Some("disable")
            } else if req.allowlisted == Some(false) {
                Some("remove from the allowlist")
            } else if req.role.is_some_and(|r| Role::from(r) != auth.0.role) {
                Some("demote")
            } else {
                None
            };
            if let Some(action) = lockout {
                return Err(self_lockout(action));
            }
        }
        let loses_admin = user.role == Role::Admin.as_str()
            && (req.role.is_some_and(|r| Role::from(r) != Role::Admin)
                || req.disabled == Some(true)
                || req.allowlisted == Some(false));
        let active_admin = !user.disabled && user.allowlisted;
        if loses_admin && active_admin && store::users::count_active_admins(&state.db).await? <= 1 {
            return Err(ApiError::conflict(
                "this is the last active admin: make another admin first",
            ));
        }
        if let Some(name) = &req.name
            && trim(name).is_empty()
        {
            return Err(ApiError::validation("name", "must not be blank"));
        }
        let changes = store::users::UserChanges {
            name: req.name.map(|n| trim(&n).to_owned()),
            role: req.role.map(Role::from),
            allowlisted: req.allowlisted,
            disabled: req.disabled,
        };
        let mut details = serde_json::Map::new();
        if let Some(name) = &changes.name {
            details.insert("name".into(), name.as_str().into());
        }
        if let Some(role) = changes.role {
            details.insert("role".into(), role.as_str().into());
        }
        if let Some(allowlisted) = changes.allowlisted {
            details.insert("allowlisted".into(), allowlisted.into());
        }
        if let Some(disabled) = changes.disabled {
            details.insert("disabled".into(), disabled.into());
        }
        let user = store::users::update(&state.db, user, changes).await?;
        // An empty PATCH changes nothing and is not an action.
        if !details.is_empty() {
            audit::record(
                &state,
                &auth.0,
                "user.update",
                "user",
                Some(user.id.to_string()),
                details.into(),
            )
            .await;
        }
        Ok(UserResponse::Ok(Json(user.try_into()?)))
    }

    /// Disable a user (admin): every token of the user stops working at once.
    ///
    /// Not yourself, nor the last active admin (409).
    #[oai(
        path = "/users/:id/disable",
        method = "post",
        operation_id = "disableUser"
    )]
    async fn disable(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<UserResponse> {
        self.update(
            auth,
            state,
            id,
            Json(UpdateUserRequest {
                name: None,
                role: None,
                allowlisted: None,
                disabled: Some(true),
            }),
        )
        .await
    }

    /// List a user's tokens, revoked ones included (admin).
    ///
    /// Never shows the tokens themselves.
    #[oai(
        path = "/users/:id/tokens",
        method = "get",
        operation_id = "listUserTokens"
    )]
    async fn list_tokens(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<TokenListResponse> {
        auth.0.require_admin()?;
        store::users::get(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        let tokens = store::users::list_tokens(&state.db, id.0).await?;
        Ok(TokenListResponse::Ok(Json(
            tokens.into_iter().map(TokenDto::from).collect(),
        )))
    }

    /// Issue a new token for a user (admin), optionally expiring (`expiresAt` or `expiresInDays`).
    ///
    /// The token is in this response only.
    #[oai(
        path = "/users/:id/tokens",
        method = "post",
        operation_id = "createUserToken"
    )]
    async fn create_token(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        body: Json<CreateTokenRequest>,
    ) -> ApiResult<CreateTokenResponse> {
        auth.0.require_admin()?;
        store::users::get(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        let req = body.0;
        let name = trim(&req.name).to_owned();
        if name.is_empty() {
            return Err(ApiError::validation("name", "must not be blank"));
        }
        let now = Utc::now();
        let expires_at = match (req.expires_at, req.expires_in_days) {
            (Some(_), Some(_)) => {
                return Err(ApiError::validation(
                    "expiresAt",
                    "give expiresAt or expiresInDays, not both",
                ));
            }
            (Some(at), None) if at <= now => {
                return Err(ApiError::validation("expiresAt", "must be in the future"));
            }
            (Some(at), None) => Some(at),
            (None, Some(days)) => Some(now + chrono::Duration::days(days.into())),
            (None, None) => None,
        };
        let (info, token) =
            store::users::create_token_expiring(&state.db, id.0, &name, expires_at).await?;
        audit::record(
            &state,
            &auth.0,
            "token.create",
            "token",
            Some(info.id.to_string()),
            serde_json::json!({
                "userId": id.0, "name": info.name, "prefix": info.prefix,
                "expiresAt": info.expires_at,
            }),
        )
        .await;
        Ok(CreateTokenResponse::Created(Json(CreatedTokenDto {
            token: token.expose().to_owned(),
            info: info.into(),
        })))
    }

    /// Revoke one of a user's tokens (admin).
    ///
    /// It stops working at once. The token this request is authenticated with cannot be revoked by
    /// itself (409): revoke it with another token, so a typo cannot lock its holder out.
    #[oai(
        path = "/users/:id/tokens/:tokenId",
        method = "delete",
        operation_id = "revokeUserToken"
    )]
    async fn revoke_token(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        #[oai(name = "tokenId")] token_id: Path<Uuid>,
    ) -> ApiResult<TokenResponse> {
        auth.0.require_admin()?;
        if id.0 == auth.0.id && token_id.0 == auth.0.token_id {
            return Err(ApiError::conflict(
                "this request is authenticated with that token: revoke it with another token",
            )
            .with_details(serde_json::json!({ "tokenId": token_id.0, "reason": "token_in_use" })));
        }
        // Microseconds: what the database keeps of the revocation time.
        let before = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let token = store::users::revoke_token(&state.db, id.0, token_id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("token"))?;
        // Revoking a revoked token changes nothing and is not an action.
        if token.revoked_at.is_some_and(|at| at >= before) {
            audit::record(
                &state,
                &auth.0,
                "token.revoke",
                "token",
                Some(token.id.to_string()),
                serde_json::json!({ "userId": id.0, "name": token.name, "prefix": token.prefix }),
            )
            .await;
        }
        Ok(TokenResponse::Ok(Json(token.into())))
    }
}

/// 409 for an admin acting on their own account in a way that would lock them out.
fn self_lockout(action: &str) -> ApiError {
    ApiError::conflict(format!("you cannot {action} yourself: another admin can"))
        .with_details(serde_json::json!({ "reason": "self_lockout" }))
}

//! Bearer-token authentication: the token's SHA-256 is looked up; disabled, non-allowlisted,
//! revoked or expired identities are refused. Roles are checked by the handlers.

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use uuid::Uuid;

use crate::domain::auth::{Role, TokenHash};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub token_id: Uuid,
    pub token_name: String,
    /// The request's id (see `observe`), for the audit trail.
    pub request_id: Option<String>,
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// 403 unless the caller is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(
                ApiError::forbidden("this operation requires the admin role").with_details(
                    serde_json::json!({ "requiredRole": "admin", "role": self.role }),
                ),
            )
        }
    }
}

/// `Authorization: Bearer <token>`, as issued by `autolynx token create` or the users API.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_bearer")]
pub struct BearerAuth(pub AuthUser);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<AuthUser> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| ApiError::internal("application state is not installed"))?;
    let hash = TokenHash::of(&bearer.token);
    let found = store::users::find_by_token(&state.db, &hash)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "token lookup failed");
            ApiError::unavailable("the database is unavailable")
        })?;
    let Some((user, token)) = found else {
        return Err(ApiError::unauthorized("invalid or revoked token").into());
    };
    if token.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
        return Err(ApiError::unauthorized("this token has expired").into());
    }
    if user.disabled {
        return Err(ApiError::unauthorized("this user is disabled").into());
    }
    if !user.allowlisted {
        return Err(ApiError::unauthorized("this user is not allowlisted").into());
    }
    state
        .rate_limits
        .check(crate::http::ratelimit::Budget::General, user.id)?;
    let role = user
        .role
        .parse::<Role>()
        .map_err(|e| ApiError::internal(format!("user {} has {e}", user.id)))?;
    // Recording use is best effort and throttled so reads do not turn into writes.
    let stale = token
        .last_used_at
        .is_none_or(|t| chrono::Utc::now() - t > chrono::Duration::minutes(1));
    if stale {
        let db = state.db.clone();
        let token_id = token.id;
        tokio::spawn(async move {
            if let Err(e) = store::users::touch_token(&db, token_id).await {
                tracing::debug!(error = %e, "could not record token use");
            }
        });
    }
    Ok(AuthUser {
        id: user.id,
        name: user.name,
        email: user.email,
        role,
        token_id: token.id,
        token_name: token.name,
        request_id: req
            .extensions()
            .get::<crate::http::observe::RequestId>()
            .map(|r| r.0.clone()),
    })
}

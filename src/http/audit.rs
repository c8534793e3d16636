//! The audit trail over HTTP: [`record`] is called by every handler that changes something
//! (users, tokens, assistants, the do-not-call list, campaigns) after the change succeeded, and
//! `GET /api/audit` lists the entries (admin). There is no route that changes or removes an
//! entry.
//!
//! An entry is written after its change, not in the same transaction (campaign commands go
//! through the actors, provider calls come first): if the write fails, the change stands and
//! the failure is logged at error level with everything the entry would have held.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::Value;
use uuid::Uuid;

use crate::http::auth::{AuthUser, BearerAuth};
use crate::http::common::{PaginationDto, paging};
use crate::http::error::ApiResult;
use crate::http::{ApiTags, AppState};
use crate::store;
use crate::store::entities::audit_log;

/// Appends an entry for `actor` doing `action` to `target_type`/`target_id`.
pub async fn record(
    state: &AppState,
    actor: &AuthUser,
    action: &str,
    target_type: &str,
    target_id: Option<String>,
    details: Value,
) {
    let entry = store::audit::NewEntry {
        actor_user_id: Some(actor.id),
        actor_name: actor.name.clone(),
        action: action.to_owned(),
        target_type: target_type.to_owned(),
        target_id,
        details,
        request_id: actor.request_id.clone(),
    };
    if let Err(e) = store::audit::record(&state.db, entry.clone()).await {
        tracing::error!(
            error = %e,
            actor = %actor.id,
            action = %entry.action,
            target_type = %entry.target_type,
            target_id = ?entry.target_id,
            "could not write the audit entry of a completed action"
        );
    }
}

pub struct AuditApi;

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct AuditEntryDto {
    pub id: Uuid,
    /// The user who acted; absent for actions outside the API.
    pub actor_user_id: Option<Uuid>,
    /// The actor's name at the time.
    pub actor_name: String,
    /// `<target>.<verb>`, e.g. `campaign.start`, `token.create`, `suppression.import`.
    pub action: String,
    /// `user`, `token`, `assistant`, `suppression`, `campaign`.
    pub target_type: String,
    pub target_id: Option<String>,
    /// What changed (never secrets; phone numbers masked).
    pub details: Value,
    /// The request's `X-Request-Id`, to find its log lines.
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<audit_log::Model> for AuditEntryDto {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: m.id,
            actor_user_id: m.actor_user_id,
            actor_name: m.actor_name,
            action: m.action,
            target_type: m.target_type,
            target_id: m.target_id,
            details: m.details,
            request_id: m.request_id,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct AuditListDto {
    pub items: Vec<AuditEntryDto>,
    pub pagination: PaginationDto,
}

#[derive(ApiResponse)]
pub enum AuditListResponse {
    #[oai(status = 200)]
    Ok(Json<AuditListDto>),
}

#[OpenApi(tag = "ApiTags::Audit")]
impl AuditApi {
    /// The audit trail, newest first (admin): who changed what, when, with which request id.
    ///
    /// Entries are append-only; nothing in the API changes or removes them.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/audit", method = "get", operation_id = "listAudit")]
    async fn list(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        /// Only this user's actions.
        #[oai(name = "actorId")]
        actor_id: Query<Option<Uuid>>,
        /// Only this action, e.g. `campaign.start`.
        action: Query<Option<String>>,
        /// Only this kind of target: `user`, `token`, `assistant`, `suppression`, `campaign`.
        #[oai(name = "targetType")]
        target_type: Query<Option<String>>,
        /// Only this target (with or without `targetType`).
        #[oai(name = "targetId")]
        target_id: Query<Option<String>>,
        /// Entries at or after this instant (RFC 3339).
        since: Query<Option<DateTime<Utc>>>,
        /// Entries before this instant (RFC 3339); at or before `since`, nothing matches.
        until: Query<Option<DateTime<Utc>>>,
        /// 1-based; at most 1,000,000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// 1–500, default 100.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
    ) -> ApiResult<AuditListResponse> {
        auth.0.require_admin()?;
        let (page, limit) = paging(page.0, limit.0, 100, 500)?;
        let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let filter = store::audit::Filter {
            actor_user_id: actor_id.0,
            action: text(action.0),
            target_type: text(target_type.0),
            target_id: text(target_id.0),
            since: since.0,
            until: until.0,
        };
        let result = store::audit::list(&state.db, &filter, page, limit).await?;
        let pagination = PaginationDto::from(&result);
        Ok(AuditListResponse::Ok(Json(AuditListDto {
            items: result.items.into_iter().map(Into::into).collect(),
            pagination,
        })))
    }
}

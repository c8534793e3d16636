//! `POST /api/webhooks/vapi`: public but authenticated. A delivery is verified over its raw
//! bytes, parsed, recorded in `call_events` (a duplicate once) *before* it is answered 2xx,
//! applied through the one transition function, and the call's actor is told.

use std::time::Instant;

use bytes::Bytes;
use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::{ApiResponse, OpenApi, impl_apirequest_for_payload};
use serde_json::{Value, json};

use crate::domain::call::CallUpdate;
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::provider::ProviderCall;
use crate::provider::webhook::{WebhookEvent, WebhookMessage};
use crate::store;

pub struct WebhooksApi;

/// A JSON body kept as raw bytes: signatures are computed over exactly what was sent.
pub struct RawJson(pub Bytes);

impl Payload for RawJson {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        content_type
            .split(';')
            .next()
            .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("application/json"))
    }

    fn schema_ref() -> MetaSchemaRef {
        <Value as poem_openapi::types::Type>::schema_ref()
    }
}

impl ParsePayload for RawJson {
    const IS_REQUIRED: bool = true;

    async fn from_request(_request: &Request, body: &mut poem::RequestBody) -> poem::Result<Self> {
        Ok(Self(body.take()?.into_bytes().await?))
    }
}

impl_apirequest_for_payload!(RawJson);

#[derive(ApiResponse)]
pub enum WebhookResponse {
    /// Recorded (or a duplicate, recorded before) and applied.
    #[oai(status = 200)]
    Ok(Json<Value>),
    /// The call is not one of ours; nothing was recorded.
    #[oai(status = 202)]
    Accepted(Json<Value>),
}

#[OpenApi(tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// Vapi server messages (`{"message": {...}}`).
    ///
    /// Authenticated by the configured scheme: HMAC signature (default), bearer token, or the
    /// legacy `X-Vapi-Secret` header.
    #[oai(path = "/webhooks/vapi", method = "post", operation_id = "vapiWebhook")]
    async fn vapi(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: RawJson,
    ) -> ApiResult<WebhookResponse> {
        let started = Instant::now();
        state
            .verifier
            .verify(
                req.method().as_str(),
                req.uri().path(),
                req.headers(),
                &body.0,
                Utc::now(),
            )
            .map_err(|e| {
                crate::metrics::webhook_handled(started.elapsed(), "refused");
                tracing::warn!(error = %e, "webhook refused");
                ApiError::unauthorized(format!("webhook not authenticated: {e}"))
            })?;
        let message = WebhookMessage::parse(&body.0)
            .map_err(|e| ApiError::bad_request(format!("not a Vapi server message: {e}")))?;

        let db = &state.db;
        let mut call = match &message.provider_call_id {
            Some(id) => store::calls::find_by_provider_id(db, id).await?,
            None => None,
        };
        if call.is_none()
            && let Some(ours) = message.our_call_id
        {
            call = store::calls::get(db, ours).await?;
        }
        let Some(call) = call else {
            tracing::warn!(
                kind = %message.kind,
                provider_call_id = ?message.provider_call_id,
                "webhook for an unknown call; ignored"
            );
            crate::metrics::webhook_handled(started.elapsed(), "unknown-call");
            return Ok(WebhookResponse::Accepted(Json(
                json!({ "status": "unknown-call" }),
            )));
        };

        let status = match &message.event {
            WebhookEvent::StatusUpdate { status, .. } => Some(status.as_str()),
            _ => None,
        };
        let ctx = state.runtime.context();
        // The provider's call as the message shows it (its control URL included).
        let shown = message.provider_call_id.as_ref().map(|id| {
            message
                .raw
                .get("call")
                .cloned()
                .and_then(ProviderCall::from_json)
                .filter(|c| &c.id == id)
                .unwrap_or_else(|| ProviderCall::bare(id))
        });
        // Found by our id while its dial is unresolved (its answer lost, or not in yet): the
        // message resolves it, and the call's actor follows the provider's call from now on.
        let mut recorded = call.provider_call_id.clone();
        if recorded.is_none()
            && let Some(shown) = &shown
        {
            match crate::runtime::call::record_provider_call(ctx, call.id, shown).await? {
                None => {
                    ctx.found(call.id, shown.clone());
                    recorded = Some(shown.id.clone());
                }
                Some(other) => recorded = Some(other.id),
            }
        }
        // Another provider call carrying our id: a duplicate the provider created. Kept on
        // the trail, never applied to our call.
        let duplicate = match (&recorded, &shown) {
            (Some(ours), Some(theirs)) if *ours != theirs.id => Some(theirs),
            _ => None,
        };
        let mut news = CallUpdate::from_message(&message);
        if let (Some(news), crate::provider::webhook::WebhookEvent::EndOfCallReport(report)) =
            (news.as_mut(), &message.event)
        {
            news.opt_out =
                crate::domain::call::opt_out_in(report, &state.settings.campaigns.opt_out_phrases);
        }
        let ended = news.as_ref().is_some_and(CallUpdate::ends);
        let update = news.filter(|_| duplicate.is_none());
        let dedupe_key = message.dedupe_key();
        // What switched-off features must not keep is not stored with the event either.
        let features = &state.settings.features;
        let mut payload = message.raw.clone();
        crate::domain::call::scrub_payload(
            &mut payload,
            features.transcript_storage,
            features.cost_tracking,
        );
        let event = store::events::NewEvent {
            call_id: call.id,
            kind: &message.kind,
            status,
            payload: &payload,
            dedupe_key: &dedupe_key,
        };
        // Durable (with its effect) before the 2xx.
        let recorded_event = crate::runtime::record_and_apply(ctx, &event, update.as_ref()).await?;
        if let (Some(duplicate), Some(ours)) = (duplicate, &recorded) {
            crate::runtime::duplicate::found(ctx, call.id, ours, duplicate, ended).await?;
        }
        if let store::calls::Recorded::Duplicate = recorded_event {
            tracing::debug!(call_id = %call.id, kind = %message.kind, "duplicate webhook delivery");
            crate::metrics::webhook_handled(started.elapsed(), "duplicate");
            return Ok(WebhookResponse::Ok(Json(json!({}))));
        }
        tracing::debug!(
            call_id = %call.id,
            kind = %message.kind,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "webhook applied"
        );
        crate::metrics::webhook_handled(started.elapsed(), "applied");
        Ok(WebhookResponse::Ok(Json(json!({}))))
    }
}

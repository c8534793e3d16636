//! The error envelope: every failure leaves the API as
//! `{"error": {"code", "message", "details", "timestamp"}}` with the right status. Errors are
//! mapped to statuses here and nowhere else; 5xx bodies are opaque and the cause goes to the log.

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::{ApiResponse, Object};
use serde_json::{Value, json};

/// An API failure with its status, machine-readable code and human message.
#[derive(Debug, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

/// The envelope, for the OpenAPI document (the body itself is written by [`ApiError`]).
#[derive(Debug, Object)]
#[oai(example)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

impl poem_openapi::types::Example for ErrorEnvelope {
    fn example() -> Self {
        Self {
            error: ErrorBody {
                code: "validation_failed".to_owned(),
                message: "name: must be 1 to 200 characters".to_owned(),
                details: json!({ "field": "name", "reason": "must be 1 to 200 characters" }),
                timestamp: DateTime::parse_from_rfc3339("2026-03-02T09:30:00Z")
                    .expect("a fixed timestamp")
                    .with_timezone(&Utc),
            },
        }
    }
}

#[derive(Debug, Object)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Structured context (the offending field, the current status, ...); `{}` when none.
    pub details: Value,
    pub timestamp: DateTime<Utc>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: json!({}),
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// A feature switched off in `[features]`: `status` is what the feature's route answers
    /// (404 for a route that is gone, 422 for an option that is refused).
    pub fn feature_disabled(status: StatusCode, key: &str, what: &str) -> Self {
        Self::new(
            status,
            "feature_disabled",
            format!("{what} is turned off on this server (features.{key} = false)"),
        )
        .with_details(json!({ "feature": format!("features.{key}") }))
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{} not found", what.into()),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 422 naming the offending field.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{field}: {message}"),
        )
        .with_details(json!({ "field": field, "reason": message }))
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// An unexpected failure: the cause chain is logged, the client sees an opaque message.
    pub fn internal(cause: impl std::fmt::Display + std::fmt::Debug) -> Self {
        let reference = uuid::Uuid::new_v4();
        tracing::error!(error.reference = %reference, error.cause = ?cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred",
        )
        .with_details(json!({ "reference": reference }))
    }

    /// Builds the envelope for an error raised outside our handlers (request parsing,
    /// authentication extractor, unknown route, body size limit...).
    pub fn from_poem(err: poem::Error) -> Self {
        if err.is::<ApiError>() {
            return err.downcast::<ApiError>().expect("checked with is()");
        }
        if let Some(multipart) = err.downcast_ref::<poem_openapi::error::ParseMultipartError>() {
            // Form fields are named in backticks: "field `cap` is required", "unknown field
            // `x`", "failed to parse field `mode`: ...".
            let reason = multipart.reason.clone();
            if let Some(field) = reason.split('`').nth(1) {
                return Self::validation(field, reason.clone());
            }
            return Self::bad_request(reason);
        }
        if let Some(payload) = err.downcast_ref::<poem_openapi::error::ParseRequestPayloadError>()
            && let Some(field) = payload.reason.split("field `").nth(1)
            && let Some(field) = field.split('`').next()
        {
            // A JSON body outside a field's declared limits ("field `name` verification
            // failed. minLength(1)"): 422 naming the field. Malformed JSON stays a 400.
            return Self::validation(field, payload.reason.clone());
        }
        if let Some(param) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
            // A query or path parameter outside its declared type or limits (`page=0`,
            // `status=NOPE`): a validation failure naming the parameter, like the checks the
            // handlers make themselves.
            return Self::validation(param.name, param.reason.clone());
        }
        let status = err.status();
        let message = err.to_string();
        match status {
            StatusCode::BAD_REQUEST => Self::bad_request(message),
            StatusCode::UNAUTHORIZED => Self::unauthorized(
                "missing or invalid bearer token (send Authorization: Bearer <token>)",
            ),
            StatusCode::FORBIDDEN => Self::forbidden(message),
            StatusCode::NOT_FOUND => Self::new(status, "not_found", "no such resource or route"),
            StatusCode::METHOD_NOT_ALLOWED => Self::new(status, "method_not_allowed", message),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                status,
                "payload_too_large",
                "the request body is larger than the configured limit",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                Self::new(status, "unsupported_media_type", message)
            }
            StatusCode::UNPROCESSABLE_ENTITY => Self::new(status, "validation_failed", message),
            StatusCode::TOO_MANY_REQUESTS => Self::new(status, "rate_limited", message),
            StatusCode::SERVICE_UNAVAILABLE => Self::unavailable(message),
            s if s.is_server_error() => Self::internal(message),
            s => Self::new(s, "error", message),
        }
    }

    pub fn body(&self) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "details": self.details,
                "timestamp": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            }
        })
    }
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let mut response = poem::web::Json(self.body())
            .with_status(self.status)
            .into_response();
        // A 429 or 503 that knows when to come back says so the standard way too.
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) && let Some(secs) = self.details["retryAfterSeconds"].as_u64()
        {
            response
                .headers_mut()
                .insert(poem::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<crate::runtime::ControlError> for ApiError {
    fn from(err: crate::runtime::ControlError) -> Self {
        use crate::runtime::ControlError;
        match err {
            ControlError::NotFound => Self::not_found("campaign"),
            ControlError::Illegal { current, command } => {
                Self::conflict(format!("a {current} campaign cannot {command}"))
                    .with_details(json!({ "currentStatus": current.as_str(), "command": command }))
            }
            ControlError::Internal(e) => Self::internal(e),
            ControlError::Refused(why) => Self::conflict(why),
            ControlError::Unavailable(why) => {
                Self::unavailable(why).with_details(json!({ "retryAfterSeconds": 1 }))
            }
        }
    }
}

impl From<crate::provider::ProviderError> for ApiError {
    /// A provider failure seen by an API caller: our misconfiguration and the provider's
    /// unavailability are 503, its rate limit 429 (with when to retry), a refusal 422.
    fn from(err: crate::provider::ProviderError) -> Self {
        use crate::provider::ProviderError;
        match err {
            ProviderError::NotFound => {
                Self::not_found("the provider's record").with_details(json!({ "provider": "vapi" }))
            }
            // Our configuration is wrong, not the caller's request.
            ProviderError::Unauthorized => Self::unavailable("the provider refused our API key")
                .with_details(json!({ "provider": "vapi" })),
            ProviderError::RateLimited { retry_after } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "the provider is rate limiting us; try again later",
            )
            .with_details(match retry_after {
                Some(d) => json!({ "provider": "vapi", "retryAfterSeconds": d.as_secs().max(1) }),
                None => json!({ "provider": "vapi" }),
            }),
            ProviderError::Transient { .. }
            | ProviderError::Ambiguous { .. }
            | ProviderError::ConcurrencyLimited { .. } => {
                Self::unavailable("the provider is unavailable; try again later")
                    .with_details(json!({ "provider": "vapi" }))
            }
            ProviderError::Fatal { message } | ProviderError::InvalidNumber { message } => {
                Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "provider_rejected",
                    format!("the provider rejected the request: {message}"),
                )
                .with_details(json!({ "provider": "vapi", "reason": message }))
            }
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::store::is_transient(&err) {
            // Briefly unreachable (restarting, connections cut, locked): say so, and when to
            // try again; nothing was stored.
            tracing::warn!(error = %err, "database unavailable");
            return Self::unavailable("the database is briefly unavailable; try again shortly")
                .with_details(json!({ "retryAfterSeconds": 2 }));
        }
        Self::internal(err)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        Self::internal(err)
    }
}

/// Statuses every operation may answer with; documented once for all of them.
const DOCUMENTED: &[(u16, &str)] = &[
    (400, "Malformed request"),
    (401, "Missing or invalid bearer token"),
    (403, "The token's role may not do this"),
    (404, "Not found"),
    (409, "Conflicts with the current state"),
    (413, "Body larger than the configured limit"),
    (415, "Unsupported content type"),
    (422, "Validation failed"),
    (429, "Too many requests"),
    (500, "Internal error (opaque)"),
    (503, "A dependency is unavailable"),
];

impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: DOCUMENTED
                .iter()
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: <ErrorEnvelope as poem_openapi::types::Type>::schema_ref(),
                    }],
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        <ErrorEnvelope as poem_openapi::types::Type>::register(registry);
    }
}

/// Turns any error that escaped a handler into the envelope (installed on the whole app).
pub async fn catch_all(err: poem::Error) -> Response {
    let api = ApiError::from_poem(err);
    poem::error::ResponseError::as_response(&api)
}

pub type ApiResult<T> = Result<T, ApiError>;

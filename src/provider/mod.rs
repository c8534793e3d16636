//! The voice provider (Vapi): the [`Provider`] trait the runtime and the API use, the data they
//! exchange with it, and how its failures are classified. The Vapi HTTP client, webhook
//! parsing and verification, and the Vapi simulator live in the submodules.

pub mod metered;
pub mod simulator;
pub mod vapi;
pub mod verify;
pub mod webhook;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// Key under `assistantOverrides.metadata` that carries our call id to Vapi and back.
pub const METADATA_CALL_ID: &str = "autolynxCallId";
/// Key under `assistantOverrides.metadata` that carries our campaign id.
pub const METADATA_CAMPAIGN_ID: &str = "autolynxCampaignId";

/// What we ask the provider to dial.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCall {
    /// Our `calls.id`; sent in `assistantOverrides.metadata` (never a top-level `metadata`).
    pub call_id: Uuid,
    pub campaign_id: Uuid,
    pub assistant_id: String,
    pub phone_number_id: String,
    /// E.164.
    pub customer_number: String,
    pub customer_name: Option<String>,
    /// Sent as `assistantOverrides.variableValues`.
    pub variable_values: BTreeMap<String, String>,
}

/// Vapi's view of a call. `status` and `ended_reason` are open strings: Vapi adds values.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderCall {
    pub id: String,
    pub status: String,
    pub ended_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    /// `monitor.controlUrl`: where `{"type":"end-call"}` hangs up a live call.
    pub control_url: Option<String>,
    /// Our call id read back from `assistantOverrides.metadata`, `metadata` or `variableValues`.
    pub our_call_id: Option<Uuid>,
    pub phone_number_id: Option<String>,
    pub customer_number: Option<String>,
    /// The whole JSON body, for fields not modelled here.
    pub raw: Value,
}

impl ProviderCall {
    /// Vapi no longer counts the call against the concurrency limit.
    pub fn is_ended(&self) -> bool {
        self.status == "ended"
    }

    /// The status as a known value, when it is one.
    pub fn known_status(&self) -> Option<CallStatus> {
        CallStatus::parse(&self.status)
    }

    /// A call known only by its id (status `queued` until news says otherwise).
    pub fn bare(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            status: "queued".to_owned(),
            ended_reason: None,
            created_at: None,
            started_at: None,
            ended_at: None,
            cost: None,
            control_url: None,
            our_call_id: None,
            phone_number_id: None,
            customer_number: None,
            raw: Value::Null,
        }
    }

    /// Reads a Vapi `Call` object; `None` when it has no `id`. Unknown fields are ignored and
    /// kept in `raw`.
    pub fn from_json(raw: Value) -> Option<Self> {
        let id = str_at(&raw, &["id"])?.to_owned();
        let text = |path: &[&str]| str_at(&raw, path).map(str::to_owned);
        let time = |key: &str| raw.get(key).and_then(parse_time);
        Some(Self {
            status: text(&["status"]).unwrap_or_else(|| "unknown".to_owned()),
            ended_reason: text(&["endedReason"]),
            created_at: time("createdAt"),
            started_at: time("startedAt"),
            ended_at: time("endedAt"),
            cost: raw.get("cost").and_then(Value::as_f64),
            control_url: text(&["monitor", "controlUrl"]),
            our_call_id: our_call_id(&raw),
            phone_number_id: text(&["phoneNumberId"]),
            customer_number: text(&["customer", "number"]),
            id,
            raw,
        })
    }
}

/// Vapi's documented call statuses. `ProviderCall::status` stays an open string; this is a
/// convenience for the values we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallStatus {
    Scheduled,
    Queued,
    Ringing,
    InProgress,
    Forwarding,
    Ended,
    NotFound,
    DeletionFailed,
}

impl CallStatus {
    pub fn parse(status: &str) -> Option<Self> {
        Some(match status {
            "scheduled" => CallStatus::Scheduled,
            "queued" => CallStatus::Queued,
            "ringing" => CallStatus::Ringing,
            "in-progress" => CallStatus::InProgress,
            "forwarding" => CallStatus::Forwarding,
            "ended" => CallStatus::Ended,
            "not-found" => CallStatus::NotFound,
            "deletion-failed" => CallStatus::DeletionFailed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Scheduled => "scheduled",
            CallStatus::Queued => "queued",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in-progress",
            CallStatus::Forwarding => "forwarding",
            CallStatus::Ended => "ended",
            CallStatus::NotFound => "not-found",
            CallStatus::DeletionFailed => "deletion-failed",
        }
    }
}

/// A string at a JSON path, if present.
pub(crate) fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
}

/// Our call id carried by a Vapi `Call`: `assistantOverrides.metadata`, then `metadata`, then
/// `assistantOverrides.variableValues` (the first that holds a valid UUID).
pub fn our_call_id(call: &Value) -> Option<Uuid> {
    [
        &["assistantOverrides", "metadata", METADATA_CALL_ID][..],
        &["metadata", METADATA_CALL_ID][..],
        &["assistantOverrides", "variableValues", METADATA_CALL_ID][..],
    ]
    .iter()
    .find_map(|path| str_at(call, path).and_then(|s| Uuid::parse_str(s).ok()))
}

/// A Vapi time: an ISO 8601 string, or a number of epoch milliseconds (seconds when small).
pub(crate) fn parse_time(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| verify::parse_timestamp(s)),
        Value::Number(n) => verify::parse_timestamp(&n.to_string()),
        _ => None,
    }
}

/// An assistant as the provider stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderAssistant {
    pub id: String,
    pub name: Option<String>,
    pub raw: Value,
}

/// A phone number as the provider stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderPhoneNumber {
    pub id: String,
    pub number: Option<String>,
    pub status: Option<String>,
    pub raw: Value,
}

/// Every way a provider request can fail, classified so callers can branch on it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// 429: back off, honouring `Retry-After` when given.
    #[error("rate limited by the provider (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// The account's concurrency limit blocked the dial: a 400 "Over Concurrency Limit", or a
    /// 201 with `subscriptionLimits.concurrencyBlocked` (then `provider_call_id` names the call,
    /// which still counts as live until it ends).
    #[error("the provider's concurrency limit was reached: {message}")]
    ConcurrencyLimited {
        provider_call_id: Option<String>,
        message: String,
    },
    /// The request never reached the provider (the connection could not be made): worth
    /// retrying, and a retried `POST /call` cannot double-dial.
    #[error("transient provider failure: {message}")]
    Transient { message: String },
    /// The request may have reached the provider and no answer can be trusted: a timeout
    /// after sending, a connection reset, any 5xx (a gateway's 502/503/504 included). For
    /// `POST /call` the call may exist — or appear later — so it must not be sent again until
    /// its absence is proven.
    #[error("no trustworthy answer from the provider: {message}")]
    Ambiguous { message: String },
    /// The customer's number was refused.
    #[error("the provider refused the phone number: {message}")]
    InvalidNumber { message: String },
    #[error("not found at the provider")]
    NotFound,
    /// 401/403: the API key is wrong; nothing will work until it is fixed.
    #[error("the provider refused our API key")]
    Unauthorized,
    /// Anything else (400 validation, unexpected bodies): retrying will not help.
    #[error("provider request failed: {message}")]
    Fatal { message: String },
}

impl ProviderError {
    /// Whether retrying the same request later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::ConcurrencyLimited { .. }
                | ProviderError::Transient { .. }
                | ProviderError::Ambiguous { .. }
        )
    }

    /// Short stable label for metrics and stored error messages.
    pub fn class(&self) -> &'static str {
        match self {
            ProviderError::RateLimited { .. } => "rate-limited",
            ProviderError::ConcurrencyLimited { .. } => "concurrency-limited",
            ProviderError::Transient { .. } => "transient",
            ProviderError::Ambiguous { .. } => "ambiguous",
            ProviderError::InvalidNumber { .. } => "invalid-number",
            ProviderError::NotFound => "not-found",
            ProviderError::Unauthorized => "unauthorized",
            ProviderError::Fatal { .. } => "fatal",
        }
    }
}

pub type ProviderResult<T> = Result<T, ProviderError>;

/// What autolynx needs from a voice provider. Implemented by the Vapi client; tests run it
/// against the Vapi simulator over HTTP.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// `POST /call`.
    async fn create_call(&self, request: &CreateCall) -> ProviderResult<ProviderCall>;
    /// `GET /call/{id}`.
    async fn get_call(&self, provider_call_id: &str) -> ProviderResult<ProviderCall>;
    /// `GET /call?phoneNumberId=..&createdAtGt=..`: every call on a line created after a time
    /// (all pages).
    async fn list_calls(
        &self,
        phone_number_id: &str,
        created_after: DateTime<Utc>,
    ) -> ProviderResult<Vec<ProviderCall>>;
    /// Hangs up a live call: `POST {monitor.controlUrl}` with `{"type":"end-call"}`.
    async fn end_call(&self, call: &ProviderCall) -> ProviderResult<()>;
    /// `POST /assistant` with a Vapi assistant body.
    async fn create_assistant(&self, config: &Value) -> ProviderResult<ProviderAssistant>;
    /// `GET /assistant/{id}`.
    async fn get_assistant(&self, id: &str) -> ProviderResult<ProviderAssistant>;
    /// `PATCH /assistant/{id}`.
    async fn update_assistant(&self, id: &str, patch: &Value) -> ProviderResult<ProviderAssistant>;
    /// `DELETE /assistant/{id}`.
    async fn delete_assistant(&self, id: &str) -> ProviderResult<()>;
    /// `GET /phone-number/{id}`.
    async fn get_phone_number(&self, id: &str) -> ProviderResult<ProviderPhoneNumber>;
}

/// The provider used when no Vapi API key is configured: every request fails as
/// `Unauthorized`, so the API still serves everything that does not need Vapi.
pub struct Unconfigured;

#[async_trait::async_trait]
impl Provider for Unconfigured {
    async fn create_call(&self, _: &CreateCall) -> ProviderResult<ProviderCall> {
        Err(ProviderError::Unauthorized)
    }
    async fn get_call(&self, _: &str) -> ProviderResult<ProviderCall> {
        Err(ProviderError::Unauthorized)
    }
    async fn list_calls(&self, _: &str, _: DateTime<Utc>) -> ProviderResult<Vec<ProviderCall>> {
        Err(ProviderError::Unauthorized)
    }
    async fn end_call(&self, _: &ProviderCall) -> ProviderResult<()> {
        Err(ProviderError::Unauthorized)
    }
    async fn create_assistant(&self, _: &Value) -> ProviderResult<ProviderAssistant> {
        Err(ProviderError::Unauthorized)
    }
    async fn get_assistant(&self, _: &str) -> ProviderResult<ProviderAssistant> {
        Err(ProviderError::Unauthorized)
    }
    async fn update_assistant(&self, _: &str, _: &Value) -> ProviderResult<ProviderAssistant> {
        Err(ProviderError::Unauthorized)
    }
    async fn delete_assistant(&self, _: &str) -> ProviderResult<()> {
        Err(ProviderError::Unauthorized)
    }
    async fn get_phone_number(&self, _: &str) -> ProviderResult<ProviderPhoneNumber> {
        Err(ProviderError::Unauthorized)
    }
}

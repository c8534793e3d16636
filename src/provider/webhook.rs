//! Vapi's server messages: the `{"message": {...}}` envelope parsed into a typed
//! [`WebhookMessage`]. `status-update` and `end-of-call-report` are read in full (with the
//! legacy top-level fallbacks); every other type is recognised and ignored; unknown fields never
//! fail a parse.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{our_call_id, parse_time, str_at};

/// Message types Vapi documents; all but the two we act on are acknowledged and ignored.
pub const KNOWN_TYPES: &[&str] = &[
    "status-update",
    "end-of-call-report",
    "conversation-update",
    "transcript",
    "speech-update",
    "hang",
    "model-output",
    "tool-calls",
    "function-call",
    "assistant-request",
    "transfer-destination-request",
    "handoff-destination-request",
    "transfer-update",
    "user-interrupted",
    "language-change-detected",
    "phone-call-control",
    "knowledge-base-request",
    "voice-input",
    "voice-request",
    "call.endpointing.request",
    "assistant.started",
    "call.deleted",
    "call.artifact.upload",
    "campaign.predial",
];

/// Why a body is not a server message at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookParseError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body has no \"message\" object")]
    NoEnvelope,
    #[error("the message has no \"type\"")]
    NoType,
    #[error("a {kind} message lacks {field}")]
    MissingField {
        kind: &'static str,
        field: &'static str,
    },
}

/// One delivery from Vapi.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookMessage {
    /// `message.type`, as sent.
    pub kind: String,
    /// `message.call.id`.
    pub provider_call_id: Option<String>,
    /// Our call id, from `call.assistantOverrides.metadata`, `call.metadata` or `variableValues`.
    pub our_call_id: Option<Uuid>,
    /// `message.timestamp` (epoch milliseconds, or an ISO string from old SDKs).
    pub timestamp: Option<DateTime<Utc>>,
    pub event: WebhookEvent,
    /// The whole body, stored as received.
    pub raw: Value,
}

/// What a message means for the call.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookEvent {
    /// The call's status changed; `ended_reason` comes with `ended`.
    StatusUpdate {
        status: String,
        ended_reason: Option<String>,
    },
    /// The final report, after the call ended and post-processing finished. Boxed: it is
    /// much larger than the other variants.
    EndOfCallReport(Box<EndOfCallReport>),
    /// A type that changes nothing for us (or one we do not know).
    Ignored { kind: String },
}

/// `end-of-call-report`, each field read from its current place first, then its legacy one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndOfCallReport {
    pub ended_reason: Option<String>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `AI:`/`User:` lines.
    pub transcript: Option<String>,
    /// `artifact.messages`, kept as JSON (roles, times, text).
    pub messages: Option<Value>,
    pub recording_url: Option<String>,
    pub summary: Option<String>,
    /// Always a string ("true", "false", "8"...) whatever the rubric produced.
    pub success_evaluation: Option<String>,
    pub structured_data: Option<Value>,
}

impl WebhookMessage {
    /// Parses a raw body.
    pub fn parse(body: &[u8]) -> Result<Self, WebhookParseError> {
        let raw: Value =
            serde_json::from_slice(body).map_err(|e| WebhookParseError::NotJson(e.to_string()))?;
        Self::from_value(raw)
    }

    /// Parses an already-decoded body.
    pub fn from_value(raw: Value) -> Result<Self, WebhookParseError> {
        let message = raw
            .get("message")
            .filter(|m| m.is_object())
            .ok_or(WebhookParseError::NoEnvelope)?;
        let kind = str_at(message, &["type"])
            .ok_or(WebhookParseError::NoType)?
            .to_owned();
        let call = message.get("call").unwrap_or(&Value::Null);
        let provider_call_id = str_at(call, &["id"]).map(str::to_owned);
        let our_call_id = our_call_id(call);
        let timestamp = message.get("timestamp").and_then(parse_time);

        let event = match kind.as_str() {
            "status-update" => {
                // `call.status` may lag `message.status`: trust the latter.
                let status = str_at(message, &["status"])
                    .or_else(|| str_at(call, &["status"]))
                    .ok_or(WebhookParseError::MissingField {
                        kind: "status-update",
                        field: "status",
                    })?
                    .to_owned();
                let ended_reason = str_at(message, &["endedReason"])
                    .or_else(|| {
                        (status == "ended")
                            .then(|| str_at(call, &["endedReason"]))
                            .flatten()
                    })
                    .map(str::to_owned);
                WebhookEvent::StatusUpdate {
                    status,
                    ended_reason,
                }
            }
            "end-of-call-report" => {
                WebhookEvent::EndOfCallReport(Box::new(end_of_call_report(message, call)))
            }
            _ => WebhookEvent::Ignored { kind: kind.clone() },
        };
        Ok(Self {
            kind,
            provider_call_id,
            our_call_id,
            timestamp,
            event,
            raw,
        })
    }

    /// Identifies a delivery so that a duplicate is stored once: the call (provider id, else
    /// ours), the type, and the status for status updates. Ignored types add their timestamp,
    /// since one call legitimately sends many of them.
    pub fn dedupe_key(&self) -> String {
        let call = match (&self.provider_call_id, &self.our_call_id) {
            (Some(id), _) => id.clone(),
            (None, Some(id)) => format!("our:{id}"),
            (None, None) => "no-call".to_owned(),
        };
        match &self.event {
            WebhookEvent::StatusUpdate { status, .. } => format!("{call}:{}:{status}", self.kind),
            WebhookEvent::EndOfCallReport(_) => format!("{call}:{}", self.kind),
            WebhookEvent::Ignored { .. } => {
                let at = self
                    .timestamp
                    .map(|t| t.timestamp_millis().to_string())
                    .unwrap_or_default();
                format!("{call}:{}:{at}", self.kind)
            }
        }
    }

    /// Whether the type is one Vapi documents (an unknown one is still ignored, not refused).
    pub fn is_known_type(&self) -> bool {
        KNOWN_TYPES.contains(&self.kind.as_str())
            || self.kind.starts_with("chat.")
            || self.kind.starts_with("session.")
    }
}

fn end_of_call_report(message: &Value, call: &Value) -> EndOfCallReport {
    let artifact = message.get("artifact").unwrap_or(&Value::Null);
    let analysis = message.get("analysis").unwrap_or(&Value::Null);
    let started_at = message
        .get("startedAt")
        .and_then(parse_time)
        .or_else(|| call.get("startedAt").and_then(parse_time));
    let ended_at = message
        .get("endedAt")
        .and_then(parse_time)
        .or_else(|| call.get("endedAt").and_then(parse_time));
    let duration_seconds = number(message.get("durationSeconds"))
        .or_else(|| number(message.get("durationMs")).map(|ms| ms / 1000.0))
        .or_else(|| number(message.get("durationMinutes")).map(|m| m * 60.0))
        .or_else(|| {
            let (start, end) = (started_at?, ended_at?);
            Some((end - start).num_milliseconds() as f64 / 1000.0)
        });
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    EndOfCallReport {
        ended_reason: text(message.get("endedReason")).or_else(|| text(call.get("endedReason"))),
        cost: number(message.get("cost")).or_else(|| number(call.get("cost"))),
        duration_seconds,
        started_at,
        ended_at,
        transcript: text(artifact.get("transcript")).or_else(|| text(message.get("transcript"))),
        messages: artifact
            .get("messages")
            .or_else(|| message.get("messages"))
            .filter(|m| m.is_array())
            .cloned(),
        recording_url: text(artifact.get("recordingUrl"))
            .or_else(|| text(artifact.pointer("/recording/mono/combinedUrl")))
            .or_else(|| text(message.get("recordingUrl"))),
        summary: text(analysis.get("summary")).or_else(|| text(message.get("summary"))),
        success_evaluation: evaluation(analysis.get("successEvaluation"))
            .or_else(|| evaluation(message.get("successEvaluation"))),
        structured_data: analysis
            .get("structuredData")
            .filter(|v| !v.is_null())
            .cloned(),
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `successEvaluation` is a string in the spec; a rubric may still yield a bare bool or number.
fn evaluation(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::METADATA_CALL_ID;

    fn call(extra: Value) -> Value {
        let mut call = json!({"id": "call-1", "status": "in-progress", "orgId": "org"});
        if let (Some(c), Some(e)) = (call.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        call
    }

    fn parse(v: Value) -> WebhookMessage {
        WebhookMessage::from_value(v).unwrap()
    }

    #[test]
    fn status_update_with_our_id_in_assistant_overrides() {
        let id = Uuid::new_v4();
        let m = parse(json!({"message": {
            "type": "status-update", "status": "ringing", "timestamp": 1_700_000_000_123i64,
            "call": call(json!({"assistantOverrides": {"metadata": {METADATA_CALL_ID: id.to_string()}}})),
            "someNewField": {"deep": [1, 2]}
        }}));
        assert_eq!(m.kind, "status-update");
        assert_eq!(m.provider_call_id.as_deref(), Some("call-1"));
        assert_eq!(m.our_call_id, Some(id));
        assert_eq!(m.timestamp.unwrap().timestamp_millis(), 1_700_000_000_123);
        assert_eq!(
            m.event,
            WebhookEvent::StatusUpdate {
                status: "ringing".into(),
                ended_reason: None
            }
        );
        assert_eq!(m.dedupe_key(), "call-1:status-update:ringing");
    }

    #[test]
    fn status_update_ended_carries_the_reason_and_trusts_message_status() {
        let m = parse(json!({"message": {
            "type": "status-update", "status": "ended", "endedReason": "customer-busy",
            "call": call(json!({"status": "ringing"}))
        }}));
        assert_eq!(
            m.event,
            WebhookEvent::StatusUpdate {
                status: "ended".into(),
                ended_reason: Some("customer-busy".into())
            }
        );
        assert!(WebhookMessage::from_value(json!({"message": {"type": "status-update"}})).is_err());
    }

    #[test]
    fn our_id_falls_back_to_call_metadata_then_variable_values() {
        let id = Uuid::new_v4();
        let m = parse(json!({"message": {"type": "hang",
            "call": call(json!({"metadata": {METADATA_CALL_ID: id.to_string()},
                                "assistantOverrides": {"metadata": {"other": 1}}}))}}));
        assert_eq!(m.our_call_id, Some(id));
        let m = parse(json!({"message": {"type": "hang",
            "call": call(json!({"assistantOverrides": {"metadata": {METADATA_CALL_ID: "not-a-uuid"},
                                "variableValues": {METADATA_CALL_ID: id.to_string()}}}))}}));
        assert_eq!(m.our_call_id, Some(id));
        let m = parse(json!({"message": {"type": "hang", "call": call(json!({}))}}));
        assert_eq!(m.our_call_id, None);
    }

    #[test]
    fn end_of_call_report_in_the_current_shape() {
        let m = parse(json!({"message": {
            "type": "end-of-call-report", "endedReason": "customer-ended-call",
            "timestamp": 1_700_000_100_000i64,
            "startedAt": "2025-01-01T10:00:00.000Z", "endedAt": "2025-01-01T10:01:30.500Z",
            "cost": 0.12, "costs": [{"type": "model", "cost": 0.02}],
            "artifact": {"transcript": "AI: Hello\nUser: Hi", "recordingUrl": "https://r/1.wav",
                         "messages": [{"role": "bot", "message": "Hello", "time": 1}]},
            "analysis": {"summary": "Talked.", "successEvaluation": "true",
                         "structuredData": {"interested": true}},
            "call": call(json!({}))
        }}));
        let WebhookEvent::EndOfCallReport(r) = &m.event else {
            panic!("{m:?}")
        };
        assert_eq!(r.ended_reason.as_deref(), Some("customer-ended-call"));
        assert_eq!(r.cost, Some(0.12));
        assert_eq!(r.duration_seconds, Some(90.5));
        assert_eq!(r.transcript.as_deref(), Some("AI: Hello\nUser: Hi"));
        assert_eq!(r.recording_url.as_deref(), Some("https://r/1.wav"));
        assert_eq!(r.summary.as_deref(), Some("Talked."));
        assert_eq!(r.success_evaluation.as_deref(), Some("true"));
        assert_eq!(
            r.messages.as_ref().and_then(Value::as_array).map(Vec::len),
            Some(1)
        );
        assert_eq!(r.structured_data, Some(json!({"interested": true})));
        assert_eq!(m.dedupe_key(), "call-1:end-of-call-report");
    }

    #[test]
    fn end_of_call_report_legacy_top_level_fallbacks() {
        let m = parse(json!({"message": {
            "type": "end-of-call-report", "endedReason": "assistant-ended-call",
            "timestamp": "2025-01-01T10:01:31Z",
            "transcript": "AI: Hi", "summary": "Short.", "recordingUrl": "https://r/2.wav",
            "durationSeconds": 12.5, "messages": [], "successEvaluation": false,
            "artifact": {}, "analysis": {},
            "call": call(json!({"cost": 0.05}))
        }}));
        let WebhookEvent::EndOfCallReport(r) = &m.event else {
            panic!("{m:?}")
        };
        assert_eq!(r.transcript.as_deref(), Some("AI: Hi"));
        assert_eq!(r.summary.as_deref(), Some("Short."));
        assert_eq!(r.recording_url.as_deref(), Some("https://r/2.wav"));
        assert_eq!(r.duration_seconds, Some(12.5));
        assert_eq!(r.success_evaluation.as_deref(), Some("false"));
        assert_eq!(r.cost, Some(0.05));
        assert_eq!(m.timestamp.unwrap().timestamp(), 1_735_725_691);

        let m = parse(json!({"message": {"type": "end-of-call-report",
            "endedReason": "customer-did-not-answer", "durationMs": 1500,
            "artifact": {"transcript": "", "messages": []}, "analysis": {}}}));
        let WebhookEvent::EndOfCallReport(r) = &m.event else {
            panic!("{m:?}")
        };
        assert_eq!(r.duration_seconds, Some(1.5));
        assert_eq!(r.transcript, None);
        assert_eq!(r.summary, None);
        assert_eq!(m.provider_call_id, None);
    }

    #[test]
    fn every_other_type_is_ignored_and_unknown_types_do_not_fail() {
        for kind in KNOWN_TYPES
            .iter()
            .skip(2)
            .chain(&["chat.created", "brand-new-type"])
        {
            let m = parse(json!({"message": {"type": kind, "call": call(json!({})),
                                             "timestamp": 5, "whatever": null}}));
            assert_eq!(
                m.event,
                WebhookEvent::Ignored {
                    kind: (*kind).to_owned()
                }
            );
        }
        let m = parse(json!({"message": {"type": "brand-new-type"}}));
        assert!(!m.is_known_type());
        assert!(parse(json!({"message": {"type": "transcript"}})).is_known_type());
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        assert!(matches!(
            WebhookMessage::parse(b"not json"),
            Err(WebhookParseError::NotJson(_))
        ));
        assert_eq!(
            WebhookMessage::parse(br#"{"type": "status-update"}"#),
            Err(WebhookParseError::NoEnvelope)
        );
        assert_eq!(
            WebhookMessage::parse(br#"{"message": {"status": "ended"}}"#),
            Err(WebhookParseError::NoType)
        );
    }
}

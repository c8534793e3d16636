//! Classification of Vapi's `endedReason`: an open string (hundreds of values, and the list
//! churns) mapped to the few outcomes a campaign cares about, by exact value or prefix only —
//! never by substring (`pipeline-error-eleven-labs-system-busy-and-requested-upgrade` is not a
//! busy line).

use std::fmt;

/// The ended reason that tells a dial was refused by the account's concurrency limit.
pub const CONCURRENCY_LIMIT_REACHED: &str =
    "call.start.error-subscription-concurrency-limit-reached";

/// What an ended call means for the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndedReasonClass {
    /// Someone picked up and the conversation ended normally.
    Answered,
    /// The phone rang out.
    NoAnswer,
    /// The line was busy.
    Busy,
    /// Voicemail picked up.
    Voicemail,
    /// The number itself is wrong: do not dial it again.
    InvalidNumber,
    /// A fault on Vapi's, the carrier's or a pipeline provider's side: worth another try.
    RetryableError,
    /// A configuration problem (assistant, credits, fraud check...): retrying will not help.
    PermanentError,
    /// A value we do not know; treated as an error by callers.
    Unknown,
}

impl EndedReasonClass {
    /// Every class.
    pub const ALL: [EndedReasonClass; 8] = [
        EndedReasonClass::Answered,
        EndedReasonClass::NoAnswer,
        EndedReasonClass::Busy,
        EndedReasonClass::Voicemail,
        EndedReasonClass::InvalidNumber,
        EndedReasonClass::RetryableError,
        EndedReasonClass::PermanentError,
        EndedReasonClass::Unknown,
    ];

    /// The class a stored value names; `None` for anything else.
    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == stored)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EndedReasonClass::Answered => "answered",
            EndedReasonClass::NoAnswer => "no-answer",
            EndedReasonClass::Busy => "busy",
            EndedReasonClass::Voicemail => "voicemail",
            EndedReasonClass::InvalidNumber => "invalid-number",
            EndedReasonClass::RetryableError => "retryable-error",
            EndedReasonClass::PermanentError => "permanent-error",
            EndedReasonClass::Unknown => "unknown",
        }
    }

    /// Whether the call failed for a reason that another dial may not hit.
    pub fn is_retryable_error(self) -> bool {
        self == EndedReasonClass::RetryableError
    }
}

impl fmt::Display for EndedReasonClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const ANSWERED_EXACT: &[&str] = &[
    "assistant-said-end-call-phrase",
    "assistant-forwarded-call",
    "silence-timed-out",
    "exceeded-max-duration",
    "call.in-progress.twilio-completed-call",
    "call.in-progress.sip-completed-call",
    "vonage-completed",
];
const ANSWERED_PREFIX: &[&str] = &["customer-ended-call", "assistant-ended-call"];
const RETRYABLE_EXACT: &[&str] = &[
    "twilio-failed-to-connect-call",
    "vonage-failed-to-connect-call",
    "worker-shutdown",
    "phone-call-provider-closed-websocket",
    CONCURRENCY_LIMIT_REACHED,
];
const PERMANENT_EXACT: &[&str] = &["scheduled-call-deleted"];
const PERMANENT_PREFIX: &[&str] = &["assistant-not-", "assistant-request-"];
/// SIP answers that mean the callee never picked up (408 Request Timeout, 480 Temporarily
/// Unavailable), under `call.<phase>.error-providerfault-outbound-sip-`.
const SIP_NO_ANSWER_PREFIX: &[&str] = &["outbound-sip-408", "outbound-sip-480"];

/// Classifies an `endedReason` by exact value or prefix.
pub fn classify(reason: &str) -> EndedReasonClass {
    use EndedReasonClass::*;
    let reason = reason.trim();
    match reason {
        "customer-did-not-answer" => return NoAnswer,
        "customer-busy" => return Busy,
        "voicemail" => return Voicemail,
        "twilio-reported-customer-misdialed" => return InvalidNumber,
        _ => {}
    }
    if ANSWERED_EXACT.contains(&reason) || ANSWERED_PREFIX.iter().any(|p| reason.starts_with(p)) {
        return Answered;
    }
    if RETRYABLE_EXACT.contains(&reason) || reason.starts_with("pipeline-error-") {
        return RetryableError;
    }
    if PERMANENT_EXACT.contains(&reason) || PERMANENT_PREFIX.iter().any(|p| reason.starts_with(p)) {
        return PermanentError;
    }
    // `call.<phase>.error-<detail>`: the phase is one dotted segment, the detail starts with
    // who is at fault.
    if let Some((phase, detail)) = reason
        .strip_prefix("call.")
        .and_then(|rest| rest.split_once(".error-"))
        && !phase.contains('.')
    {
        if let Some(fault) = detail.strip_prefix("providerfault-") {
            if SIP_NO_ANSWER_PREFIX.iter().any(|p| fault.starts_with(p)) {
                return NoAnswer;
            }
            return RetryableError;
        }
        if detail.starts_with("vapifault-") {
            return RetryableError;
        }
        if phase == "start" {
            return PermanentError;
        }
    }
    Unknown
}

/// Whether the call was refused because the account's concurrency limit was reached (the
/// third of Vapi's concurrency behaviours): the dial should be retried without spending an
/// attempt.
pub fn is_concurrency_blocked(reason: &str) -> bool {
    reason.trim() == CONCURRENCY_LIMIT_REACHED
}

#[cfg(test)]
mod tests {
    use super::EndedReasonClass::*;
    use super::*;

    #[test]
    fn every_family_is_classified() {
        let cases = [
            ("customer-ended-call", Answered),
            ("customer-ended-call-after-warm-transfer-attempt", Answered),
            ("assistant-ended-call", Answered),
            ("assistant-ended-call-after-message-spoken", Answered),
            ("assistant-said-end-call-phrase", Answered),
            ("assistant-forwarded-call", Answered),
            ("silence-timed-out", Answered),
            ("exceeded-max-duration", Answered),
            ("call.in-progress.twilio-completed-call", Answered),
            ("call.in-progress.sip-completed-call", Answered),
            ("vonage-completed", Answered),
            ("customer-did-not-answer", NoAnswer),
            (
                "call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable",
                NoAnswer,
            ),
            (
                "call.in-progress.error-providerfault-outbound-sip-408-request-timeout",
                NoAnswer,
            ),
            ("customer-busy", Busy),
            ("voicemail", Voicemail),
            ("twilio-reported-customer-misdialed", InvalidNumber),
            ("twilio-failed-to-connect-call", RetryableError),
            ("vonage-failed-to-connect-call", RetryableError),
            ("worker-shutdown", RetryableError),
            ("phone-call-provider-closed-websocket", RetryableError),
            ("pipeline-error-openai-llm-failed", RetryableError),
            (
                "call.in-progress.error-vapifault-openai-llm-failed",
                RetryableError,
            ),
            (
                "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable",
                RetryableError,
            ),
            ("call.start.error-vapifault-database-error", RetryableError),
            (CONCURRENCY_LIMIT_REACHED, RetryableError),
            ("call.start.error-insufficient-credits", PermanentError),
            ("call.start.error-fraud-check-failed", PermanentError),
            (
                "call.start.error-vapi-number-outbound-daily-limit",
                PermanentError,
            ),
            ("assistant-not-found", PermanentError),
            ("assistant-not-valid", PermanentError),
            ("assistant-request-failed", PermanentError),
            ("assistant-request-returned-error", PermanentError),
            ("scheduled-call-deleted", PermanentError),
            ("a-value-vapi-adds-next-year", Unknown),
            ("", Unknown),
        ];
        for (reason, class) in cases {
            assert_eq!(classify(reason), class, "{reason}");
        }
    }

    #[test]
    fn substrings_never_decide() {
        // Contains "busy" but is a pipeline failure.
        assert_eq!(
            classify("pipeline-error-eleven-labs-system-busy-and-requested-upgrade"),
            RetryableError
        );
        // Contains "voicemail" and "customer-busy" but matches no known value or prefix.
        assert_eq!(classify("x-voicemail"), Unknown);
        assert_eq!(classify("not-customer-busy"), Unknown);
        assert_eq!(classify("my-customer-ended-call"), Unknown);
        // A fault marker must follow the phase directly, not appear anywhere.
        assert_eq!(
            classify("call.in-progress.weird.error-vapifault-x"),
            Unknown
        );
        assert_eq!(classify("something-vapifault-x"), Unknown);
    }

    #[test]
    fn concurrency_block_is_recognised_exactly() {
        assert!(is_concurrency_blocked(CONCURRENCY_LIMIT_REACHED));
        assert!(!is_concurrency_blocked(
            "call.start.error-insufficient-credits"
        ));
        assert!(!is_concurrency_blocked(
            "call.start.error-subscription-concurrency-limit-reached-soon"
        ));
    }

    #[test]
    fn classes_have_stable_labels() {
        assert_eq!(NoAnswer.to_string(), "no-answer");
        assert_eq!(
            serde_json::to_string(&RetryableError).unwrap(),
            "\"retryable-error\""
        );
    }
}

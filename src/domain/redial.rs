//! Redials: a contact whose call ended without reaching anyone (no answer, busy, an error worth
//! another try, optionally voicemail) is called again after a delay, up to a number of attempts.
//! Vapi has no redial of its own; without a policy every contact gets one attempt.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ended_reason::EndedReasonClass;

/// Outcomes a redial may follow. An answered call, a wrong number, a permanent error or an
/// unknown outcome (such as a dial whose fate could not be confirmed) is never redialed.
pub const REDIALABLE: [EndedReasonClass; 4] = [
    EndedReasonClass::NoAnswer,
    EndedReasonClass::Busy,
    EndedReasonClass::Voicemail,
    EndedReasonClass::RetryableError,
];

/// Most attempts per contact a campaign may ask for.
pub const MAX_ATTEMPTS: u32 = 10;

/// The key under which a campaign's settings hold its redial policy.
pub const SETTINGS_KEY: &str = "redial";

/// What is wrong with a redial policy, by part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedialError {
    #[error("attempts must be between 1 and {MAX_ATTEMPTS}")]
    Attempts,
    #[error("the redial delay must be between 1 second and 7 days")]
    Delay,
    #[error("{0}")]
    Outcomes(String),
}

/// When and how often a contact is called again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedialPolicy {
    /// Attempts per contact, the first one included (2..=[`MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Wait after an attempt before the next one.
    pub delay_seconds: u64,
    /// Outcomes (`no-answer`, `busy`, `voicemail`, `retryable-error`) that lead to a redial.
    pub on: Vec<String>,
}

impl RedialPolicy {
    /// Builds a policy; `None` for a single attempt. Errors name what is wrong.
    pub fn new(
        max_attempts: u32,
        delay_seconds: u64,
        on: &str,
    ) -> Result<Option<Self>, RedialError> {
        if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
            return Err(RedialError::Attempts);
        }
        if !(1..=7 * 86_400).contains(&delay_seconds) {
            return Err(RedialError::Delay);
        }
        let mut classes = Vec::new();
        for item in on.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let class = REDIALABLE
                .iter()
                .find(|c| c.as_str() == item)
                .ok_or_else(|| {
                    RedialError::Outcomes(format!(
                        "{item:?} cannot be redialed (use {})",
                        REDIALABLE.map(EndedReasonClass::as_str).join(", ")
                    ))
                })?;
            if !classes.contains(&class.as_str().to_owned()) {
                classes.push(class.as_str().to_owned());
            }
        }
        if classes.is_empty() {
            return Err(RedialError::Outcomes(
                "name at least one outcome to redial".to_owned(),
            ));
        }
        Ok((max_attempts > 1).then_some(Self {
            max_attempts,
            delay_seconds,
            on: classes,
        }))
    }

    /// The policy stored in a campaign's settings, if any.
    pub fn from_settings(settings: &serde_json::Value) -> Option<Self> {
        Self::read_settings(settings).ok().flatten()
    }

    /// The policy stored in a campaign's settings: `Ok(None)` when none is stored (one
    /// attempt), an error naming the problem when one is stored but does not parse or breaks
    /// the rules — which must never be read as "no limit".
    pub fn read_settings(settings: &serde_json::Value) -> Result<Option<Self>, String> {
        let Some(stored) = settings.get(SETTINGS_KEY).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let policy: Self = serde_json::from_value(stored.clone())
            .map_err(|e| format!("the stored redial policy is unreadable: {e}"))?;
        Self::new(
            policy.max_attempts,
            policy.delay_seconds,
            &policy.on.join(","),
        )
        .map_err(|e| format!("the stored redial policy is invalid: {e}"))
    }

    /// When attempt number `attempt` (1-based) ended with `outcome` at `ended`: the time of
    /// the next attempt, or `None` when the contact is done.
    pub fn next_attempt(
        &self,
        attempt: u32,
        outcome: EndedReasonClass,
        ended: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let wanted = self.on.iter().any(|o| o == outcome.as_str())
            && REDIALABLE.contains(&outcome)
            && attempt < self.max_attempts;
        wanted.then(|| ended + Duration::seconds(self.delay_seconds as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_attempt_is_no_policy_and_bad_values_are_named() {
        assert_eq!(RedialPolicy::new(1, 60, "no-answer").unwrap(), None);
        assert_eq!(
            RedialPolicy::new(0, 60, "no-answer"),
            Err(RedialError::Attempts)
        );
        assert_eq!(
            RedialPolicy::new(11, 60, "no-answer"),
            Err(RedialError::Attempts)
        );
        assert_eq!(
            RedialPolicy::new(3, 0, "no-answer"),
            Err(RedialError::Delay)
        );
        let err = RedialPolicy::new(3, 60, "no-answer,answered")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"answered\" cannot be redialed"), "{err}");
        assert!(matches!(
            RedialPolicy::new(3, 60, " , "),
            Err(RedialError::Outcomes(_))
        ));
    }

    #[test]
    fn only_listed_redialable_outcomes_within_the_attempts_are_redialed() {
        let policy = RedialPolicy::new(3, 600, "no-answer, busy,busy")
            .unwrap()
            .unwrap();
        assert_eq!(policy.on, ["no-answer", "busy"]);
        let ended: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().unwrap();
        let later: DateTime<Utc> = "2026-11-25T10:10:00Z".parse().unwrap();
        assert_eq!(
            policy.next_attempt(1, EndedReasonClass::NoAnswer, ended),
            Some(later)
        );
        assert_eq!(
            policy.next_attempt(2, EndedReasonClass::Busy, ended),
            Some(later)
        );
        assert_eq!(
            policy.next_attempt(3, EndedReasonClass::NoAnswer, ended),
            None
        );
        for done in [
            EndedReasonClass::Answered,
            EndedReasonClass::Voicemail,
            EndedReasonClass::InvalidNumber,
            EndedReasonClass::PermanentError,
            EndedReasonClass::Unknown,
        ] {
            assert_eq!(policy.next_attempt(1, done, ended), None, "{done:?}");
        }
    }

    #[test]
    fn the_policy_round_trips_through_settings() {
        let policy = RedialPolicy::new(2, 30, "voicemail").unwrap().unwrap();
        let settings = serde_json::json!({ SETTINGS_KEY: policy });
        assert_eq!(RedialPolicy::from_settings(&settings), Some(policy));
        assert_eq!(RedialPolicy::from_settings(&serde_json::json!({})), None);
    }
}

//! The safety brake: a campaign whose recent calls keep failing pauses itself before it burns
//! through its list. The symptoms of a broken assistant, a wrong phone line, an exhausted
//! account or an outage are the same from here: calls that end in provider errors or whose
//! dial fails. Ordinary outcomes (no answer, busy, voicemail, a wrong number on the list) are
//! never failures.

use std::collections::VecDeque;

use crate::domain::campaign::CallStatus;
use crate::domain::ended_reason::EndedReasonClass;

/// The key under which a campaign's settings hold its brake rules.
pub const SETTINGS_KEY: &str = "safetyBrake";

/// Largest window and run length a campaign may set.
pub const MAX_CALLS: u32 = 10_000;

/// When the brake trips; zero turns a rule off.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrakeRules {
    /// Finished calls the failure share is measured over (the window must be full).
    pub window: usize,
    /// The share of failed calls in the window at which the brake trips (0–1].
    pub failure_share: f64,
    /// Failed calls in a row at which the brake trips.
    pub failures_in_a_row: u32,
}

impl BrakeRules {
    /// Rules from their parts, or what is wrong with them in words (naming the API field).
    pub fn new(
        window: u32,
        failure_share: f64,
        failures_in_a_row: u32,
    ) -> Result<Self, (&'static str, String)> {
        if window > MAX_CALLS {
            return Err((
                "safetyBrakeWindow",
                format!("{window} is out of range: allowed 0 (off) to {MAX_CALLS} calls"),
            ));
        }
        if !(failure_share.is_finite() && failure_share > 0.0 && failure_share <= 1.0) {
            return Err((
                "safetyBrakeFailureShare",
                format!("{failure_share} is not a share: give a number above 0 up to 1"),
            ));
        }
        if failures_in_a_row > MAX_CALLS {
            return Err((
                "safetyBrakeFailuresInARow",
                format!(
                    "{failures_in_a_row} is out of range: allowed 0 (off) to {MAX_CALLS} calls"
                ),
            ));
        }
        Ok(Self {
            window: window as usize,
            failure_share,
            failures_in_a_row,
        })
    }

    /// The rules stored in a campaign's settings, if it has its own.
    pub fn read(settings: &serde_json::Value) -> Option<Self> {
        settings
            .get(SETTINGS_KEY)
            .filter(|v| !v.is_null())
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// Whether a finished call counts as a failure: its dial failed, or it ended in a provider
/// error or an unknown outcome.
pub fn is_failure(status: CallStatus, outcome: Option<EndedReasonClass>) -> bool {
    match outcome {
        Some(
            EndedReasonClass::RetryableError
            | EndedReasonClass::PermanentError
            | EndedReasonClass::Unknown,
        ) => true,
        Some(_) => false,
        None => status == CallStatus::Failed,
    }
}

/// The brake's memory of a campaign's last finished calls.
#[derive(Debug, Clone)]
pub struct SafetyBrake {
    rules: BrakeRules,
    recent: VecDeque<bool>,
    in_a_row: u32,
}

impl SafetyBrake {
    pub fn new(rules: BrakeRules) -> Self {
        Self {
            rules,
            recent: VecDeque::with_capacity(rules.window),
            in_a_row: 0,
        }
    }

    /// Records a finished call; when the brake trips, the numbers that tripped it, in words.
    pub fn record(&mut self, failed: bool) -> Option<String> {
        self.in_a_row = if failed { self.in_a_row + 1 } else { 0 };
        if self.rules.window > 0 {
            if self.recent.len() == self.rules.window {
                self.recent.pop_front();
            }
            self.recent.push_back(failed);
        }
        let rules = self.rules;
        if rules.failures_in_a_row > 0 && self.in_a_row >= rules.failures_in_a_row {
            return Some(format!(
                "{} calls in a row failed (the brake trips at {})",
                self.in_a_row, rules.failures_in_a_row
            ));
        }
        if rules.window > 0 && self.recent.len() == rules.window {
            let failed = self.recent.iter().filter(|f| **f).count();
            if failed as f64 >= rules.failure_share * rules.window as f64 {
                return Some(format!(
                    "{failed} of the last {} calls failed ({:.0} %; the brake trips at {:.0} %)",
                    rules.window,
                    100.0 * failed as f64 / rules.window as f64,
                    100.0 * rules.failure_share
                ));
            }
        }
        None
    }

    /// Forgets what it saw: a resumed campaign is judged on its calls from then on.
    pub fn reset(&mut self) {
        self.recent.clear();
        self.in_a_row = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaigns_rules_are_checked_and_read_back() {
        let rules = BrakeRules::new(30, 0.4, 6).unwrap();
        let settings = serde_json::json!({ SETTINGS_KEY: rules });
        assert_eq!(
            settings[SETTINGS_KEY],
            serde_json::json!({ "window": 30, "failureShare": 0.4, "failuresInARow": 6 })
        );
        assert_eq!(BrakeRules::read(&settings), Some(rules));
        assert_eq!(BrakeRules::read(&serde_json::json!({})), None);
        assert_eq!(BrakeRules::new(0, 1.0, 0).unwrap().window, 0);
        assert_eq!(
            BrakeRules::new(10_001, 0.5, 5).unwrap_err().0,
            "safetyBrakeWindow"
        );
        assert_eq!(
            BrakeRules::new(20, 0.0, 5).unwrap_err().0,
            "safetyBrakeFailureShare"
        );
        assert_eq!(
            BrakeRules::new(20, 1.5, 5).unwrap_err().0,
            "safetyBrakeFailureShare"
        );
        assert_eq!(
            BrakeRules::new(20, 0.5, 10_001).unwrap_err().0,
            "safetyBrakeFailuresInARow"
        );
    }

    const RULES: BrakeRules = BrakeRules {
        window: 10,
        failure_share: 0.5,
        failures_in_a_row: 4,
    };

    #[test]
    fn only_errors_and_failed_dials_are_failures() {
        use EndedReasonClass as C;
        for ok in [
            C::Answered,
            C::NoAnswer,
            C::Busy,
            C::Voicemail,
            C::InvalidNumber,
        ] {
            assert!(!is_failure(CallStatus::Ended, Some(ok)), "{ok:?}");
        }
        for bad in [C::RetryableError, C::PermanentError, C::Unknown] {
            assert!(is_failure(CallStatus::Ended, Some(bad)), "{bad:?}");
        }
        assert!(is_failure(CallStatus::Failed, None));
        assert!(!is_failure(CallStatus::Ended, None));
    }

    #[test]
    fn failures_in_a_row_trip_it_and_a_success_resets_the_run() {
        let mut brake = SafetyBrake::new(RULES);
        for _ in 0..3 {
            assert_eq!(brake.record(true), None);
        }
        assert_eq!(brake.record(false), None, "the run is broken");
        for _ in 0..3 {
            assert_eq!(brake.record(true), None);
        }
        let why = brake.record(true).expect("four in a row");
        assert!(why.contains("4 calls in a row"), "{why}");
    }

    #[test]
    fn the_share_trips_it_only_over_a_full_window() {
        let rules = BrakeRules {
            failures_in_a_row: 0,
            ..RULES
        };
        let mut brake = SafetyBrake::new(rules);
        // Alternating: half of them fail, never two in a row.
        for i in 0..9 {
            assert_eq!(brake.record(i % 2 == 0), None, "window not full at {i}");
        }
        let why = brake.record(false).expect("5 of 10");
        assert!(why.contains("5 of the last 10"), "{why}");
        // After a reset the window starts over.
        brake.reset();
        assert_eq!(brake.record(true), None);
        // Four failures in ten stay under the threshold, as the window slides.
        let mut brake = SafetyBrake::new(rules);
        for i in 0..50 {
            assert_eq!(brake.record(i % 5 < 2), None, "at {i}");
        }
    }

    #[test]
    fn zero_turns_a_rule_off() {
        let mut brake = SafetyBrake::new(BrakeRules {
            window: 0,
            failure_share: 0.5,
            failures_in_a_row: 0,
        });
        for _ in 0..100 {
            assert_eq!(brake.record(true), None);
        }
    }
}

//! The spend limit: a campaign with `budgetUsd` stops dialing while there is still room for the
//! calls in flight. What it has spent is the reported cost of its calls; a call whose cost is
//! not known yet (live, or ended with its report still on its way) counts at an estimate: the
//! configured cost per minute times the longest the assistant lets a call last.

/// The key under which a campaign's settings hold its budget (US dollars).
pub const SETTINGS_KEY: &str = "budgetUsd";

/// How long a call may last when the assistant does not say: Vapi's default
/// `maxDurationSeconds`.
pub const DEFAULT_MAX_CALL_SECONDS: f64 = 600.0;

/// The budget stored in a campaign's settings, if it has one.
pub fn read(settings: &serde_json::Value) -> Option<f64> {
    settings
        .get(SETTINGS_KEY)
        .and_then(serde_json::Value::as_f64)
        .filter(|b| b.is_finite() && *b > 0.0)
}

/// What one call may cost at most, as far as we can tell before it ends.
pub fn per_call_estimate(cost_per_minute: f64, max_call_seconds: Option<f64>) -> f64 {
    cost_per_minute * max_call_seconds.unwrap_or(DEFAULT_MAX_CALL_SECONDS) / 60.0
}

/// How many more calls fit: `committed` is what is spent plus the estimates of calls whose
/// cost is not known yet.
pub fn room(budget: f64, committed: f64, per_call: f64) -> u64 {
    if per_call <= 0.0 {
        return u64::MAX;
    }
    let left = budget - committed;
    if left < per_call {
        return 0;
    }
    (left / per_call).floor().min(u64::MAX as f64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_estimated_at_its_longest() {
        assert!((per_call_estimate(0.3, Some(120.0)) - 0.6).abs() < 1e-9);
        assert!(
            (per_call_estimate(0.3, None) - 3.0).abs() < 1e-9,
            "Vapi's 10 minutes"
        );
    }

    #[test]
    fn room_is_what_fits_whole() {
        assert_eq!(room(10.0, 0.0, 1.0), 10);
        assert_eq!(room(10.0, 8.5, 1.0), 1);
        assert_eq!(room(10.0, 9.5, 1.0), 0, "not even one more");
        assert_eq!(
            room(10.0, 12.0, 1.0),
            0,
            "overspent by a call's actual cost"
        );
        assert_eq!(
            room(10.0, 0.0, 0.0),
            u64::MAX,
            "no estimate: no limit from it"
        );
    }

    #[test]
    fn only_a_positive_budget_is_read() {
        assert_eq!(read(&serde_json::json!({ "budgetUsd": 25.5 })), Some(25.5));
        assert_eq!(read(&serde_json::json!({ "budgetUsd": 0 })), None);
        assert_eq!(read(&serde_json::json!({ "budgetUsd": null })), None);
        assert_eq!(read(&serde_json::json!({})), None);
    }
}

//! Scheduled start: a campaign started with `startAt` ahead waits (QUEUED, its supervisor
//! holding a timer) and places its first call at that moment, not before. The design's state
//! machine already reads QUEUED as "start requested, nothing dialed yet"; the waiting is told
//! apart by `startAt` being ahead.

use chrono::{DateTime, Duration, Utc};

/// The key under which a campaign's settings hold its scheduled start (RFC 3339, UTC).
pub const SETTINGS_KEY: &str = "startAt";

/// How far ahead a start may be scheduled.
pub const MAX_AHEAD_DAYS: i64 = 366;

/// The scheduled start stored in a campaign's settings, if it has one.
pub fn read(settings: &serde_json::Value) -> Option<DateTime<Utc>> {
    settings
        .get(SETTINGS_KEY)
        .and_then(serde_json::Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|at| at.with_timezone(&Utc))
}

/// What is stored for `at`.
pub fn stored(at: Option<DateTime<Utc>>) -> serde_json::Value {
    at.map_or(serde_json::Value::Null, |at| {
        serde_json::Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    })
}

/// A start as given at `now`: in the future and at most [`MAX_AHEAD_DAYS`] ahead. A moment
/// already past is refused rather than read as "at once": a typo in the year must not start
/// calling people now.
pub fn validate(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if at <= now {
        return Err(format!(
            "{} is not in the future (it is {} now, UTC); omit startAt to start at once",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    if at - now > Duration::days(MAX_AHEAD_DAYS) {
        return Err(format!(
            "{} is more than {MAX_AHEAD_DAYS} days ahead",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    Ok(at)
}

/// How long a campaign scheduled for `start_at` still waits at `now` (`None`: it may dial).
pub fn wait(start_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<std::time::Duration> {
    start_at
        .filter(|at| *at > now)
        .map(|at| (at - now).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_start_is_stored_and_read_back() {
        let t = at("2026-12-24T09:30:00.250Z");
        let settings = serde_json::json!({ SETTINGS_KEY: stored(Some(t)) });
        assert_eq!(read(&settings), Some(t));
        assert_eq!(read(&serde_json::json!({ SETTINGS_KEY: null })), None);
        assert_eq!(read(&serde_json::json!({ SETTINGS_KEY: "soon" })), None);
        assert_eq!(read(&serde_json::json!({})), None);
    }

    #[test]
    fn only_the_future_within_a_year_is_accepted() {
        let now = at("2026-12-02T12:00:00Z");
        assert!(validate(at("2026-12-02T12:00:01Z"), now).is_ok());
        assert!(
            validate(now, now)
                .unwrap_err()
                .contains("not in the future")
        );
        assert!(validate(at("2025-12-02T12:00:00Z"), now).is_err());
        assert!(
            validate(at("2028-01-01T00:00:00Z"), now)
                .unwrap_err()
                .contains("366 days")
        );
    }

    #[test]
    fn the_wait_ends_at_the_start() {
        let now = at("2026-12-02T12:00:00Z");
        assert_eq!(wait(None, now), None);
        assert_eq!(wait(Some(now), now), None);
        assert_eq!(
            wait(Some(at("2026-12-02T12:00:05Z")), now),
            Some(std::time::Duration::from_secs(5))
        );
    }
}

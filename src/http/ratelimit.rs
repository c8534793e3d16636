//! Per-user rate limits: a token bucket per user for all API requests, and tighter ones for
//! CSV uploads and exports. Over the limit is a 429 with `Retry-After`.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;
use uuid::Uuid;

use crate::config::RateLimitSettings;
use crate::http::error::ApiError;

/// What a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    General,
    Upload,
    Export,
}

impl Budget {
    fn name(self) -> &'static str {
        match self {
            Budget::General => "requests",
            Budget::Upload => "uploads",
            Budget::Export => "exports",
        }
    }
}

pub struct RateLimits {
    general: Option<DefaultKeyedRateLimiter<Uuid>>,
    uploads: Option<DefaultKeyedRateLimiter<Uuid>>,
    exports: Option<DefaultKeyedRateLimiter<Uuid>>,
}

fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<Uuid>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        Self {
            general: limiter(settings.general_per_minute),
            uploads: limiter(settings.uploads_per_minute),
            exports: limiter(settings.exports_per_minute),
        }
    }

    /// Spends one unit of `budget` for `user`, or the 429 to answer.
    pub fn check(&self, budget: Budget, user: Uuid) -> Result<(), ApiError> {
        let limiter = match budget {
            Budget::General => &self.general,
            Budget::Upload => &self.uploads,
            Budget::Export => &self.exports,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        limiter.check_key(&user).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::new(
                poem::http::StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "too many {} from this user; try again in {secs} s",
                    budget.name()
                ),
            )
            .with_details(json!({ "limit": budget.name(), "retryAfterSeconds": secs.max(1) }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(general: u32, uploads: u32) -> RateLimitSettings {
        RateLimitSettings {
            general_per_minute: general,
            uploads_per_minute: uploads,
            exports_per_minute: 0,
        }
    }

    #[test]
    fn a_user_over_the_budget_gets_429_with_retry_after_others_do_not() {
        let limits = RateLimits::new(&settings(3, 1));
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        for _ in 0..3 {
            limits.check(Budget::General, a).unwrap();
        }
        let refused = limits.check(Budget::General, a).unwrap_err();
        assert_eq!(refused.status, poem::http::StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.details["retryAfterSeconds"].as_u64().unwrap() >= 1);
        limits.check(Budget::General, b).unwrap();
        limits.check(Budget::Upload, a).unwrap();
        assert!(limits.check(Budget::Upload, a).is_err());
        // 0 means no limit.
        for _ in 0..100 {
            limits.check(Budget::Export, a).unwrap();
        }
    }
}

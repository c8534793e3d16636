//! `GET /api/health`: is the service able to do its job? Checks the database, the runtime
//! (root actor alive, supervisors count) and the provider's reachability (cached, short
//! timeout). 503 (in the error envelope, with the report in `details`) when the database or
//! the runtime fails; a provider outage only makes the service `degraded`.
//! `GET /api/health/phone-line`: live calls on a phone line as the provider sees them
//! (cached 60 s; informational only).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use uuid::Uuid;

use crate::http::auth::BearerAuth;
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::provider::ProviderError;

/// How long a provider reachability answer is reused.
const PROVIDER_CACHE: Duration = Duration::from_secs(15);
/// How long the provider gets to answer a health probe.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the runtime gets to answer.
const RUNTIME_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a phone line's live-call count is reused.
const LINE_CACHE: Duration = Duration::from_secs(60);
/// Phone-line lookups look at calls created this far back.
const LINE_LOOKBACK_HOURS: i64 = 12;

pub struct HealthApi;

/// Cached answers of the slow checks, per app.
#[derive(Default)]
pub struct HealthCache {
    provider: tokio::sync::Mutex<Option<(Instant, Check)>>,
    lines: Mutex<HashMap<String, (Instant, PhoneLineHealth)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Healthy,
    /// Serving, but an optional dependency (the provider) is failing.
    Degraded,
    Unhealthy,
}

#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub status: CheckStatus,
    pub latency_ms: f64,
    /// Why the check failed; absent when healthy.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The answer was reused from an earlier check (provider only).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached: Option<bool>,
    /// Campaign supervisors the runtime holds (runtime only).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supervisors: Option<u64>,
}

impl Check {
    fn new(status: CheckStatus, started: Instant, error: Option<String>) -> Self {
        Self {
            status,
            latency_ms: elapsed_ms(started),
            error,
            cached: None,
            supervisors: None,
        }
    }
}

#[derive(Debug, Object, serde::Serialize)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    pub database: Check,
    pub runtime: Check,
    pub provider: Check,
}

#[derive(Debug, Object, serde::Serialize)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    /// `healthy`; `degraded` when only the provider fails; `unhealthy` (503) when the database
    /// or the runtime fails.
    pub status: CheckStatus,
    pub version: String,
    pub uptime_seconds: u64,
    pub checks: Checks,
    /// What needs an operator's attention without making the service unhealthy (a
    /// do-not-call list imported more than 31 days ago); empty when nothing does.
    pub warnings: Vec<String>,
}

/// Days after which an imported do-not-call list is stale: the US national registry must be
/// re-downloaded at least every 31 days.
pub const LIST_STALE_DAYS: i64 = 31;

/// Warnings that do not make the service unhealthy.
async fn warnings(state: &AppState) -> Vec<String> {
    let mut warnings = Vec::new();
    match crate::store::suppression::newest_import(&state.db).await {
        Ok(Some(at)) => {
            let age = (Utc::now() - at).num_days();
            if age > LIST_STALE_DAYS {
                warnings.push(format!(
                    "the newest do-not-call list was imported {age} days ago ({}): \
                     the national registry must be refreshed at least every {LIST_STALE_DAYS} days",
                    at.format("%Y-%m-%d")
                ));
            }
        }
        Ok(None) => {}
        // The database check reports the failure itself.
        Err(e) => tracing::debug!(error = %e, "could not read the do-not-call imports"),
    }
    warnings
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// The database and the runtime work (the provider may be degraded).
    #[oai(status = 200)]
    Ok(Json<HealthReport>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum LineStatus {
    /// No live call on the line.
    Healthy,
    /// Calls are live on the line.
    Busy,
    /// The provider could not be asked.
    Error,
}

#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct PhoneLineHealth {
    pub phone_number_id: String,
    pub status: LineStatus,
    /// Calls the provider counts as live on the line (created in the last 12 hours).
    pub live_calls: u64,
    pub checked_at: chrono::DateTime<Utc>,
    /// The answer was reused (lines are asked at most once a minute).
    pub cached: bool,
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
}

#[derive(ApiResponse)]
pub enum PhoneLineResponse {
    /// The line's state (informational: never an error status for a provider failure).
    #[oai(status = 200)]
    Ok(Json<PhoneLineHealth>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl HealthApi {
    /// Service health: database, runtime (root actor, supervisors) and provider reachability, each
    /// with its status and latency.
    ///
    /// Public (no token), for load balancers and monitors. `healthy`, or `degraded` when only
    /// the provider fails (200 either way); 503 in the error envelope, with the report in
    /// `details`, when the database or the runtime fails. `warnings` lists what an operator
    /// should act on, such as a do-not-call list imported more than 31 days ago.
    #[oai(path = "/health", method = "get", operation_id = "getHealth")]
    async fn health(&self, state: Data<&AppState>) -> ApiResult<HealthResponse> {
        let (database, runtime, provider) = tokio::join!(
            database_check(&state),
            runtime_check(&state),
            provider_check(&state)
        );
        let required_ok =
            database.status == CheckStatus::Healthy && runtime.status == CheckStatus::Healthy;
        let status = if !required_ok {
            CheckStatus::Unhealthy
        } else if provider.status != CheckStatus::Healthy {
            CheckStatus::Degraded
        } else {
            CheckStatus::Healthy
        };
        let warnings = if database.status == CheckStatus::Healthy {
            warnings(&state).await
        } else {
            Vec::new()
        };
        let report = HealthReport {
            status,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            uptime_seconds: state.started_at.elapsed().as_secs(),
            checks: Checks {
                database,
                runtime,
                provider,
            },
            warnings,
        };
        if required_ok {
            Ok(HealthResponse::Ok(Json(report)))
        } else {
            let failed: Vec<&str> = [
                ("database", &report.checks.database),
                ("runtime", &report.checks.runtime),
            ]
            .iter()
            .filter(|(_, c)| c.status != CheckStatus::Healthy)
            .map(|(name, _)| *name)
            .collect();
            Err(
                ApiError::unavailable(format!("{} check failed", failed.join(" and ")))
                    .with_details(serde_json::to_value(&report).unwrap_or_default()),
            )
        }
    }

    /// Live calls on a phone line as the provider sees them: `healthy` (none), `busy`, or `error`
    /// (the provider could not be asked).
    ///
    /// Give `phoneNumberId`, or `campaignId` for the campaign's line; without either, the server's
    /// configured line. Cached 60 s per line; informational only. 404 `feature_disabled` when
    /// `features.phone_line_health_check` is off.
    #[oai(
        path = "/health/phone-line",
        method = "get",
        operation_id = "getPhoneLineHealth"
    )]
    async fn phone_line(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(name = "phoneNumberId")] phone_number_id: Query<Option<String>>,
        #[oai(name = "campaignId")] campaign_id: Query<Option<Uuid>>,
    ) -> ApiResult<PhoneLineResponse> {
        if !state.settings.features.phone_line_health_check {
            return Err(ApiError::feature_disabled(
                poem::http::StatusCode::NOT_FOUND,
                "phone_line_health_check",
                "the phone-line health check",
            ));
        }
        // One parameter names the line; `phoneNumberId` wins when both are given, and
        // without either the server's own line (`vapi.phone_number_id`) is checked.
        let line = match (
            phone_number_id.0.filter(|s| !s.trim().is_empty()),
            campaign_id.0,
        ) {
            (Some(line), _) => line,
            (None, Some(id)) => {
                let owner = (!auth.0.is_admin()).then_some(auth.0.id);
                crate::store::campaigns::get_visible(&state.db, id, owner)
                    .await?
                    .ok_or_else(|| ApiError::not_found("campaign"))?
                    .phone_number_id
            }
            (None, None) => state
                .settings
                .vapi
                .phone_number_id
                .clone()
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    ApiError::validation(
                        "phoneNumberId",
                        "no default line is configured (vapi.phone_number_id): give \
                         phoneNumberId or campaignId",
                    )
                })?,
        };
        Ok(PhoneLineResponse::Ok(Json(line_health(&state, line).await)))
    }
}

async fn database_check(state: &AppState) -> Check {
    let started = Instant::now();
    match state.db.ping().await {
        Ok(()) => Check::new(CheckStatus::Healthy, started, None),
        Err(e) => Check::new(CheckStatus::Unhealthy, started, Some(e.to_string())),
    }
}

async fn runtime_check(state: &AppState) -> Check {
    let started = Instant::now();
    match tokio::time::timeout(RUNTIME_TIMEOUT, state.runtime.supervisors()).await {
        Ok(Some(n)) => Check {
            supervisors: Some(n as u64),
            ..Check::new(CheckStatus::Healthy, started, None)
        },
        Ok(None) => Check::new(
            CheckStatus::Unhealthy,
            started,
            Some("the runtime's root actor does not answer".into()),
        ),
        Err(_) => Check::new(
            CheckStatus::Unhealthy,
            started,
            Some(format!(
                "the runtime did not answer within {RUNTIME_TIMEOUT:?}"
            )),
        ),
    }
}

/// Reachability: any answer that proves Vapi is there and takes our key (a phone number, or
/// "not found" for a probe id) is healthy.
async fn provider_check(state: &AppState) -> Check {
    let mut cache = state.health.provider.lock().await;
    if let Some((at, check)) = cache.as_ref()
        && at.elapsed() < PROVIDER_CACHE
    {
        return Check {
            cached: Some(true),
            ..check.clone()
        };
    }
    let started = Instant::now();
    let line = state
        .settings
        .vapi
        .phone_number_id
        .clone()
        .unwrap_or_else(|| "autolynx-health-probe".to_owned());
    let answer =
        tokio::time::timeout(PROVIDER_TIMEOUT, state.provider.get_phone_number(&line)).await;
    let check = match answer {
        Ok(Ok(_) | Err(ProviderError::NotFound)) => Check::new(CheckStatus::Healthy, started, None),
        Ok(Err(e)) => Check::new(CheckStatus::Unhealthy, started, Some(e.to_string())),
        Err(_) => Check::new(
            CheckStatus::Unhealthy,
            started,
            Some(format!("no answer within {PROVIDER_TIMEOUT:?}")),
        ),
    };
    *cache = Some((Instant::now(), check.clone()));
    Check {
        cached: Some(false),
        ..check
    }
}

async fn line_health(state: &AppState, line: String) -> PhoneLineHealth {
    {
        let lines = state.health.lines.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, health)) = lines.get(&line)
            && at.elapsed() < LINE_CACHE
        {
            return PhoneLineHealth {
                cached: true,
                ..health.clone()
            };
        }
    }
    let since = Utc::now() - chrono::Duration::hours(LINE_LOOKBACK_HOURS);
    let health = match state.provider.list_calls(&line, since).await {
        Ok(calls) => {
            let live = calls.iter().filter(|c| !c.is_ended()).count() as u64;
            PhoneLineHealth {
                phone_number_id: line.clone(),
                status: if live == 0 {
                    LineStatus::Healthy
                } else {
                    LineStatus::Busy
                },
                live_calls: live,
                checked_at: Utc::now(),
                cached: false,
                error: None,
            }
        }
        Err(e) => PhoneLineHealth {
            phone_number_id: line.clone(),
            status: LineStatus::Error,
            live_calls: 0,
            checked_at: Utc::now(),
            cached: false,
            error: Some(e.to_string()),
        },
    };
    let mut lines = state.health.lines.lock().unwrap_or_else(|p| p.into_inner());
    lines.retain(|_, (at, _)| at.elapsed() < LINE_CACHE);
    lines.insert(line, (Instant::now(), health.clone()));
    health
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

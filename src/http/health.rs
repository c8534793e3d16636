//! `GET /api/health`: is the service able to do its job? 503 (in the error envelope, with the
//! checks in `details`) when a required dependency fails.

use std::time::Instant;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use poem::web::Data;

pub struct HealthApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Healthy,
    Unhealthy,
}

#[derive(Debug, Object, serde::Serialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub status: CheckStatus,
    pub latency_ms: f64,
    /// Why the check failed; absent when healthy.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Object, serde::Serialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    pub database: Check,
}

#[derive(Debug, Object, serde::Serialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub status: CheckStatus,
    pub version: String,
    pub uptime_seconds: u64,
    pub checks: Checks,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Every required check passed.
    #[oai(status = 200)]
    Ok(Json<HealthReport>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl HealthApi {
    /// Service health: database reachability. Public.
    #[oai(path = "/health", method = "get", operation_id = "getHealth")]
    async fn health(&self, state: Data<&AppState>) -> ApiResult<HealthResponse> {
        let started = Instant::now();
        let database = match state.db.ping().await {
            Ok(()) => Check {
                status: CheckStatus::Healthy,
                latency_ms: elapsed_ms(started),
                error: None,
            },
            Err(e) => Check {
                status: CheckStatus::Unhealthy,
                latency_ms: elapsed_ms(started),
                error: Some(e.to_string()),
            },
        };
        let healthy = database.status == CheckStatus::Healthy;
        let report = HealthReport {
            status: if healthy {
                CheckStatus::Healthy
            } else {
                CheckStatus::Unhealthy
            },
            version: env!("CARGO_PKG_VERSION").to_owned(),
            uptime_seconds: state.started_at.elapsed().as_secs(),
            checks: Checks { database },
        };
        if healthy {
            Ok(HealthResponse::Ok(Json(report)))
        } else {
            Err(ApiError::unavailable("database check failed")
                .with_details(serde_json::to_value(&report).unwrap_or_default()))
        }
    }
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

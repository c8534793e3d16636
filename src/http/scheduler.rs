//! `POST /api/scheduler/tick`: the cron-compatible tick. Public in the OpenAPI sense (no API
//! token) but authenticated here by `Authorization: Bearer <CRON_SHARED_SECRET>` (or, during a
//! rotation, `CRON_PREVIOUS_SECRET`), compared in constant time; 503 when no cron secret is
//! configured. It runs the sweep now, for one
//! campaign or all, and answers the seed's shape.

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::runtime::sweep::{CampaignSweep, SweepReport};

pub struct SchedulerApi;

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares two secrets without leaking where they differ, nor their lengths (both are hashed
/// first).
pub fn constant_time_eq(sent: &str, expected: &str) -> bool {
    let a = Sha256::digest(sent.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TickProcessed {
    /// Campaigns looked at.
    pub campaigns: u64,
    /// Calls the provider accepted since the previous sweep.
    pub calls_launched: u64,
    /// Live calls now.
    pub calls_active: u64,
    /// Contacts still to dial.
    pub calls_queued: u64,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TickCampaign {
    pub campaign_id: Uuid,
    pub status: crate::http::campaigns::CampaignStatusDto,
    /// A supervisor was started for the campaign by this tick (it had none).
    pub adopted: bool,
    pub calls_active: u64,
    pub calls_queued: u64,
    /// Silent calls without a tracker that were brought up to date from the provider.
    pub reconciled: u64,
    /// Dials whose outcome is not known yet (being resolved).
    pub unknown_dials: u64,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TickReport {
    pub processed: TickProcessed,
    pub details: Vec<TickCampaign>,
}

impl From<SweepReport> for TickReport {
    fn from(r: SweepReport) -> Self {
        Self {
            processed: TickProcessed {
                campaigns: r.campaigns as u64,
                calls_launched: r.calls_launched,
                calls_active: r.calls_active,
                calls_queued: r.calls_queued,
            },
            details: r.details.into_iter().map(TickCampaign::from).collect(),
        }
    }
}

impl From<CampaignSweep> for TickCampaign {
    fn from(c: CampaignSweep) -> Self {
        Self {
            campaign_id: c.campaign_id,
            status: c.status.into(),
            adopted: c.adopted,
            calls_active: c.calls_active,
            calls_queued: c.calls_queued,
            reconciled: c.reconciled,
            unknown_dials: c.unknown_dials,
        }
    }
}

#[derive(ApiResponse)]
pub enum TickResponse {
    /// The sweep ran.
    #[oai(status = 200)]
    Ok(Json<TickReport>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl SchedulerApi {
    /// Cron-compatible tick: runs the sweep now (adopt campaigns without a live supervisor,
    /// reconcile silent calls, report unknown dials) for `campaignId` or every campaign.
    ///
    /// Authenticated by `Authorization: Bearer <CRON_SHARED_SECRET>` (or the previous secret during
    /// a rotation, `CRON_PREVIOUS_SECRET`; 401 without or wrong; 503 when no cron secret is
    /// configured). The runtime already sweeps on its own every `scheduler.cadence_secs`; an
    /// external cron is optional.
    #[oai(
        path = "/scheduler/tick",
        method = "post",
        operation_id = "schedulerTick"
    )]
    async fn tick(
        &self,
        state: Data<&AppState>,
        req: &Request,
        #[oai(name = "campaignId")] campaign_id: Query<Option<Uuid>>,
    ) -> ApiResult<TickResponse> {
        let Some(secret) = &state.settings.scheduler.cron_secret else {
            return Err(ApiError::unavailable(
                "no cron secret is configured (CRON_SHARED_SECRET or scheduler.cron_secret)",
            ));
        };
        let sent = bearer(req).unwrap_or_default();
        // Both are compared whatever the first gives, so timing does not tell which matched.
        let current = constant_time_eq(sent, secret.expose_secret());
        let previous = state
            .settings
            .scheduler
            .cron_previous_secret
            .as_ref()
            .is_some_and(|old| constant_time_eq(sent, old.expose_secret()));
        if !(current | previous) {
            tracing::warn!("scheduler tick refused: missing or wrong cron secret");
            return Err(ApiError::unauthorized(
                "missing or invalid cron secret (send Authorization: Bearer <CRON_SHARED_SECRET>)",
            ));
        }
        if let Some(id) = campaign_id.0
            && crate::store::campaigns::get(&state.db, id).await?.is_none()
        {
            return Err(ApiError::not_found("campaign"));
        }
        crate::metrics::sweep("tick");
        let report = state
            .sweeper
            .sweep(campaign_id.0)
            .await
            .map_err(|e| ApiError::unavailable(format!("the sweep could not run: {e}")))?;
        Ok(TickResponse::Ok(Json(report.into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(constant_time_eq("s3cret", "s3cret"));
        assert!(!constant_time_eq("s3cret", "s3cre"));
        assert!(!constant_time_eq("", "s3cret"));
        assert!(!constant_time_eq("S3cret", "s3cret"));
    }
}

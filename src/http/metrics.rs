//! `GET /metrics`: the Prometheus text exposition (outside `/api` and the OpenAPI document).
//! Protected by `metrics.token` (`Authorization: Bearer <token>`, compared in constant time);
//! without a token it answers loopback peers only. Gauges that describe the database are
//! refreshed here, at scrape time, so they are always true.

use std::collections::HashSet;
use std::sync::Mutex;

use ::metrics::gauge;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{IntoResponse, Request, Response, handler};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignStatus, ContactStatus};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::metrics as m;
use crate::store;

/// Per-app memory of which campaigns have per-campaign gauges, so a finished campaign's are
/// zeroed once (they then expire from the recorder).
#[derive(Default)]
pub struct ScrapeState {
    campaigns: Mutex<HashSet<Uuid>>,
}

#[handler]
pub async fn scrape(req: &Request, state: Data<&AppState>) -> Result<Response, ApiError> {
    authorize(req, &state)?;
    refresh_gauges(&state).await;
    Ok(m::render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .with_status(StatusCode::OK)
        .into_response())
}

fn authorize(req: &Request, state: &AppState) -> Result<(), ApiError> {
    match &state.settings.metrics.token {
        Some(token) => {
            let sent = crate::http::scheduler::bearer(req).unwrap_or_default();
            if crate::http::scheduler::constant_time_eq(sent, token.expose_secret()) {
                Ok(())
            } else {
                Err(ApiError::unauthorized(
                    "missing or invalid metrics token (send Authorization: Bearer <metrics.token>)",
                ))
            }
        }
        None => {
            let loopback = req
                .remote_addr()
                .as_socket_addr()
                .is_some_and(|a| a.ip().is_loopback());
            if loopback {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "/metrics answers loopback peers only unless metrics.token is set",
                ))
            }
        }
    }
}

async fn refresh_gauges(state: &AppState) {
    for (alert, value) in m::ALERT_THRESHOLDS {
        gauge!(m::ALERT_THRESHOLD, "alert" => *alert).set(*value);
    }
    let ctx = state.runtime.context();
    let max = ctx.settings.provider.max_concurrent_calls as f64;
    let live = (max - ctx.budget.available_permits() as f64).max(0.0);
    gauge!(m::ACCOUNT_MAX_CALLS).set(max);
    gauge!(m::ACCOUNT_LIVE_CALLS).set(live);
    gauge!(m::ALERT_ACCOUNT_CONCURRENCY).set(if max > 0.0 { live / max } else { 0.0 });
    if let Some(n) = state.runtime.supervisors().await {
        gauge!(m::SUPERVISORS).set(n as f64);
    }
    if let Some(cluster) = &ctx.cluster {
        // The cluster view: every live node's campaigns, and the account's slots in use.
        for node in cluster.nodes() {
            gauge!(m::CLUSTER_CAMPAIGNS, "node" => node.holder.clone())
                .set(f64::from(node.campaigns));
        }
        match store::cluster::slots_taken(&state.db).await {
            Ok(n) => {
                gauge!(m::ACCOUNT_SLOTS_TAKEN).set(n as f64);
            }
            Err(e) => tracing::warn!(error = %e, "metrics: could not count the account's slots"),
        }
    }

    match store::ops::campaigns_by_status(&state.db).await {
        Ok(rows) => {
            for status in CampaignStatus::ALL {
                let n = rows
                    .iter()
                    .find(|(s, _)| s == status.as_str())
                    .map_or(0, |(_, n)| *n);
                gauge!(m::CAMPAIGNS, "status" => status.as_str()).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: could not count campaigns"),
    }

    let campaigns = match store::campaigns::runnable(&state.db).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: could not load active campaigns");
            return;
        }
    };
    let ids: Vec<Uuid> = campaigns.iter().map(|c| c.id).collect();
    let counters = match store::campaigns::counters(&state.db, &ids).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: could not count calls");
            return;
        }
    };
    let failed = [CallStatus::Failed, CallStatus::Timeout];
    for c in &campaigns {
        let counts = counters.get(&c.id).cloned().unwrap_or_default();
        let id = c.id.to_string();
        let cap = f64::from(c.cap.max(1));
        let live = counts.active_calls as f64;
        let terminal: u64 = CallStatus::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .filter_map(|s| counts.calls_by_status.get(s.as_str()))
            .sum();
        let errors: u64 = failed
            .iter()
            .filter_map(|s| counts.calls_by_status.get(s.as_str()))
            .sum();
        let queued = counts
            .contacts_by_status
            .get(ContactStatus::Pending.as_str())
            .copied()
            .unwrap_or(0);
        gauge!(m::LIVE_CALLS, "campaign_id" => id.clone()).set(live);
        gauge!(m::CAMPAIGN_CAP, "campaign_id" => id.clone()).set(cap);
        gauge!(m::QUEUED_CONTACTS, "campaign_id" => id.clone()).set(queued as f64);
        gauge!(m::ALERT_CONCURRENCY, "campaign_id" => id.clone()).set(live / cap);
        let rate = if terminal > 0 {
            errors as f64 / terminal as f64
        } else {
            0.0
        };
        gauge!(m::ALERT_ERROR_RATE, "campaign_id" => id).set(rate);
    }
    // Campaigns that finished since the last scrape: zero their gauges once.
    let mut seen = state
        .scrape
        .campaigns
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let now: HashSet<Uuid> = ids.into_iter().collect();
    for gone in seen.difference(&now) {
        let id = gone.to_string();
        for name in [
            m::LIVE_CALLS,
            m::QUEUED_CONTACTS,
            m::ALERT_CONCURRENCY,
            m::ALERT_ERROR_RATE,
        ] {
            gauge!(name, "campaign_id" => id.clone()).set(0.0);
        }
    }
    *seen = now;
}

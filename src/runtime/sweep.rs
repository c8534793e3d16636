//! The sweep: what a cron tick used to do, kept as a safety net. It adopts runnable campaigns
//! that have no live supervisor, reconciles live calls that no actor follows and that went
//! silent (asking the provider), and counts dials whose outcome is still unknown (their call
//! actors resolve them). `POST /api/scheduler/tick` runs it on demand; the runtime also runs it
//! every `scheduler.cadence_secs` (±10 % jitter), so no external cron is needed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use rand::Rng;
use tokio::sync::watch;
use uuid::Uuid;

use crate::domain::call::CallUpdate;
use crate::domain::campaign::{CallStatus, ContactStatus};
use crate::domain::ended_reason::EndedReasonClass;
use crate::provider::ProviderError;
use crate::runtime::{ControlError, Runtime, apply_and_notify};
use crate::store;

/// What one sweep did, over every campaign it looked at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepReport {
    /// Campaigns looked at (runnable ones, or the one asked for).
    pub campaigns: usize,
    /// Calls the provider accepted since the previous sweep.
    pub calls_launched: u64,
    /// Live calls now.
    pub calls_active: u64,
    /// Contacts still to dial.
    pub calls_queued: u64,
    pub details: Vec<CampaignSweep>,
}

/// One campaign's part of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSweep {
    pub campaign_id: Uuid,
    pub status: crate::domain::campaign::CampaignStatus,
    /// A supervisor was started for it by this sweep.
    pub adopted: bool,
    pub calls_active: u64,
    pub calls_queued: u64,
    /// Silent calls without an actor brought up to date from the provider.
    pub reconciled: u64,
    /// Dials without a provider id yet (their actors are resolving them).
    pub unknown_dials: u64,
}

/// Runs sweeps one at a time and remembers the dial count of the previous one.
pub struct Sweeper {
    runtime: Runtime,
    last_dials: AtomicU64,
    running: tokio::sync::Mutex<()>,
    /// When the retention settings were last applied (once a day).
    last_retention: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Sweeper {
    pub fn new(runtime: Runtime) -> Arc<Self> {
        let last = runtime.context().dials_accepted();
        Arc::new(Self {
            runtime,
            last_dials: AtomicU64::new(last),
            running: tokio::sync::Mutex::new(()),
            last_retention: std::sync::Mutex::new(None),
        })
    }

    /// Applies the retention settings when they are on and a day has passed since the last
    /// time (the first sweep applies them at once). A failure is retried at the next sweep.
    async fn apply_retention(&self) {
        let ctx = self.runtime.context();
        let retention = ctx.settings.retention;
        if !retention.is_on() {
            return;
        }
        {
            let mut last = self
                .last_retention
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|at| at.elapsed() < RETENTION_EVERY) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        match crate::store::retention::run(&ctx.db, &retention, Utc::now(), false).await {
            Ok(r) => tracing::info!(
                campaigns = r.campaigns,
                calls = r.calls,
                transcripts = r.transcripts,
                "retention applied"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "retention failed; retried at the next sweep");
                *self
                    .last_retention
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = None;
            }
        }
    }

    /// Sweeps every runnable campaign, or only `campaign`.
    #[tracing::instrument(name = "sweep", skip_all, fields(campaign_id = ?campaign), err)]
    pub async fn sweep(&self, campaign: Option<Uuid>) -> Result<SweepReport, ControlError> {
        let _one_at_a_time = self.running.lock().await;
        let runtime = &self.runtime;
        let ctx = runtime.context();
        let internal = |e: sea_orm::DbErr| ControlError::Internal(e.to_string());

        let adopted = runtime.adopt(campaign).await?;
        if !adopted.is_empty() {
            tracing::warn!(
                count = adopted.len(),
                "sweep adopted campaigns without a supervisor"
            );
        }

        // Live calls no actor follows: ask the provider about the silent ones.
        let silence = chrono::Duration::from_std(ctx.settings.runtime.silence_timeout())
            .unwrap_or(chrono::Duration::MAX);
        let now = Utc::now();
        // In a cluster, another node's calls are that node's to follow.
        let elsewhere: std::collections::HashSet<Uuid> = match &ctx.cluster {
            Some(_) => store::cluster::owned_campaigns(&ctx.db)
                .await
                .map_err(internal)?
                .into_iter()
                .filter(|c| !ctx.owns(*c))
                .collect(),
            None => Default::default(),
        };
        let mut reconciled: BTreeMap<Uuid, u64> = BTreeMap::new();
        let mut unknown: BTreeMap<Uuid, u64> = BTreeMap::new();
        for call in store::calls::all_live_calls(&ctx.db)
            .await
            .map_err(internal)?
        {
            if campaign.is_some_and(|c| c != call.campaign_id)
                || elsewhere.contains(&call.campaign_id)
            {
                continue;
            }
            let Some(provider_id) = call.provider_call_id.clone() else {
                *unknown.entry(call.campaign_id).or_default() += 1;
                continue;
            };
            let quiet_since = call.last_event_at.unwrap_or(call.dial_intent_at);
            if ctx.has_call_actor(call.id) || now - quiet_since < silence {
                continue;
            }
            let update = match ctx.provider.get_call(&provider_id).await {
                Ok(found) => CallUpdate::from_provider_call(&found),
                Err(ProviderError::NotFound) => CallUpdate {
                    status: Some(CallStatus::Failed),
                    error_message: Some("the provider no longer knows this call".into()),
                    outcome: Some(EndedReasonClass::Unknown),
                    ..CallUpdate::default()
                },
                Err(e) => {
                    tracing::warn!(call_id = %call.id, error = %e, "sweep could not check a silent call");
                    continue;
                }
            };
            apply_and_notify(ctx, call.id, &update)
                .await
                .map_err(internal)?;
            tracing::info!(call_id = %call.id, campaign_id = %call.campaign_id, "sweep reconciled a silent call");
            *reconciled.entry(call.campaign_id).or_default() += 1;
        }

        let campaigns: Vec<_> = store::campaigns::runnable(&ctx.db)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|c| campaign.is_none_or(|id| id == c.id))
            .collect();
        let ids: Vec<Uuid> = campaigns.iter().map(|c| c.id).collect();
        let counters = store::campaigns::counters(&ctx.db, &ids)
            .await
            .map_err(internal)?;
        let dials = ctx.dials_accepted();
        let previous = self.last_dials.swap(dials, Ordering::Relaxed);
        let mut report = SweepReport {
            campaigns: campaigns.len(),
            calls_launched: dials.saturating_sub(previous),
            ..SweepReport::default()
        };
        for c in campaigns {
            let counts = counters.get(&c.id).cloned().unwrap_or_default();
            let queued = counts
                .contacts_by_status
                .get(ContactStatus::Pending.as_str())
                .copied()
                .unwrap_or(0);
            report.calls_active += counts.active_calls;
            report.calls_queued += queued;
            report.details.push(CampaignSweep {
                campaign_id: c.id,
                status: c.status,
                adopted: adopted.contains(&c.id),
                calls_active: counts.active_calls,
                calls_queued: queued,
                reconciled: reconciled.get(&c.id).copied().unwrap_or(0),
                unknown_dials: unknown.get(&c.id).copied().unwrap_or(0),
            });
        }
        self.apply_retention().await;
        Ok(report)
    }
}

/// How often the sweep applies the retention settings.
const RETENTION_EVERY: Duration = Duration::from_secs(24 * 3600);

/// Stops the periodic sweep when dropped.
pub struct SweepTimer {
    _stop: watch::Sender<()>,
}

/// Runs `sweeper` every `cadence` ±10 %, until the returned guard is dropped.
pub fn spawn_periodic(sweeper: Arc<Sweeper>, cadence: Duration) -> SweepTimer {
    let (stop, mut stopped) = watch::channel(());
    tokio::spawn(async move {
        loop {
            let wait = jittered(cadence);
            tokio::select! {
                _ = stopped.changed() => break,
                () = tokio::time::sleep(wait) => {}
            }
            crate::metrics::sweep("timer");
            match sweeper.sweep(None).await {
                Ok(r) => tracing::debug!(
                    campaigns = r.campaigns,
                    launched = r.calls_launched,
                    active = r.calls_active,
                    queued = r.calls_queued,
                    "periodic sweep"
                ),
                Err(e) => tracing::warn!(error = %e, "periodic sweep failed"),
            }
        }
    });
    SweepTimer { _stop: stop }
}

/// `cadence` scaled by a random factor in [0.9, 1.1], so many processes do not sweep in step.
pub fn jittered(cadence: Duration) -> Duration {
    let factor = rand::rng().random_range(0.9..=1.1);
    cadence.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_ten_percent() {
        let cadence = Duration::from_secs(60);
        for _ in 0..1000 {
            let d = jittered(cadence);
            assert!(
                d >= Duration::from_secs(54) && d <= Duration::from_secs(66),
                "{d:?}"
            );
        }
    }
}

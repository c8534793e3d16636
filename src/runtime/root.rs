//! The root actor: owns the map campaign id → supervisor, starts campaigns, resumes every
//! unfinished one at boot, and restarts a failing supervisor within an OTP-style intensity
//! limit (past it the campaign is FAILED with the reason recorded).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use tokio::sync::OwnedSemaphorePermit;
use uuid::Uuid;

use crate::domain::campaign::CampaignStatus;
use crate::runtime::campaign::{CampaignArgs, CampaignMsg, CampaignSupervisor};
use crate::runtime::{CALL_TIMEOUT_MS, Command, ControlError, RuntimeContext};
use crate::store;

pub enum RootMsg {
    /// Resume every runnable campaign found in the database.
    Boot,
    Control(
        Uuid,
        Command,
        RpcReplyPort<Result<CampaignStatus, ControlError>>,
    ),
    /// Spawn supervisors for runnable campaigns that have none (all, or one); answers the
    /// ids adopted.
    Adopt(Option<Uuid>, RpcReplyPort<Vec<Uuid>>),
    /// Test hook: forget a supervisor, then kill it (it is not restarted).
    KillForTest(Uuid, RpcReplyPort<bool>),
    /// This node lost the campaign's lease: its supervisor is killed without writing anything
    /// more, and not restarted.
    Disown(Uuid, RpcReplyPort<()>),
    Count(RpcReplyPort<usize>),
    /// A supervisor (this one) finished its campaign and stopped on purpose.
    Finished(Uuid, ActorId),
    /// Retry spawning a supervisor whose start failed.
    Respawn(Uuid),
    InjectPanic(Uuid),
    /// Test hook: keeps a campaign's supervisor busy.
    InjectStall(Uuid, Duration),
    Shutdown(RpcReplyPort<()>),
}

pub struct RootActor;

pub struct RootState {
    ctx: Arc<RuntimeContext>,
    supervisors: HashMap<Uuid, ActorRef<CampaignMsg>>,
    by_actor: HashMap<ActorId, Uuid>,
    /// Recent failures per campaign: when, and whether the database caused them.
    restarts: HashMap<Uuid, VecDeque<(Instant, bool)>>,
    shutting_down: bool,
}

impl Actor for RootActor {
    type Msg = RootMsg;
    type State = RootState;
    type Arguments = Arc<RuntimeContext>;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        ctx: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        myself.cast(RootMsg::Boot)?;
        Ok(RootState {
            ctx,
            supervisors: HashMap::new(),
            by_actor: HashMap::new(),
            restarts: HashMap::new(),
            shutting_down: false,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RootMsg::Boot => {
                let adopted = adopt(&myself, state, None).await;
                tracing::info!(campaigns = adopted.len(), "runtime started");
            }
            RootMsg::Adopt(only, reply) => {
                let adopted = adopt(&myself, state, only).await;
                let _ = reply.send(adopted);
            }
            RootMsg::KillForTest(campaign_id, reply) => {
                let found = state.supervisors.remove(&campaign_id);
                if let Some(sup) = &found {
                    state.by_actor.remove(&sup.get_id());
                    // Closed first: the dying supervisor handles its children's ends before
                    // the kill and must not claim meanwhile (the next one opens it again).
                    state.ctx.set_gate(campaign_id, false);
                    sup.stop_children(None);
                    sup.kill();
                }
                let _ = reply.send(found.is_some());
            }
            RootMsg::Disown(campaign_id, reply) => {
                // No dial leaves from here (the gate), whatever the actors still do.
                state.ctx.set_gate(campaign_id, false);
                if let Some(sup) = state.supervisors.remove(&campaign_id) {
                    state.by_actor.remove(&sup.get_id());
                    sup.stop_children(None);
                    sup.kill();
                }
                state.restarts.remove(&campaign_id);
                if let Some(cluster) = &state.ctx.cluster {
                    cluster.forget(campaign_id);
                }
                // Its calls now count against the account on the new owner's side.
                state
                    .ctx
                    .release_permits_except(campaign_id, &std::collections::HashSet::new());
                let _ = reply.send(());
            }
            RootMsg::Count(reply) => {
                let _ = reply.send(state.supervisors.len());
            }
            RootMsg::Control(campaign_id, command, reply) => {
                match control(&myself, state, campaign_id, command).await {
                    Routed::Done(result) => {
                        let _ = reply.send(result);
                    }
                    Routed::Supervisor(sup) => {
                        // Never wait on a supervisor here: the root keeps serving health and
                        // the other campaigns while this one is busy.
                        tokio::spawn(async move {
                            let result = ractor::call_t!(
                                sup,
                                CampaignMsg::Control,
                                CALL_TIMEOUT_MS,
                                command
                            )
                            .map_err(|e| ControlError::Internal(e.to_string()))
                            .and_then(|r| r);
                            let _ = reply.send(result);
                        });
                    }
                }
            }
            RootMsg::Finished(campaign_id, actor) => {
                // Only that supervisor: a new one may already run the campaign.
                if state
                    .supervisors
                    .get(&campaign_id)
                    .is_some_and(|sup| sup.get_id() == actor)
                {
                    state.supervisors.remove(&campaign_id);
                    state.restarts.remove(&campaign_id);
                }
                state.by_actor.remove(&actor);
            }
            RootMsg::Respawn(campaign_id) => {
                if !state.supervisors.contains_key(&campaign_id)
                    && !state.shutting_down
                    && state.ctx.owns(campaign_id)
                {
                    let reserved = reserve_for_live_calls(&state.ctx, campaign_id).await;
                    spawn_supervisor(&myself, state, campaign_id, reserved).await;
                }
            }
            RootMsg::InjectStall(campaign_id, busy) => {
                if let Some(sup) = state.supervisors.get(&campaign_id) {
                    let _ = sup.cast(CampaignMsg::Stall(busy));
                }
            }
            RootMsg::InjectPanic(campaign_id) => {
                if let Some(sup) = state.supervisors.get(&campaign_id) {
                    let _ = sup.cast(CampaignMsg::Panic);
                }
            }
            RootMsg::Shutdown(reply) => {
                state.shutting_down = true;
                for (_, sup) in state.supervisors.drain() {
                    sup.stop_children(None);
                    let _ = sup.stop_and_wait(None, Some(Duration::from_secs(2))).await;
                }
                state.by_actor.clear();
                let _ = reply.send(());
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                if let Some(id) = state.by_actor.remove(&cell.get_id()) {
                    state.supervisors.remove(&id);
                }
            }
            SupervisionEvent::ActorFailed(cell, error) => {
                let Some(campaign_id) = state.by_actor.remove(&cell.get_id()) else {
                    return Ok(());
                };
                state.supervisors.remove(&campaign_id);
                // Its call actors are not stopped with it: stop them so the new supervisor's
                // trackers are the only ones.
                cell.stop_children(None);
                if state.shutting_down {
                    return Ok(());
                }
                let reason = error.to_string();
                // A database that is briefly unavailable heals by itself: such failures are
                // retried (with the same backoff) but never fail the campaign.
                let heals = store::failure_may_heal(error.as_ref());
                tracing::error!(%campaign_id, error = %reason, heals, "campaign supervisor failed");
                let settings = &state.ctx.settings.runtime;
                let window = Duration::from_secs(settings.supervisor_restart_window_secs);
                let now = Instant::now();
                let history = state.restarts.entry(campaign_id).or_default();
                while history
                    .front()
                    .is_some_and(|(t, _)| now.duration_since(*t) > window)
                {
                    history.pop_front();
                }
                let lasting = history.iter().filter(|(_, heals)| !heals).count();
                if !heals && lasting >= settings.supervisor_max_restarts as usize {
                    tracing::error!(
                        %campaign_id,
                        restarts = lasting,
                        "supervisor restart intensity exceeded, campaign FAILED"
                    );
                    fail_campaign(&state.ctx, campaign_id, &format!(
                        "the campaign's supervisor failed {} times within {}s; last error: {reason}",
                        lasting + 1,
                        window.as_secs()
                    ))
                    .await;
                    state.restarts.remove(&campaign_id);
                } else {
                    history.push_back((now, heals));
                    crate::metrics::supervisor_restart();
                    // Exponential backoff (capped): a failure that repeats at once — a database
                    // down, a bug on a code path — must not spin.
                    let delay = restart_delay(history.len());
                    myself.send_after(delay, move || RootMsg::Respawn(campaign_id));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Wait before the `failures`-th restart in a row: 100 ms doubling, at most 10 s.
fn restart_delay(failures: usize) -> Duration {
    let exponent = u32::try_from(failures.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(7);
    Duration::from_millis(100 << exponent).min(Duration::from_secs(10))
}

/// Spawns supervisors for runnable campaigns without one (all of them, or `only`); answers
/// the ids adopted.
async fn adopt(myself: &ActorRef<RootMsg>, state: &mut RootState, only: Option<Uuid>) -> Vec<Uuid> {
    if state.shutting_down {
        return Vec::new();
    }
    if state.ctx.settings.vapi.api_key.is_none() {
        // Without Vapi every dial would fail and fail the campaigns: leave them as they are
        // until the service is configured and restarted.
        tracing::warn!("Vapi is not configured (VAPI_API_KEY): unfinished campaigns wait");
        return Vec::new();
    }
    let campaigns = match store::campaigns::runnable(&state.ctx.db).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "could not load runnable campaigns");
            return Vec::new();
        }
    };
    // Reserve account permits for every live call of every campaign first, then start the
    // supervisors: none of them can take, for a new dial, a permit a live call needs.
    let mut plans = Vec::new();
    for campaign in campaigns {
        if only.is_some_and(|id| id != campaign.id)
            || state.supervisors.contains_key(&campaign.id)
            || !state.ctx.owns(campaign.id)
        {
            continue;
        }
        plans.push((
            campaign.id,
            reserve_for_live_calls(&state.ctx, campaign.id).await,
        ));
    }
    let mut adopted = Vec::new();
    for (campaign_id, reserved) in plans {
        if spawn_supervisor(myself, state, campaign_id, reserved).await {
            adopted.push(campaign_id);
        }
    }
    adopted
}

/// Account permits for a campaign's live calls (as many as are free), handed to its supervisor.
async fn reserve_for_live_calls(
    ctx: &RuntimeContext,
    campaign_id: Uuid,
) -> Option<OwnedSemaphorePermit> {
    let live = match store::calls::live_calls(&ctx.db, campaign_id).await {
        // Calls a crashed supervisor followed still hold theirs.
        Ok(calls) => calls.len().saturating_sub(ctx.permits_held(campaign_id)),
        Err(e) => {
            tracing::warn!(%campaign_id, error = %e, "could not count live calls");
            0
        }
    };
    let n = live.min(ctx.budget.available_permits());
    if n == 0 {
        return None;
    }
    ctx.budget
        .clone()
        .try_acquire_many_owned(u32::try_from(n).ok()?)
        .ok()
}

async fn spawn_supervisor(
    myself: &ActorRef<RootMsg>,
    state: &mut RootState,
    campaign_id: Uuid,
    reserved: Option<OwnedSemaphorePermit>,
) -> bool {
    if !state.ctx.owns(campaign_id) {
        // In a cluster, another node runs it (or will: it is not this node's).
        return false;
    }
    let args = CampaignArgs {
        ctx: state.ctx.clone(),
        campaign_id,
        root: myself.clone(),
        reserved,
    };
    match Actor::spawn_linked(None, CampaignSupervisor, args, myself.get_cell()).await {
        Ok((sup, _)) => {
            state.by_actor.insert(sup.get_id(), campaign_id);
            state.supervisors.insert(campaign_id, sup);
            true
        }
        Err(e) => {
            tracing::error!(%campaign_id, error = %e, "could not start a campaign supervisor; retrying");
            myself.send_after(Duration::from_secs(2), move || {
                RootMsg::Respawn(campaign_id)
            });
            false
        }
    }
}

async fn fail_campaign(ctx: &RuntimeContext, campaign_id: Uuid, reason: &str) {
    let Ok(Some(campaign)) = store::campaigns::get(&ctx.db, campaign_id).await else {
        return;
    };
    let _ = ctx
        .transition_campaign(
            campaign_id,
            campaign.status,
            CampaignStatus::Failed,
            Some(reason),
        )
        .await;
}

/// Where a command was carried out.
enum Routed {
    /// By the root itself.
    Done(Result<CampaignStatus, ControlError>),
    /// To be asked of the campaign's supervisor.
    Supervisor(ActorRef<CampaignMsg>),
}

async fn control(
    myself: &ActorRef<RootMsg>,
    state: &mut RootState,
    campaign_id: Uuid,
    command: Command,
) -> Routed {
    let ctx = state.ctx.clone();
    let campaign = match store::campaigns::get(&ctx.db, campaign_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return Routed::Done(Err(ControlError::NotFound)),
        Err(e) => return Routed::Done(Err(ControlError::Internal(e.to_string()))),
    };
    let current = campaign.status;
    let target = match command.target(current) {
        Ok(t) => t,
        Err(e) => return Routed::Done(Err(e)),
    };
    if command != Command::Start
        && let Some(sup) = state.supervisors.get(&campaign_id)
    {
        return Routed::Supervisor(sup.clone());
    }
    // Without Vapi nothing may be dialed, and a supervisor would fail the campaign on its
    // first dial: commands are carried out on the stored status alone.
    let vapi = ctx.settings.vapi.api_key.is_some();
    match command {
        Command::Start => {
            let result = move_stored(&ctx, campaign_id, command, current, target, None).await;
            if result.is_ok() && vapi && !state.supervisors.contains_key(&campaign_id) {
                spawn_supervisor(myself, state, campaign_id, None).await;
            }
            Routed::Done(result)
        }
        Command::Stop(mode) if current == CampaignStatus::Created || !vapi => {
            ctx.set_gate(campaign_id, false);
            if let Err(e) = store::calls::mark_not_attempted(&ctx.db, campaign_id).await {
                return Routed::Done(Err(ControlError::Internal(e.to_string())));
            }
            Routed::Done(
                move_stored(
                    &ctx,
                    campaign_id,
                    command,
                    current,
                    target,
                    Some(mode.as_str()),
                )
                .await,
            )
        }
        Command::Pause | Command::Resume if !vapi => {
            Routed::Done(move_stored(&ctx, campaign_id, command, current, target, None).await)
        }
        _ => {
            // A runnable campaign without a supervisor (lost to a bug, or not adopted yet):
            // start one and hand it the command.
            spawn_supervisor(myself, state, campaign_id, None).await;
            match state.supervisors.get(&campaign_id) {
                Some(sup) => Routed::Supervisor(sup.clone()),
                None => Routed::Done(Err(ControlError::Internal("no supervisor".into()))),
            }
        }
    }
}

/// Moves a campaign that no supervisor runs `current → target` in the database; when it
/// moved meanwhile, the refusal names its status now.
async fn move_stored(
    ctx: &RuntimeContext,
    campaign_id: Uuid,
    command: Command,
    current: CampaignStatus,
    target: CampaignStatus,
    detail: Option<&str>,
) -> Result<CampaignStatus, ControlError> {
    let internal = |e: sea_orm::DbErr| ControlError::Internal(e.to_string());
    if ctx
        .transition_campaign(campaign_id, current, target, detail)
        .await
        .map_err(internal)?
    {
        return Ok(target);
    }
    let now = store::campaigns::get(&ctx.db, campaign_id)
        .await
        .map_err(internal)?
        .map(|c| c.status)
        .unwrap_or(current);
    Err(ControlError::Illegal {
        current: now,
        command: command.name(),
    })
}

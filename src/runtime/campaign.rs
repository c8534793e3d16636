//! The campaign supervisor: one per running campaign. It owns a pool of linked call actors
//! that never holds more than `cap` members (and never more than the account-wide budget
//! grants), fills free slots the moment one frees, and moves the campaign through its states.
//! On start it rebuilds its pool from the database: every live call gets a tracker before any
//! new contact is dialed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use tokio::sync::OwnedSemaphorePermit;
use uuid::Uuid;

use crate::domain::brake::{self, SafetyBrake};
use crate::domain::budget;
use crate::domain::call::CallUpdate;
use crate::domain::campaign::{CallStatus, CampaignMode, CampaignStatus};
use crate::domain::ended_reason::EndedReasonClass;
use crate::domain::hours::Schedule;
use crate::domain::redial::RedialPolicy;
use crate::runtime::call::{CallActor, CallArgs, CallMode};
use crate::runtime::events::RuntimeEvent;
use crate::runtime::root::RootMsg;
use crate::runtime::{Command, ControlError, RuntimeContext, StopMode};
use crate::store;
use crate::store::calls::Eligible;
use crate::store::entities::{call, campaign, contact};

/// Restarts of one call's tracker before the call is given up on.
const MAX_CALL_RESTARTS: u32 = 3;
/// Longest wait for calling hours to open (or a scheduled start) before looking again.
const MAX_HOURS_WAIT: Duration = Duration::from_secs(300);
/// How soon a campaign that found no free account slot (other nodes hold them all) looks
/// again.
const SLOT_RETRY: Duration = Duration::from_millis(100);

/// How often a campaign at its budget looks again while costs of its calls are still coming.
const BUDGET_RECHECK: Duration = Duration::from_millis(500);
/// Wakes a little after the instant a contact becomes callable, so it surely is then.
const WAKE_MARGIN: Duration = Duration::from_millis(50);

pub enum CampaignMsg {
    /// Load the campaign, repair half-written contacts, adopt live calls.
    Init,
    /// Dial into free slots, if the campaign may dial.
    Fill,
    /// Contacts may have become callable: calling hours opened, or a redial came due.
    Wake,
    /// Slots were freed: fill them all at once. Sent to itself when a call actor ends;
    /// supervision events come before messages, so every call that ended meanwhile has freed
    /// its slot by the time this runs, and one round refills them all.
    Refill,
    /// The account budget granted a permit.
    Permit(OwnedSemaphorePermit),
    /// The line-quiet check answered: `true` when the phone line has no live calls.
    LineQuiet(bool),
    /// The provider accepted a call (2xx with an id): the campaign is truthfully dialing.
    CallDialed,
    /// A call is ringing or in progress.
    CallLive,
    /// A call that was placed (or whose dial failed) is terminal: the safety brake's input.
    CallEnded {
        status: CallStatus,
        outcome: Option<EndedReasonClass>,
    },
    /// The provider's concurrency limit blocked a call: wait before dialing again.
    ConcurrencyBlocked,
    /// The provider refused our API key: nothing can succeed until it is fixed.
    ProviderUnauthorized(String),
    Control(Command, RpcReplyPort<Result<CampaignStatus, ControlError>>),
    /// Test hook.
    Panic,
    /// Test hook: the handler is busy for this long (a slow database, say).
    Stall(Duration),
}

pub struct CampaignArgs {
    pub ctx: Arc<RuntimeContext>,
    pub campaign_id: Uuid,
    pub root: ActorRef<RootMsg>,
    /// Account permits the root reserved for the campaign's live calls.
    pub reserved: Option<OwnedSemaphorePermit>,
}

struct Slot {
    /// The call as last read: a tracker lost while the database is unreachable is followed
    /// again from it.
    call: call::Model,
    batch_index: i32,
    restarts: u32,
    /// Failures caused by the database in a row (they back off, and are not counted).
    db_failures: u32,
}

pub struct CampaignState {
    ctx: Arc<RuntimeContext>,
    campaign_id: Uuid,
    /// The campaign's dial gate (see `RuntimeContext::gate`).
    gate: Arc<AtomicBool>,
    /// Permits reserved for live calls, used up when they are adopted.
    reserved: Option<OwnedSemaphorePermit>,
    root: ActorRef<RootMsg>,
    campaign: Option<campaign::Model>,
    status: CampaignStatus,
    /// The provider's id of the campaign's assistant.
    assistant_id: String,
    slots: HashMap<ActorId, Slot>,
    /// A permit granted but not used yet.
    spare: Option<OwnedSemaphorePermit>,
    /// An acquire from the budget is outstanding (one at a time keeps the queue fair).
    permit_requested: bool,
    /// Dialing waits until then (the provider's concurrency limit pushed back).
    backoff_until: Option<Instant>,
    /// A line-quiet check is outstanding / the line was found quiet for the next dial.
    line_check_pending: bool,
    line_quiet: bool,
    fill_scheduled: bool,
    /// A [`CampaignMsg::Refill`] is on its way.
    refill_pending: bool,
    /// Calling hours, when the campaign has them.
    schedule: Option<Schedule>,
    /// Redials, when the campaign has them.
    redial: Option<RedialPolicy>,
    /// The earliest `Wake` scheduled.
    wake_at: Option<Instant>,
    /// Time zones of the contacts not settled yet (a superset of those waiting: contacts only
    /// leave that set); loaded when needed, refreshed at each `Wake`.
    zones: Option<Vec<Option<String>>>,
    /// How long a call may go without news: the assistant's `maxDurationSeconds` plus
    /// `runtime.end_check_margin_ms`, when the assistant states it.
    end_check: Option<Duration>,
    /// The campaign's last finished calls, for the safety brake.
    brake: SafetyBrake,
    /// The campaign's budget (US dollars), when it has one.
    budget: Option<f64>,
    /// What one call may cost, as estimated before it ends.
    per_call_estimate: f64,
    /// No call is placed before then (the campaign's `startAt`).
    start_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub struct CampaignSupervisor;

impl CampaignState {
    fn id(&self) -> Uuid {
        self.campaign_id
    }

    fn cap(&self) -> usize {
        self.campaign
            .as_ref()
            .map(|c| usize::try_from(c.cap).unwrap_or(1))
            .unwrap_or(0)
    }

    fn may_dial(&self) -> bool {
        self.status.dials() && self.gate.load(Ordering::SeqCst)
    }

    /// Opens or closes the campaign's dial gate (shared with its call actors and dial tasks).
    fn set_gate(&self, open: bool) {
        self.gate.store(open, Ordering::SeqCst);
    }
}

impl Actor for CampaignSupervisor {
    type Msg = CampaignMsg;
    type State = CampaignState;
    type Arguments = CampaignArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        // Loading happens in `Init` so that a database error is a supervised failure
        // (restarted within limits), not a failed spawn.
        myself.cast(CampaignMsg::Init)?;
        args.ctx
            .register_supervisor(args.campaign_id, myself.clone());
        Ok(CampaignState {
            gate: args.ctx.gate(args.campaign_id),
            brake: SafetyBrake::new(args.ctx.settings.campaigns.brake_rules()),
            budget: None,
            per_call_estimate: 0.0,
            start_at: None,
            ctx: args.ctx,
            campaign_id: args.campaign_id,
            reserved: args.reserved,
            root: args.root,
            campaign: None,
            status: CampaignStatus::Queued,
            assistant_id: String::new(),
            slots: HashMap::new(),
            spare: None,
            permit_requested: false,
            backoff_until: None,
            line_check_pending: false,
            line_quiet: false,
            fill_scheduled: false,
            refill_pending: false,
            schedule: None,
            redial: None,
            wake_at: None,
            zones: None,
            end_check: None,
        })
    }

    async fn post_stop(
        &self,
        myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        state.ctx.unregister_supervisor(state.campaign_id, &myself);
        Ok(())
    }

    #[tracing::instrument(name = "campaign", skip_all, fields(campaign_id = %state.campaign_id))]
    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            CampaignMsg::Init => init(&myself, state).await?,
            CampaignMsg::Fill => {
                state.fill_scheduled = false;
                fill(&myself, state).await?;
            }
            CampaignMsg::Refill => {
                state.refill_pending = false;
                fill(&myself, state).await?;
            }
            CampaignMsg::Wake => {
                if state
                    .wake_at
                    .is_some_and(|at| at <= Instant::now() + WAKE_MARGIN)
                {
                    state.wake_at = None;
                }
                state.zones = None;
                fill(&myself, state).await?;
            }
            CampaignMsg::Permit(permit) => {
                state.permit_requested = false;
                if state.may_dial() {
                    state.spare = Some(permit);
                    fill(&myself, state).await?;
                }
            }
            CampaignMsg::LineQuiet(quiet) => {
                state.line_check_pending = false;
                state.line_quiet = quiet;
                if quiet {
                    fill(&myself, state).await?;
                } else {
                    let poll = state.ctx.settings.runtime.line_quiet_poll();
                    schedule_fill(&myself, state, poll);
                }
            }
            CampaignMsg::CallDialed => {
                if state.status == CampaignStatus::Queued {
                    move_to(state, CampaignStatus::Dialing, None).await?;
                }
                note_dialed(state).await?;
            }
            CampaignMsg::CallLive => {
                // News may overtake the dial's own answer: a live call is proof of both.
                if state.status == CampaignStatus::Queued {
                    move_to(state, CampaignStatus::Dialing, None).await?;
                }
                note_dialed(state).await?;
                if state.status == CampaignStatus::Dialing {
                    move_to(state, CampaignStatus::Running, None).await?;
                }
            }
            CampaignMsg::CallEnded { status, outcome } => {
                if let Some(why) = state.brake.record(brake::is_failure(status, outcome))
                    && state.status.dials()
                {
                    pull_the_brake(state, &why).await?;
                }
            }
            CampaignMsg::ConcurrencyBlocked => {
                let wait = state.ctx.settings.runtime.concurrency_retry();
                state.backoff_until = Some(Instant::now() + wait);
                schedule_fill(&myself, state, wait);
            }
            CampaignMsg::ProviderUnauthorized(reason) => {
                if !state.status.is_finished() {
                    let reason = format!("the provider refused our API key: {reason}");
                    move_to(state, CampaignStatus::Failed, Some(&reason)).await?;
                }
                maybe_finish(&myself, state).await?;
            }
            CampaignMsg::Control(command, reply) => {
                let result = control(&myself, state, command).await;
                let _ = reply.send(result);
                maybe_finish(&myself, state).await?;
            }
            CampaignMsg::Panic => panic!("injected supervisor panic (test hook)"),
            CampaignMsg::Stall(busy) => tokio::time::sleep(busy).await,
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // Never the default (which would stop the campaign after its first call).
        match event {
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                if let Some(slot) = state.slots.remove(&cell.get_id()) {
                    state.ctx.release_permit(slot.call.id);
                }
                refill(&myself, state).await?;
            }
            SupervisionEvent::ActorFailed(cell, error) => {
                let Some(slot) = state.slots.remove(&cell.get_id()) else {
                    return Ok(());
                };
                let call_id = slot.call.id;
                tracing::error!(%call_id, error = %error, "call actor failed");
                // A database briefly unreachable: follow the call again after a backoff,
                // keeping its slot and permit; this never counts against the call.
                let heals = store::failure_may_heal(error.as_ref());
                let call = match store::calls::get(&state.ctx.db, call_id).await {
                    Ok(call) => call,
                    Err(e) if store::is_transient(&e) => Some(slot.call.clone()),
                    Err(e) => return Err(e.into()),
                };
                let live = call
                    .as_ref()
                    .map(|c| c.status)
                    .is_some_and(|s| !s.is_terminal());
                match call {
                    Some(call) if live && heals => {
                        let db_failures = slot.db_failures + 1;
                        let delay = Duration::from_millis(200 << db_failures.min(5));
                        let restarts = (slot.restarts, db_failures);
                        spawn_call(&myself, state, call, CallMode::Adopt, None, restarts, delay)
                            .await?;
                    }
                    // The call may still be live at the provider: keep its slot (and account
                    // permit) and follow it with a new tracker.
                    Some(call) if live && slot.restarts < MAX_CALL_RESTARTS => {
                        let restarts = (slot.restarts + 1, 0);
                        spawn_call(
                            &myself,
                            state,
                            call,
                            CallMode::Adopt,
                            None,
                            restarts,
                            Duration::ZERO,
                        )
                        .await?;
                    }
                    Some(call) if live => {
                        let update = CallUpdate {
                            status: Some(CallStatus::Failed),
                            error_message: Some(format!("call tracker kept failing: {error}")),
                            outcome: Some(EndedReasonClass::Unknown),
                            ..CallUpdate::default()
                        };
                        state.ctx.apply(call.id, &update).await?;
                        state.ctx.release_permit(call_id);
                        fill(&myself, state).await?;
                    }
                    _ => {
                        state.ctx.release_permit(call_id);
                        fill(&myself, state).await?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Takes in the campaign's row and what it says: its assistant, calling hours (within the
/// legal floor) and redials. At start, and again at resume (a paused campaign may have been
/// edited). `Some(reason)` when the stored settings do not parse — which must never be read as
/// "any time" or "no limit".
async fn load_settings(
    state: &mut CampaignState,
    c: campaign::Model,
) -> Result<Option<String>, ActorProcessingErr> {
    let assistant = store::assistants::get_any(&state.ctx.db, c.assistant_id).await?;
    let margin = state.ctx.settings.runtime.end_check_margin();
    let max_call_seconds = assistant
        .as_ref()
        .and_then(|a| a.config_json.get("maxDurationSeconds"))
        .and_then(serde_json::Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| s.min(86_400.0));
    state.end_check = max_call_seconds.map(|s| Duration::from_secs_f64(s) + margin);
    state.budget = budget::read(&c.settings_json);
    // The campaign's own brake rules, else the server's; judged afresh from here.
    state.brake = SafetyBrake::new(
        brake::BrakeRules::read(&c.settings_json)
            .unwrap_or_else(|| state.ctx.settings.campaigns.brake_rules()),
    );
    state.start_at = crate::domain::start::read(&c.settings_json);
    if let Some(at) = state.start_at.filter(|at| *at > chrono::Utc::now())
        && !c.status.is_finished()
    {
        tracing::info!(campaign_id = %c.id, start_at = %at, "scheduled start: no call before then");
    }
    state.per_call_estimate = budget::per_call_estimate(
        state.ctx.settings.campaigns.estimated_cost_per_minute,
        max_call_seconds,
    );
    state.assistant_id = assistant
        .and_then(|a| a.provider_assistant_id)
        .unwrap_or_default();
    let settings = Schedule::read_settings(&c.settings_json).and_then(|schedule| {
        RedialPolicy::read_settings(&c.settings_json).map(|redial| (schedule, redial))
    });
    let unreadable = match settings {
        Ok((schedule, redial)) => {
            // The campaign's own hours within the legal floor, read in the campaign's zone
            // for contacts without their own.
            let campaigns = &state.ctx.settings.campaigns;
            let timezone = Schedule::timezone_of_settings(&c.settings_json)
                .or_else(|| crate::domain::hours::parse_timezone(&campaigns.timezone).ok())
                .unwrap_or(chrono_tz::UTC);
            state.schedule = Schedule::effective(schedule, campaigns.floor(), timezone);
            state.redial = redial;
            None
        }
        Err(reason) => Some(reason),
    };
    state.zones = None;
    state.campaign = Some(c);
    Ok(unreadable)
}

async fn init(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
) -> Result<(), ActorProcessingErr> {
    let ctx = state.ctx.clone();
    let db = &ctx.db;
    let Some(c) = store::campaigns::get(db, state.campaign_id).await? else {
        myself.stop(Some("campaign deleted".into()));
        return Ok(());
    };
    state.status = c.status;
    let campaign_id = c.id;
    let unreadable = load_settings(state, c).await?;
    state.set_gate(state.status.dials() && unreadable.is_none());
    if let Some(reason) = unreadable {
        tracing::error!(%campaign_id, %reason, "campaign settings unreadable; refusing to dial");
        if !state.status.is_finished() {
            let reason = format!("{reason}; nothing is dialed with settings that do not parse");
            move_to(state, CampaignStatus::Failed, Some(&reason)).await?;
        }
    }
    if state.status == CampaignStatus::Stopped
        && state.campaign.as_ref().and_then(|c| c.stop_mode.as_deref())
            == Some(StopMode::Hangup.as_str())
    {
        // A stop with `hangup` that a crash interrupted: every call that may be live is ended
        // by its new tracker, unresolved dials included.
        store::calls::request_end_of_live_calls(db, campaign_id).await?;
    }
    let repaired = store::calls::repair_contacts(db, campaign_id).await?;
    if repaired > 0 {
        tracing::warn!(%campaign_id, repaired, "settled contacts left half-written by a crash");
    }
    // Live calls first: they hold slots (and account permits) before anything new is dialed.
    let mut reserved = state.reserved.take();
    let mut live = std::collections::HashSet::new();
    for call in store::calls::live_calls(db, campaign_id).await? {
        live.insert(call.id);
        // A call followed by a crashed supervisor still holds its permit.
        let permit = if state.ctx.holds_permit(call.id) {
            None
        } else {
            match reserved.as_mut() {
                Some(r) if r.num_permits() > 1 => r.split(1),
                _ => reserved.take(),
            }
            .or_else(|| state.ctx.budget.clone().try_acquire_owned().ok())
        };
        spawn_call(
            myself,
            state,
            call,
            CallMode::Adopt,
            permit,
            (0, 0),
            Duration::ZERO,
        )
        .await?;
    }
    // Calls that ended meanwhile leave their permits and reservation to the others.
    state.ctx.release_permits_except(campaign_id, &live);
    drop(reserved);
    tracing::info!(%campaign_id, status = %state.status, live = state.slots.len(), "campaign supervisor started");
    fill(myself, state).await
}

/// Fills the freed slots once every call that ended meanwhile has been counted. When the
/// campaign may not dial any more, whether it is finished is decided now.
async fn refill(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
) -> Result<(), ActorProcessingErr> {
    if !state.may_dial() {
        return fill(myself, state).await;
    }
    if !state.refill_pending {
        state.refill_pending = myself.cast(CampaignMsg::Refill).is_ok();
        if !state.refill_pending {
            return fill(myself, state).await;
        }
    }
    Ok(())
}

fn schedule_fill(myself: &ActorRef<CampaignMsg>, state: &mut CampaignState, after: Duration) {
    if !state.fill_scheduled {
        state.fill_scheduled = true;
        myself.send_after(after, || CampaignMsg::Fill);
    }
}

/// Dials into every free slot the campaign, its mode, the line and the account allow.
async fn fill(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
) -> Result<(), ActorProcessingErr> {
    let Some(campaign) = state.campaign.clone() else {
        return Ok(());
    };
    if !state.may_dial() {
        state.spare = None;
        return maybe_finish(myself, state).await;
    }
    if let Some(wait) = crate::domain::start::wait(state.start_at, chrono::Utc::now()) {
        // A timer to the moment (looked at again every few minutes, so a change of the
        // system clock is noticed); nothing is claimed before.
        state.spare = None;
        wake_after(myself, state, wait.min(MAX_HOURS_WAIT));
        return Ok(());
    }
    if let Some(until) = state.backoff_until {
        let now = Instant::now();
        if until > now {
            schedule_fill(myself, state, until - now);
            return Ok(());
        }
        state.backoff_until = None;
    }
    let mode: CampaignMode = campaign.mode.parse().unwrap_or(CampaignMode::Continuous);
    let db = state.ctx.db.clone();
    let mut eligible = Eligible::default();
    if let Some(schedule) = state.schedule
        && state.slots.len() < state.cap()
    {
        let now = chrono::Utc::now();
        let zones = match state.zones.take() {
            Some(zones) => zones,
            None => store::calls::unsettled_timezones(&db, campaign.id).await?,
        };
        let (open, next) = schedule.split_zones(now, &zones);
        state.zones = Some(zones);
        if let Some(next) = next {
            // Look again when the next zone opens (at least every few minutes, so a change
            // of clock or of the contacts is noticed).
            let wait = (next - now).to_std().unwrap_or_default();
            wake_after(myself, state, wait.min(MAX_HOURS_WAIT));
        }
        eligible.zones = Some(open);
    }
    // Every free slot in one round: one query for the candidates, one for the do-not-call
    // list, one commit for the claims. A round repeats only when a candidate was lost (claimed
    // elsewhere, or listed).
    while state.slots.len() < state.cap() {
        if eligible.zones.is_some() && mode == CampaignMode::Batch && eligible.batch.is_none() {
            // Batch order holds whatever the hours: only the earliest waiting batch may go.
            let Some(head) =
                store::calls::next_pending(&db, campaign.id, &Eligible::default()).await?
            else {
                break;
            };
            eligible.batch = Some(head.batch_index);
        }
        let mut free = (state.cap() - state.slots.len()) as u64;
        if let Some(limit) = state.budget {
            let per_call = state.per_call_estimate;
            let spend = store::calls::spend(&db, campaign.id, per_call).await?;
            let committed = spend.committed;
            let room = budget::room(limit, committed, per_call);
            if room == 0 && spend.awaiting > 0 {
                // Calls in flight are counted at their estimate: wait for their real costs
                // (they usually come in lower) before deciding the budget is spent.
                schedule_fill(myself, state, BUDGET_RECHECK);
                break;
            }
            if room == 0 {
                if store::calls::next_pending(&db, campaign.id, &Eligible::default())
                    .await?
                    .is_some()
                {
                    let why = format!(
                        "${committed:.4} spent or committed (reported costs, and ${per_call:.4} \
                         estimated for each call not reported yet) leaves no room for another \
                         call in the budget of ${limit:.2}"
                    );
                    let moved = move_to_explained(
                        state,
                        CampaignStatus::Paused,
                        Some(store::campaigns::PAUSED_BY_BUDGET),
                        Some(&why),
                    )
                    .await?;
                    if moved {
                        state.spare = None;
                        tracing::warn!(campaign_id = %campaign.id, reason = %why, "budget reached: the campaign paused itself");
                        crate::metrics::guardrail_pause(store::campaigns::PAUSED_BY_BUDGET);
                    }
                }
                break;
            }
            free = free.min(room);
        }
        let candidates = store::calls::next_pending_many(&db, campaign.id, &eligible, free).await?;
        if candidates.is_empty() {
            break;
        }
        // Fewer than asked for: nothing else is waiting.
        let exhausted = (candidates.len() as u64) < free;
        let phones: Vec<&str> = candidates.iter().map(|c| c.phone_e164.as_str()).collect();
        let listed = store::suppression::listed_among(&db, &phones).await?;
        let mut chosen: Vec<contact::Model> = Vec::new();
        let mut permits = Vec::new();
        let mut blocked = false;
        for contact in candidates {
            if mode == CampaignMode::Batch
                && (state
                    .slots
                    .values()
                    .any(|s| s.batch_index < contact.batch_index)
                    || chosen.iter().any(|c| c.batch_index < contact.batch_index))
            {
                // Batch N+1 waits until every call of batch N is terminal.
                blocked = true;
                break;
            }
            if campaign.line_quiet_gating
                && state.slots.is_empty()
                && chosen.is_empty()
                && !state.line_quiet
            {
                request_line_check(myself, state, &campaign.phone_number_id);
                blocked = true;
                break;
            }
            if listed.contains(&contact.phone_e164) {
                // Listed after the import: never dialed.
                store::calls::settle_without_call(&db, contact.id, "do-not-call").await?;
                continue;
            }
            let permit = match state.spare.take() {
                Some(p) => p,
                None => match state.ctx.budget.clone().try_acquire_owned() {
                    Ok(p) => p,
                    Err(_) => {
                        request_permit(myself, state);
                        blocked = true;
                        break;
                    }
                },
            };
            chosen.push(contact);
            permits.push(permit);
        }
        if chosen.is_empty() {
            if blocked {
                break;
            }
            continue;
        }
        let (claimed, short) = state.ctx.claim(campaign.id, chosen.clone()).await?;
        if short {
            // The account's limit is reached across the cluster: look again shortly (slots
            // are freed by whichever node stores a call's end).
            blocked = true;
            schedule_fill(myself, state, SLOT_RETRY);
        }
        let mut calls: HashMap<Uuid, call::Model> =
            claimed.into_iter().map(|c| (c.contact_id, c)).collect();
        let lost = !short && calls.len() < chosen.len();
        for (contact, permit) in chosen.into_iter().zip(permits) {
            let Some(call) = calls.remove(&contact.id) else {
                // Claimed elsewhere meanwhile: its permit serves the next candidate.
                state.spare = Some(permit);
                continue;
            };
            state.line_quiet = false;
            state.ctx.events.publish(RuntimeEvent::Call {
                campaign_id: campaign.id,
                call_id: call.id,
                contact_id: contact.id,
                status: CallStatus::Queued,
                outcome: None,
                ended_reason: None,
                at: chrono::Utc::now(),
            });
            spawn_call(
                myself,
                state,
                call,
                CallMode::Dial(Box::new(contact)),
                Some(permit),
                (0, 0),
                Duration::ZERO,
            )
            .await?;
        }
        if blocked || (exhausted && !lost) {
            break;
        }
    }
    if state.redial.is_some()
        && state.slots.len() < state.cap()
        && let Some(due) = store::calls::next_redial_at(&db, campaign.id).await?
    {
        let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default();
        wake_after(myself, state, wait);
    }
    // An unused permit goes back to the other campaigns.
    state.spare = None;
    maybe_finish(myself, state).await
}

/// Fills again after `wait` (calling hours opening, a redial coming due), unless a wake-up is
/// already due by then.
fn wake_after(myself: &ActorRef<CampaignMsg>, state: &mut CampaignState, wait: Duration) {
    let wait = wait + WAKE_MARGIN;
    let at = Instant::now() + wait;
    if state.wake_at.is_some_and(|w| w <= at) {
        return;
    }
    state.wake_at = Some(at);
    myself.send_after(wait, || CampaignMsg::Wake);
}

fn request_permit(myself: &ActorRef<CampaignMsg>, state: &mut CampaignState) {
    if state.permit_requested {
        return;
    }
    state.permit_requested = true;
    let budget = state.ctx.budget.clone();
    let me = myself.clone();
    tokio::spawn(async move {
        if let Ok(permit) = budget.acquire_owned().await {
            // If the supervisor is gone the permit comes back with the error and is dropped.
            let _ = me.cast(CampaignMsg::Permit(permit));
        }
    });
}

fn request_line_check(myself: &ActorRef<CampaignMsg>, state: &mut CampaignState, line: &str) {
    if state.line_check_pending {
        return;
    }
    state.line_check_pending = true;
    let provider = state.ctx.provider.clone();
    let line = line.to_owned();
    let me = myself.clone();
    tokio::spawn(async move {
        let since = chrono::Utc::now() - chrono::Duration::hours(12);
        let quiet = match provider.list_calls(&line, since).await {
            Ok(calls) => calls.iter().all(|c| c.is_ended()),
            Err(e) => {
                tracing::warn!(error = %e, "line-quiet check failed; will retry");
                false
            }
        };
        let _ = me.cast(CampaignMsg::LineQuiet(quiet));
    });
}

/// Spawns a call actor into a slot. `restarts`: (tracker failures, database failures in a
/// row) so far; `delay`: before the actor starts its work.
async fn spawn_call(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
    call: call::Model,
    mode: CallMode,
    permit: Option<OwnedSemaphorePermit>,
    restarts: (u32, u32),
    delay: Duration,
) -> Result<(), ActorProcessingErr> {
    let Some(campaign) = state.campaign.as_ref() else {
        return Ok(());
    };
    let batch_index = match &mode {
        CallMode::Dial(contact) => contact.batch_index,
        CallMode::Adopt => {
            match store::campaigns::contact_batch(&state.ctx.db, call.contact_id).await {
                Ok(batch) => batch.unwrap_or(0),
                // Only batch ordering needs it: the earliest batch keeps the next one waiting.
                Err(e) if store::is_transient(&e) => 0,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let slot_call = call.clone();
    let args = CallArgs {
        ctx: state.ctx.clone(),
        end_check: state.end_check,
        start_delay: delay,
        call,
        mode,
        campaign_id: campaign.id,
        assistant_id: state.assistant_id.clone(),
        phone_number_id: campaign.phone_number_id.clone(),
        schedule: state.schedule,
        supervisor: myself.clone(),
    };
    let call_id = args.call.id;
    let (actor, _) = Actor::spawn_linked(None, CallActor, args, myself.get_cell())
        .await
        .map_err(|e| ActorProcessingErr::from(format!("could not start a call actor: {e}")))?;
    if let Some(permit) = permit {
        state.ctx.hold_permit(campaign.id, call_id, permit);
    }
    state.slots.insert(
        actor.get_id(),
        Slot {
            call: slot_call,
            batch_index,
            restarts: restarts.0,
            db_failures: restarts.1,
        },
    );
    Ok(())
}

/// Ends the supervisor when nothing is left for it: COMPLETED when every contact has a final
/// outcome and no call is active; a stopped or failed campaign once its last call ended.
async fn maybe_finish(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
) -> Result<(), ActorProcessingErr> {
    if !state.slots.is_empty() || state.campaign.is_none() {
        return Ok(());
    }
    let id = state.id();
    if !state.status.is_finished() {
        if store::calls::unsettled_contacts(&state.ctx.db, id).await? > 0 {
            return Ok(());
        }
        move_to(state, CampaignStatus::Completed, None).await?;
        tracing::info!(campaign_id = %id, "campaign completed");
    }
    let _ = state.root.cast(RootMsg::Finished(id, myself.get_id()));
    myself.stop(Some("campaign finished".into()));
    Ok(())
}

/// Records a status change (conditional on the status we hold) and keeps it in the state.
/// The safety brake tripped: the campaign pauses itself, saying why with the numbers. Calls
/// in flight finish; claims not sent yet are given back (no attempt used).
async fn pull_the_brake(state: &mut CampaignState, why: &str) -> Result<(), ActorProcessingErr> {
    let campaign_id = state.id();
    let moved = move_to_explained(
        state,
        CampaignStatus::Paused,
        Some(store::campaigns::PAUSED_BY_SAFETY_BRAKE),
        Some(why),
    )
    .await?;
    if moved {
        state.spare = None;
        tracing::warn!(%campaign_id, reason = %why, "safety brake: the campaign paused itself");
        crate::metrics::guardrail_pause(store::campaigns::PAUSED_BY_SAFETY_BRAKE);
    }
    Ok(())
}

async fn move_to(
    state: &mut CampaignState,
    to: CampaignStatus,
    detail: Option<&str>,
) -> Result<bool, ActorProcessingErr> {
    move_to_explained(state, to, detail, None).await
}

/// [`move_to`], with the words that explain a guardrail's pause.
async fn move_to_explained(
    state: &mut CampaignState,
    to: CampaignStatus,
    detail: Option<&str>,
    pause_detail: Option<&str>,
) -> Result<bool, ActorProcessingErr> {
    let id = state.id();
    if !to.dials() {
        // Closed before the change is written and answered: no dial leaves after it.
        state.set_gate(false);
    }
    let moved = state
        .ctx
        .transition_campaign_explained(id, state.status, to, detail, pause_detail)
        .await;
    let moved = match moved {
        Ok(moved) => moved,
        Err(e) => {
            state.set_gate(state.status.dials());
            return Err(e.into());
        }
    };
    if moved {
        tracing::info!(campaign_id = %id, from = %state.status, to = %to, "campaign status");
        state.status = to;
        if to == CampaignStatus::Dialing
            && let Some(campaign) = state.campaign.as_mut()
        {
            // The transition stamped it in the database (if it was not already).
            campaign.first_dial_at.get_or_insert_with(chrono::Utc::now);
        }
    } else if let Some(current) = store::campaigns::get(&state.ctx.db, id).await? {
        // Someone else moved it (another process, an operator): follow the database.
        state.status = current.status;
    }
    state.set_gate(state.status.dials());
    Ok(moved)
}

async fn control(
    myself: &ActorRef<CampaignMsg>,
    state: &mut CampaignState,
    command: Command,
) -> Result<CampaignStatus, ControlError> {
    let internal = |e: ActorProcessingErr| ControlError::Internal(e.to_string());
    let db_error = |e: sea_orm::DbErr| ControlError::Internal(e.to_string());
    if state.campaign.is_none() {
        return Err(ControlError::Internal(
            "the campaign is still loading".into(),
        ));
    }
    let id = state.id();
    let target = command.target(state.status)?;
    match command {
        Command::Start => Err(ControlError::Illegal {
            current: state.status,
            command: command.name(),
        }),
        Command::Pause => {
            move_to(state, target, None).await.map_err(internal)?;
            state.spare = None;
            Ok(state.status)
        }
        Command::Resume => {
            // Judged afresh on the calls placed from now on.
            state.brake.reset();
            // Edits made while paused apply from now on.
            let fresh = store::campaigns::get(&state.ctx.db, id)
                .await
                .map_err(db_error)?
                .ok_or(ControlError::NotFound)?;
            let unreadable = load_settings(state, fresh).await.map_err(internal)?;
            if let Some(limit) = state.budget {
                let per_call = state.per_call_estimate;
                let committed = store::calls::spend(&state.ctx.db, id, per_call)
                    .await
                    .map_err(db_error)?
                    .committed;
                if budget::room(limit, committed, per_call) == 0 {
                    return Err(ControlError::Refused(format!(
                        "the budget is reached: ${committed:.4} spent or committed of \
                         ${limit:.2}, and a call is estimated at ${per_call:.4}; raise budgetUsd \
                         (PATCH the campaign) before resuming"
                    )));
                }
            }
            if let Some(reason) = unreadable {
                let reason = format!("{reason}; nothing is dialed with settings that do not parse");
                move_to(state, CampaignStatus::Failed, Some(&reason))
                    .await
                    .map_err(internal)?;
                return Ok(state.status);
            }
            let to = resume_target(state).await.map_err(db_error)?;
            move_to(state, to, None).await.map_err(internal)?;
            let _ = myself.cast(CampaignMsg::Fill);
            Ok(state.status)
        }
        Command::Stop(mode) => {
            // The gate first: no dial leaves from here on, retries and claims included.
            state.set_gate(false);
            if mode == StopMode::Hangup {
                // Stored, so a restart or a crashed supervisor finishes the hang-up.
                store::calls::request_end_of_live_calls(&state.ctx.db, id)
                    .await
                    .map_err(db_error)?;
            }
            // Contacts first, so whoever sees STOPPED also sees them NOT_ATTEMPTED.
            store::calls::mark_not_attempted(&state.ctx.db, id)
                .await
                .map_err(db_error)?;
            move_to(state, target, Some(mode.as_str()))
                .await
                .map_err(internal)?;
            // Again once STOPPED is stored: a claim given back unsent between the two (its
            // settlement read the campaign still running) went back to PENDING after the first
            // pass; every settlement from here on reads STOPPED and gives it NOT_ATTEMPTED.
            store::calls::mark_not_attempted(&state.ctx.db, id)
                .await
                .map_err(db_error)?;
            state.spare = None;
            if mode == StopMode::Hangup {
                for child in myself.get_children() {
                    let _ = child.send_message(crate::runtime::call::CallMsg::Hangup);
                }
            }
            Ok(state.status)
        }
    }
}

/// Records that the campaign has placed a call. Moving to DIALING stamps `first_dial_at`, but
/// a dial answered after a pause (or a stop) finds the campaign in another status: the stamp
/// is written here then, once, so a resume knows the campaign has dialed.
async fn note_dialed(state: &mut CampaignState) -> Result<(), ActorProcessingErr> {
    let Some(campaign) = state.campaign.as_mut() else {
        return Ok(());
    };
    if campaign.first_dial_at.is_some() {
        return Ok(());
    }
    let at = store::campaigns::stamp_first_dial(&state.ctx.db, state.campaign_id).await?;
    campaign.first_dial_at = Some(at);
    Ok(())
}

/// What a resumed campaign truthfully is: RUNNING only with a call ringing or in progress,
/// DIALING when it has placed calls before, else QUEUED.
async fn resume_target(state: &CampaignState) -> Result<CampaignStatus, sea_orm::DbErr> {
    let id = state.id();
    let live = store::calls::live_calls(&state.ctx.db, id).await?;
    if live.iter().any(|c| c.status >= CallStatus::Ringing) {
        return Ok(CampaignStatus::Running);
    }
    let dialed = state
        .campaign
        .as_ref()
        .is_some_and(|c| c.first_dial_at.is_some())
        || store::campaigns::get(&state.ctx.db, id)
            .await?
            .and_then(|c| c.first_dial_at)
            .is_some();
    Ok(if dialed {
        CampaignStatus::Dialing
    } else {
        CampaignStatus::Queued
    })
}

//! The call actor: one per call in flight. It places the call (the dial intent is already in
//! the database), follows it through the provider's news, checks on it when it goes silent,
//! ends it when it is stuck, and stops as soon as the call is terminal, which frees its slot.
//! Provider I/O runs in spawned tasks that record their result in the database themselves and
//! then report back, so the mailbox never waits on the network and a stopped actor loses
//! nothing.
//!
//! A dial is *ambiguous* when the request may have reached Vapi and no answer can be trusted
//! (a timeout after sending, a reset, any 5xx): Vapi may still create the call, later. Such a
//! dial keeps its slot and account permit and is never sent again until its absence is
//! proven: `runtime.dial_settle_ms` after the last send, a look-up of the line's calls finds
//! none carrying our id. A webhook or a listed call carrying our id resolves it at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use uuid::Uuid;

use crate::domain::call::{CallUpdate, EndRequest};
use crate::domain::campaign::CallStatus;
use crate::domain::ended_reason::{EndedReasonClass, is_concurrency_blocked};
use crate::domain::hours::Schedule;
use crate::provider::{CreateCall, ProviderCall, ProviderError};
use crate::runtime::campaign::CampaignMsg;
use crate::runtime::{RuntimeContext, duplicate, variable_values};
use crate::store;
use crate::store::entities::{call, contact};

/// Reason recorded on a call whose dial could not be confirmed and was not retried.
pub const DIAL_OUTCOME_UNKNOWN: &str = "dial-outcome-unknown";

/// Error recorded on a call canceled because its contact's calling hours closed first.
pub const OUTSIDE_HOURS: &str = "calling hours closed before the call was placed";

/// How far before the dial intent the provider's list is searched (clock differences).
const LOOKUP_SKEW: chrono::Duration = chrono::Duration::minutes(2);
/// Failures to record a send (a database hiccup) tolerated before the tracker gives up and is
/// restarted by its supervisor; nothing is sent meanwhile.
const MAX_RECORD_FAILURES: u32 = 30;

pub enum CallMsg {
    Start,
    /// `POST /call` answered, or was not sent.
    Dialed(DialResult),
    RetryDial,
    /// The contact's calling hours closed before the dial was sent.
    OutsideHours,
    /// Look the unresolved dial up in the line's list of calls.
    Resolve,
    /// The look-up answered: the line's calls carrying our call id.
    Resolved(Result<Vec<ProviderCall>, ProviderError>),
    /// The provider's call for this dial became known outside the actor (a webhook carried
    /// our id).
    Found(ProviderCall),
    /// The call's status changed in the database (a webhook, usually).
    Updated(CallNews),
    SilenceCheck,
    Polled(Result<ProviderCall, ProviderError>),
    StuckDeadline,
    /// An operator stopped the campaign with `hangup`.
    Hangup,
    EndSent(Result<(), ProviderError>),
}

/// What a dial task reports.
pub struct DialResult {
    /// When the send was recorded (`None`: nothing was sent).
    pub sent_at: Option<DateTime<Utc>>,
    pub result: Result<ProviderCall, DialError>,
}

/// Why a dial has no call to follow. Failures to record are never reported as the
/// provider's.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DialError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// Nothing was sent: the send could not be recorded first.
    #[error("could not record the dial before sending it: {0}")]
    Record(String),
    /// Nothing was sent: the campaign stopped dialing (pause or stop) first.
    #[error("the campaign stopped dialing before the call was placed")]
    Gated,
    /// Nothing was sent: this node's lease of the campaign lapsed first (another node is taking
    /// it over).
    #[error("this node's lease of the campaign lapsed before the call was placed")]
    LeaseLapsed,
    /// The provider created a call, but another provider call was already recorded for this
    /// dial (found through a webhook): that one is followed, this one ended as a duplicate.
    #[error("another provider call was already recorded for this dial")]
    Superseded(ProviderCall),
}

/// What the actor starts with.
pub enum CallMode {
    /// Place the call for this contact (the intent row exists).
    Dial(Box<contact::Model>),
    /// Follow an existing call (after a restart or a tracker failure).
    Adopt,
}

pub struct CallArgs {
    pub ctx: Arc<RuntimeContext>,
    /// How long a call may go without news before the provider is asked about it: the
    /// assistant's `maxDurationSeconds` plus a margin, when known.
    pub end_check: Option<Duration>,
    /// Wait before starting (a tracker replaced after the database failed backs off).
    pub start_delay: Duration,
    pub call: call::Model,
    pub mode: CallMode,
    pub campaign_id: Uuid,
    /// The provider's assistant id.
    pub assistant_id: String,
    pub phone_number_id: String,
    /// The campaign's calling hours, checked again right before each dial.
    pub schedule: Option<Schedule>,
    pub supervisor: ActorRef<CampaignMsg>,
}

pub struct CallState {
    ctx: Arc<RuntimeContext>,
    call: call::Model,
    contact: Option<Box<contact::Model>>,
    campaign_id: Uuid,
    assistant_id: String,
    phone_number_id: String,
    schedule: Option<Schedule>,
    supervisor: ActorRef<CampaignMsg>,
    /// The campaign's dial gate, checked right before every send.
    gate: Arc<AtomicBool>,
    end_check: Option<Duration>,
    provider_call: Option<ProviderCall>,
    dial_in_flight: bool,
    /// The last send had no trustworthy answer: waiting for the provider to show the call, or
    /// for its absence to be proven.
    unresolved: bool,
    /// When the last `POST /call` was sent (every wait of an unresolved dial counts from it).
    last_send: Option<DateTime<Utc>>,
    /// Dial failures that used up a retry (429, refused connections, proven absences).
    dial_failures: usize,
    resolve_failures: u32,
    record_failures: u32,
    /// The provider blocked this call for concurrency (201 + concurrencyBlocked).
    blocked: bool,
    last_event: Instant,
    silence_armed: bool,
    stuck_deadline_set: bool,
    /// autolynx is ending the call itself.
    ending: Option<EndRequest>,
}

pub struct CallActor;

impl Actor for CallActor {
    type Msg = CallMsg;
    type State = CallState;
    type Arguments = CallArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        args.ctx.register_call(args.call.id, myself.clone());
        if args.start_delay.is_zero() {
            myself.cast(CallMsg::Start)?;
        } else {
            myself.send_after(args.start_delay, || CallMsg::Start);
        }
        let contact = match args.mode {
            CallMode::Dial(contact) => Some(contact),
            CallMode::Adopt => None,
        };
        let gate = args.ctx.gate(args.campaign_id);
        Ok(CallState {
            gate,
            end_check: args.end_check,
            unresolved: false,
            last_send: args.call.dial_sent_at,
            record_failures: 0,
            ctx: args.ctx,
            call: args.call,
            contact,
            campaign_id: args.campaign_id,
            assistant_id: args.assistant_id,
            phone_number_id: args.phone_number_id,
            schedule: args.schedule,
            supervisor: args.supervisor,
            provider_call: None,
            dial_in_flight: false,
            dial_failures: 0,
            resolve_failures: 0,
            blocked: false,
            last_event: Instant::now(),
            silence_armed: false,
            stuck_deadline_set: false,
            ending: None,
        })
    }

    async fn post_stop(
        &self,
        myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        state.ctx.unregister_call(state.call.id, &myself);
        Ok(())
    }

    #[tracing::instrument(name = "call", skip_all, fields(campaign_id = %state.campaign_id, call_id = %state.call.id))]
    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            CallMsg::Start => start(&myself, state).await?,
            CallMsg::RetryDial => dial(&myself, state).await?,
            CallMsg::OutsideHours => {
                // Nothing was sent: the contact waits for its hours, without using an attempt.
                tracing::info!(call_id = %state.call.id, "calling hours closed before the dial; the contact waits");
                not_sent(&myself, state, OUTSIDE_HOURS).await?;
            }
            CallMsg::Dialed(result) => {
                state.dial_in_flight = false;
                dialed(&myself, state, result).await?;
            }
            CallMsg::Resolve => resolve(&myself, state),
            CallMsg::Resolved(result) => resolved(&myself, state, result).await?,
            CallMsg::Found(call) => {
                if state.provider_call.is_none() {
                    tracing::info!(call_id = %state.call.id, provider_call_id = %call.id, "the provider's call for this dial is known; following it");
                    if state.unresolved {
                        crate::metrics::ambiguous_dial("found");
                    }
                    state.unresolved = false;
                    accepted(&myself, state, call).await?;
                }
            }
            CallMsg::Updated(news) => {
                state.last_event = Instant::now();
                on_status(&myself, state, news);
            }
            CallMsg::SilenceCheck => {
                state.silence_armed = false;
                let silence = silence_window(state);
                let quiet_for = state.last_event.elapsed();
                if quiet_for < silence {
                    arm_silence(&myself, state, silence - quiet_for);
                } else {
                    poll(&myself, state);
                }
            }
            CallMsg::Polled(result) => polled(&myself, state, result).await?,
            CallMsg::StuckDeadline => {
                tracing::warn!(call_id = %state.call.id, "call still live past the stuck timeout; ending it");
                end(&myself, state, EndRequest::Timeout).await?;
            }
            CallMsg::Hangup => {
                if state.provider_call.is_some() {
                    end(&myself, state, EndRequest::Cancel).await?;
                } else if state.dial_in_flight || state.unresolved {
                    // The call may exist: ended as soon as it is found, canceled once its
                    // absence is proven. The slot is held until then.
                    store::calls::request_end(&state.ctx.db, state.call.id, EndRequest::Cancel)
                        .await?;
                    state.ending = Some(EndRequest::Cancel);
                } else {
                    // Nothing reached the provider (a retry was pending): give the contact back.
                    not_sent(
                        &myself,
                        state,
                        "the campaign was stopped before the call was placed",
                    )
                    .await?;
                }
            }
            CallMsg::EndSent(result) => match result {
                Ok(()) => {
                    myself.send_after(Duration::from_millis(500), || CallMsg::SilenceCheck);
                    state.last_event = Instant::now() - silence_window(state);
                    state.silence_armed = true;
                }
                Err(ProviderError::NotFound) => {
                    let update = CallUpdate {
                        status: Some(ending_status(state)),
                        error_message: Some("the provider no longer knows this call".into()),
                        ..CallUpdate::default()
                    };
                    finish_with(&myself, state, &update).await?;
                }
                Err(e) => {
                    tracing::warn!(call_id = %state.call.id, error = %e, "ending the call failed; retrying");
                    myself.send_after(Duration::from_secs(2), || CallMsg::StuckDeadline);
                }
            },
        }
        Ok(())
    }
}

async fn start(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
) -> Result<(), ActorProcessingErr> {
    if state.contact.is_some() {
        return dial(myself, state).await;
    }
    // A dial started by an actor that was stopped (its supervisor crashed) is still on its
    // way: wait for it to record its outcome instead of guessing.
    if state.ctx.dial_in_flight(state.call.id) {
        myself.send_after(Duration::from_millis(100), || CallMsg::Start);
        return Ok(());
    }
    if let Some(fresh) = store::calls::get(&state.ctx.db, state.call.id).await? {
        state.call = fresh;
    }
    if state.call.status.is_terminal() {
        myself.stop(Some("call already ended".into()));
        return Ok(());
    }
    // A hang-up requested before (by a stop with `hangup`, maybe before a restart) is finished.
    state.ending = state
        .call
        .end_requested
        .as_deref()
        .and_then(EndRequest::parse);
    // The marker may be another node's (a takeover): its age is read on the database's clock.
    state.last_send = match state.call.dial_sent_at {
        Some(marker) => {
            Some(store::calls::marker_on_local_clock(&state.ctx.db, marker, Utc::now()).await?)
        }
        None => None,
    };
    match state.call.provider_call_id.clone() {
        Some(id) => {
            state.provider_call = Some(known_call(&id, state.call.control_url.clone()));
            match state.ending {
                Some(reason) => end(myself, state, reason).await?,
                // We may have missed news while no actor followed the call: ask at once.
                None => poll(myself, state),
            }
        }
        None => {
            // Needed to send (again): the dial never left, or its absence may be proven.
            match store::calls::contact_of(&state.ctx.db, &state.call).await? {
                Some(contact) => state.contact = Some(Box::new(contact)),
                None => {
                    myself.stop(Some("contact deleted".into()));
                    return Ok(());
                }
            }
            if state.last_send.is_none() {
                // The dial never left (the marker is written before sending): place it now.
                dial(myself, state).await?;
            } else {
                // A dial from before the restart may have reached the provider, and its call
                // may still appear: it is resolved like any ambiguous dial, from its last send.
                let why = "the process stopped before the provider answered".to_owned();
                unresolved(myself, state, why);
            }
        }
    }
    Ok(())
}

fn known_call(id: &str, control_url: Option<String>) -> ProviderCall {
    ProviderCall {
        control_url,
        ..ProviderCall::bare(id)
    }
}

async fn dial(myself: &ActorRef<CallMsg>, state: &mut CallState) -> Result<(), ActorProcessingErr> {
    if state.provider_call.is_some() || state.dial_in_flight || state.unresolved {
        return Ok(());
    }
    let Some(contact) = state.contact.as_ref() else {
        return Ok(());
    };
    if !state.gate.load(Ordering::SeqCst) {
        return not_sent(
            myself,
            state,
            "the campaign stopped dialing before the call was placed",
        )
        .await;
    }
    if let Some(schedule) = &state.schedule
        && !schedule.is_open_for(Utc::now(), contact.timezone.as_deref())
    {
        let _ = myself.cast(CallMsg::OutsideHours);
        return Ok(());
    }
    let request = CreateCall {
        call_id: state.call.id,
        campaign_id: state.campaign_id,
        assistant_id: state.assistant_id.clone(),
        phone_number_id: state.phone_number_id.clone(),
        customer_number: contact.phone_e164.clone(),
        customer_name: Some(contact.name.clone()).filter(|n| !n.is_empty()),
        variable_values: variable_values(contact),
    };
    if !state.ctx.begin_dial(request.call_id) {
        // Another dial of this call is on its way (a stopped actor's): follow it instead.
        state.contact = None;
        myself.send_after(Duration::from_millis(100), || CallMsg::Start);
        return Ok(());
    }
    state.dial_in_flight = true;
    let ctx = state.ctx.clone();
    let gate = state.gate.clone();
    let me = myself.clone();
    tokio::spawn(async move {
        let result = place(&ctx, &gate, &request).await;
        ctx.end_dial(request.call_id);
        let _ = me.cast(CallMsg::Dialed(result));
    });
    Ok(())
}

/// Marks the dial as sent, sends `POST /call` and records the provider's id, so that
/// everything a restart needs is in the database before anyone is told. Runs in its own task:
/// it finishes even if the actor that started it is stopped.
async fn place(ctx: &Arc<RuntimeContext>, gate: &AtomicBool, request: &CreateCall) -> DialResult {
    let not_sent = |error| DialResult {
        sent_at: None,
        result: Err(error),
    };
    if !gate.load(Ordering::SeqCst) {
        return not_sent(DialError::Gated);
    }
    let (call_id, campaign_id) = (request.call_id, request.campaign_id);
    // Marked (and so sent) only while this node holds the campaign's lease.
    let marked = ctx
        .write_fenced(campaign_id, move |txn| {
            Box::pin(async move { store::calls::mark_dial_sent(txn, call_id).await })
        })
        .await;
    let sent_at = match marked {
        Ok(at) => at,
        Err(e) => {
            // Without the marker a restart could not tell whether the dial left: don't send.
            tracing::error!(call_id = %request.call_id, error = %e, "could not record the dial; not sent");
            return not_sent(DialError::Record(e.to_string()));
        }
    };
    // Pause and stop close the gate before they answer: checked again right before sending,
    // with the campaign's lease (a process paused past its lease's end wakes up here without
    // it).
    if !gate.load(Ordering::SeqCst) {
        return not_sent(DialError::Gated);
    }
    if !ctx.holds_lease(campaign_id) {
        tracing::error!(call_id = %request.call_id, %campaign_id, "this node's lease of the campaign has lapsed; not sent");
        return not_sent(DialError::LeaseLapsed);
    }
    let started = Instant::now();
    let result = ctx.provider.create_call(request).await;
    ctx.record_dial_answer(started.elapsed(), result.is_ok());
    let created = match &result {
        Ok(call) => Some(call.clone()),
        Err(ProviderError::ConcurrencyLimited {
            provider_call_id: Some(id),
            ..
        }) => Some(known_call(id, None)),
        Err(_) => None,
    };
    let result = match created {
        Some(created) => match record_provider_call(ctx, request.call_id, &created).await {
            Ok(None) => result.map_err(DialError::from),
            Ok(Some(recorded)) => Err(DialError::Superseded(recorded)),
            Err(e) => {
                // The call exists; the webhooks or a later look-up will record it.
                tracing::error!(call_id = %request.call_id, error = %e, "could not record the provider's call id");
                result.map_err(DialError::from)
            }
        },
        None => result.map_err(DialError::from),
    };
    DialResult {
        sent_at: Some(sent_at),
        result,
    }
}

/// Records `found` as the provider's call for our call `call_id`. `None` when it is recorded
/// (now or before); `Some(recorded)` when another provider call was recorded first — then
/// `found` is a duplicate, ended and counted here.
pub(crate) async fn record_provider_call(
    ctx: &Arc<RuntimeContext>,
    call_id: Uuid,
    found: &ProviderCall,
) -> Result<Option<ProviderCall>, sea_orm::DbErr> {
    let (id, control_url, created_at) = (
        found.id.clone(),
        found.control_url.clone(),
        found.created_at,
    );
    // Recorded, or the call as it is when someone else recorded another id first.
    let row = ctx
        .writer()
        .write(move |txn| {
            let (id, control_url) = (id.clone(), control_url.clone());
            Box::pin(async move {
                let recorded = store::calls::set_provider_call(
                    txn,
                    call_id,
                    &id,
                    control_url.as_deref(),
                    created_at,
                )
                .await?;
                if recorded {
                    return Ok(None);
                }
                store::calls::get(txn, call_id).await
            })
        })
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    match row.provider_call_id {
        Some(id) if id != found.id => {
            duplicate::found(ctx, call_id, &id, found, found.is_ended()).await?;
            Ok(Some(known_call(&id, row.control_url)))
        }
        _ => Ok(None),
    }
}

async fn dialed(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    dial: DialResult,
) -> Result<(), ActorProcessingErr> {
    if let Some(at) = dial.sent_at {
        state.last_send = Some(at);
    }
    if state.provider_call.is_some() {
        // Already following the call (a webhook found it while the answer was on its way).
        return Ok(());
    }
    let call_id = state.call.id;
    let error = match dial.result {
        Ok(call) => return accepted(myself, state, call).await,
        Err(DialError::Superseded(recorded)) => return accepted(myself, state, recorded).await,
        Err(why @ (DialError::Gated | DialError::LeaseLapsed)) => {
            if matches!(why, DialError::LeaseLapsed)
                || !state.ctx.holds_lease(state.call.campaign_id)
            {
                // This node may no longer run the campaign: it gives nothing back (another
                // owner may already be resolving this very call, and a contact given back
                // would be claimed again beside it). The call keeps its dial marker and is
                // resolved like an unanswered dial — looked up after the settle window, this
                // same attempt placed once if absent — by this node if it keeps the lease,
                // else by the new owner.
                unresolved(myself, state, why.to_string());
                return Ok(());
            }
            return not_sent(myself, state, &why.to_string()).await;
        }
        Err(DialError::Record(message)) => {
            // A database hiccup: nothing was sent; try again shortly, without using a retry.
            state.record_failures += 1;
            if state.record_failures > MAX_RECORD_FAILURES {
                return Err(format!("could not record the dial: {message}").into());
            }
            let wait = Duration::from_millis(200 * u64::from(state.record_failures.min(10)));
            myself.send_after(wait, || CallMsg::RetryDial);
            return Ok(());
        }
        Err(DialError::Provider(e)) => e,
    };
    match error {
        ProviderError::ConcurrencyLimited {
            provider_call_id: Some(id),
            message,
        } => {
            // Created but blocked: it counts as live until it ends (quickly, with the
            // concurrency reason), so the slot is held until then.
            tracing::info!(%call_id, %message, "call blocked by the provider's concurrency limit");
            state.blocked = true;
            state.provider_call = Some(known_call(&id, None));
            arm_silence(
                myself,
                state,
                state.ctx.settings.runtime.concurrency_retry(),
            );
            Ok(())
        }
        ProviderError::ConcurrencyLimited {
            provider_call_id: None,
            ..
        } => {
            // Nothing was created: hold the slot, wait, dial again; no attempt is used.
            let _ = state.supervisor.cast(CampaignMsg::ConcurrencyBlocked);
            let wait = state.ctx.settings.runtime.concurrency_retry();
            myself.send_after(wait, || CallMsg::RetryDial);
            Ok(())
        }
        ProviderError::RateLimited { retry_after } => {
            retry_or_fail(myself, state, retry_after, "rate limited by the provider").await
        }
        ProviderError::Transient { message } => {
            // The request never reached the provider: nothing can have been created.
            retry_or_fail(myself, state, None, &message).await
        }
        ProviderError::Ambiguous { message } => {
            tracing::warn!(%call_id, %message, "no trustworthy answer to the dial; holding its slot until the call is found or its absence proven");
            unresolved(myself, state, message);
            Ok(())
        }
        e @ ProviderError::InvalidNumber { .. } => {
            fail(
                myself,
                state,
                EndedReasonClass::InvalidNumber,
                e.to_string(),
            )
            .await
        }
        e @ ProviderError::Unauthorized => {
            let _ = state
                .supervisor
                .cast(CampaignMsg::ProviderUnauthorized(e.to_string()));
            fail(
                myself,
                state,
                EndedReasonClass::PermanentError,
                e.to_string(),
            )
            .await
        }
        e => {
            fail(
                myself,
                state,
                EndedReasonClass::PermanentError,
                e.to_string(),
            )
            .await
        }
    }
}

/// The provider has the call: follow it.
async fn accepted(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    call: ProviderCall,
) -> Result<(), ActorProcessingErr> {
    let _ = state.supervisor.cast(CampaignMsg::CallDialed);
    let update = CallUpdate::from_provider_call(&call);
    let news =
        update.status.is_some_and(|s| s > CallStatus::Queued) || update.ended_reason.is_some();
    state.provider_call = Some(call);
    state.last_event = Instant::now();
    // A freshly created call is just "queued": nothing to write.
    let applied = if news {
        state.ctx.apply(state.call.id, &update).await?
    } else {
        None
    };
    if let Some(news) = applied.map(|a| CallNews::of(&a.call)) {
        if news.status.is_terminal() {
            on_status(myself, state, news);
            return Ok(());
        }
        if news.status >= CallStatus::Ringing {
            let _ = state.supervisor.cast(CampaignMsg::CallLive);
        }
    }
    if let Some(reason) = state.ending {
        end(myself, state, reason).await?;
    }
    let silence = silence_window(state);
    arm_silence(myself, state, silence);
    Ok(())
}

/// The last send has no trustworthy answer: wait until the settle window after it has passed,
/// then look the call up. The slot and the account permit stay held meanwhile.
fn unresolved(myself: &ActorRef<CallMsg>, state: &mut CallState, why: String) {
    state.unresolved = true;
    state.call.error_message = Some(why);
    let settle = state.ctx.settings.runtime.dial_settle();
    let since_send = state
        .last_send
        .map(|at| (Utc::now() - at).to_std().unwrap_or_default())
        .unwrap_or_default();
    myself.send_after(settle.saturating_sub(since_send), || CallMsg::Resolve);
}

async fn retry_or_fail(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    retry_after: Option<Duration>,
    why: &str,
) -> Result<(), ActorProcessingErr> {
    if state.ending.is_some() {
        // Stopped with `hangup`, and nothing is live at the provider: nothing to end.
        return not_sent(myself, state, &format!("{why}; the campaign was stopped")).await;
    }
    let delays = &state.ctx.settings.runtime.dial_retry_delays_ms;
    let Some(delay) = delays.get(state.dial_failures) else {
        let message = format!("{why}; gave up after {} retries", delays.len());
        return fail(myself, state, EndedReasonClass::RetryableError, message).await;
    };
    state.dial_failures += 1;
    let wait = Duration::from_millis(*delay).max(retry_after.unwrap_or_default());
    tracing::info!(call_id = %state.call.id, ?wait, "retrying the dial");
    myself.send_after(wait, || CallMsg::RetryDial);
    Ok(())
}

/// Looks the unresolved dial up among the line's calls created since its intent.
fn resolve(myself: &ActorRef<CallMsg>, state: &mut CallState) {
    if !state.unresolved {
        return;
    }
    let ctx = state.ctx.clone();
    let me = myself.clone();
    let call_id = state.call.id;
    let line = state.phone_number_id.clone();
    let since = state.call.dial_intent_at - LOOKUP_SKEW;
    tokio::spawn(async move {
        let result = ctx.provider.list_calls(&line, since).await.map(|calls| {
            calls
                .into_iter()
                .filter(|c| c.our_call_id == Some(call_id))
                .collect()
        });
        let _ = me.cast(CallMsg::Resolved(result));
    });
}

async fn resolved(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    result: Result<Vec<ProviderCall>, ProviderError>,
) -> Result<(), ActorProcessingErr> {
    if !state.unresolved || state.provider_call.is_some() {
        // Resolved meanwhile (a webhook carried our id).
        return Ok(());
    }
    match result {
        Ok(mut found) if !found.is_empty() => {
            // The earliest is followed; any other carrying our id is a duplicate.
            found.sort_by_key(|c| c.created_at);
            let first = found.remove(0);
            let ctx = state.ctx.clone();
            let followed = match record_provider_call(&ctx, state.call.id, &first).await? {
                None => first,
                Some(recorded) => recorded,
            };
            for other in found.iter().filter(|c| c.id != followed.id) {
                duplicate::found(&ctx, state.call.id, &followed.id, other, other.is_ended())
                    .await?;
            }
            tracing::info!(call_id = %state.call.id, provider_call_id = %followed.id, "dial found at the provider; following it");
            crate::metrics::ambiguous_dial("found");
            state.unresolved = false;
            accepted(myself, state, followed).await
        }
        Ok(_) => {
            // Absence proven: the settle window after the last send is over and the provider
            // shows no call carrying our id.
            tracing::info!(call_id = %state.call.id, "the unresolved dial created no call");
            crate::metrics::ambiguous_dial("absent");
            state.unresolved = false;
            let why = state
                .call
                .error_message
                .clone()
                .unwrap_or_else(|| "no trustworthy answer from the provider".into());
            retry_or_fail(myself, state, None, &why).await
        }
        Err(e) => {
            state.resolve_failures += 1;
            if state.resolve_failures > state.ctx.settings.runtime.dial_lookup_max_failures {
                tracing::warn!(call_id = %state.call.id, error = %e, "the dial could not be confirmed with the provider; given up, never redialed");
                crate::metrics::ambiguous_dial("unknown");
                state.unresolved = false;
                let update = CallUpdate {
                    status: Some(CallStatus::Failed),
                    ended_reason: Some(DIAL_OUTCOME_UNKNOWN.into()),
                    error_message: Some(format!(
                        "could not confirm the dial with the provider: {e}; not redialed"
                    )),
                    outcome: Some(EndedReasonClass::Unknown),
                    ..CallUpdate::default()
                };
                return finish_with(myself, state, &update).await;
            }
            let step = state.ctx.settings.runtime.concurrency_retry();
            let wait = (step * state.resolve_failures.min(5))
                .min(state.ctx.settings.runtime.dial_settle());
            myself.send_after(wait, || CallMsg::Resolve);
            Ok(())
        }
    }
}

/// The stored outcome of a call.
pub(crate) fn outcome_of(call: &call::Model) -> Option<EndedReasonClass> {
    call.outcome.as_deref().and_then(EndedReasonClass::parse)
}

/// What a call actor needs to know of its stored call after a change.
#[derive(Debug, Clone, Copy)]
pub struct CallNews {
    pub status: CallStatus,
    pub outcome: Option<EndedReasonClass>,
    /// It ended because the account's concurrency limit refused it (whichever way that
    /// became known: the dial's answer, a webhook or a poll).
    pub blocked: bool,
}

impl CallNews {
    pub fn of(call: &call::Model) -> Self {
        Self {
            status: call.status,
            outcome: outcome_of(call),
            blocked: call.status == CallStatus::Failed
                && call
                    .ended_reason
                    .as_deref()
                    .is_some_and(is_concurrency_blocked),
        }
    }
}

fn on_status(myself: &ActorRef<CallMsg>, state: &mut CallState, news: CallNews) {
    let CallNews {
        status,
        outcome,
        blocked,
    } = news;
    if status.is_terminal() {
        if (state.blocked || blocked) && status == CallStatus::Failed {
            let _ = state.supervisor.cast(CampaignMsg::ConcurrencyBlocked);
        } else if status != CallStatus::Canceled {
            // A call that was placed, or whose dial failed, counts for the safety brake; a
            // call never sent (CANCELED) or blocked by the account's limit does not.
            let _ = state
                .supervisor
                .cast(CampaignMsg::CallEnded { status, outcome });
        }
        myself.stop(Some(format!("call {status}")));
    } else if status >= CallStatus::Ringing {
        let _ = state.supervisor.cast(CampaignMsg::CallLive);
    }
}

/// How long a call may go without news before the provider is asked about it.
fn silence_window(state: &CallState) -> Duration {
    if state.blocked {
        return state.ctx.settings.runtime.concurrency_retry();
    }
    let silence = state.ctx.settings.runtime.silence_timeout();
    match state.end_check {
        // Vapi ends the call by its assistant's maxDurationSeconds: past that (and a margin),
        // news is overdue and its final webhooks may be lost.
        Some(bound) => silence.min(bound),
        None => silence,
    }
}

fn arm_silence(myself: &ActorRef<CallMsg>, state: &mut CallState, after: Duration) {
    if !state.silence_armed {
        state.silence_armed = true;
        myself.send_after(after, || CallMsg::SilenceCheck);
    }
}

fn poll(myself: &ActorRef<CallMsg>, state: &mut CallState) {
    let Some(call) = &state.provider_call else {
        return;
    };
    let id = call.id.clone();
    let ctx = state.ctx.clone();
    let me = myself.clone();
    tokio::spawn(async move {
        let result = ctx.provider.get_call(&id).await;
        let _ = me.cast(CallMsg::Polled(result));
    });
}

async fn polled(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    result: Result<ProviderCall, ProviderError>,
) -> Result<(), ActorProcessingErr> {
    match result {
        Ok(call) => {
            let update = CallUpdate::from_provider_call(&call);
            if call.control_url.is_some() {
                state.provider_call = Some(call);
            }
            let applied = state.ctx.apply(state.call.id, &update).await?;
            match applied.as_ref().map(|a| CallNews::of(&a.call)) {
                Some(news) if news.status.is_terminal() => {
                    on_status(myself, state, news);
                    return Ok(());
                }
                Some(news) if news.status >= CallStatus::Ringing => {
                    let _ = state.supervisor.cast(CampaignMsg::CallLive);
                }
                None => {
                    myself.stop(Some("call row deleted".into()));
                    return Ok(());
                }
                _ => {}
            }
            if state.ending.is_some() {
                // We asked it to end and it is still live: ask again shortly.
                myself.send_after(Duration::from_secs(2), || CallMsg::StuckDeadline);
            } else if !state.stuck_deadline_set && !state.blocked {
                state.stuck_deadline_set = true;
                myself.send_after(state.ctx.settings.runtime.stuck_call_timeout(), || {
                    CallMsg::StuckDeadline
                });
            }
            let silence = silence_window(state);
            arm_silence(myself, state, silence);
        }
        Err(ProviderError::NotFound) => {
            // The provider does not count it any more.
            let update = CallUpdate {
                status: Some(ending_status(state)),
                error_message: Some("the provider no longer knows this call".into()),
                outcome: Some(EndedReasonClass::Unknown),
                ..CallUpdate::default()
            };
            finish_with(myself, state, &update).await?;
        }
        Err(e) => {
            tracing::warn!(call_id = %state.call.id, error = %e, "checking the call failed; will retry");
            let wait = silence_window(state).min(Duration::from_secs(5));
            arm_silence(myself, state, wait);
        }
    }
    Ok(())
}

fn ending_status(state: &CallState) -> CallStatus {
    state.ending.map_or(CallStatus::Failed, EndRequest::status)
}

/// Ends a live call through the provider; it is recorded as CANCELED or TIMEOUT once the
/// provider reports it ended (the slot is held until then).
async fn end(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    reason: EndRequest,
) -> Result<(), ActorProcessingErr> {
    if state.ending.is_none() {
        store::calls::request_end(&state.ctx.db, state.call.id, reason).await?;
        state.ending = Some(reason);
    }
    let Some(call) = state.provider_call.clone() else {
        return Ok(());
    };
    let ctx = state.ctx.clone();
    let me = myself.clone();
    tokio::spawn(async move {
        let result = ctx.provider.end_call(&call).await;
        let _ = me.cast(CallMsg::EndSent(result));
    });
    Ok(())
}

async fn fail(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    outcome: EndedReasonClass,
    message: String,
) -> Result<(), ActorProcessingErr> {
    tracing::warn!(call_id = %state.call.id, %message, "call failed");
    let update = CallUpdate {
        status: Some(CallStatus::Failed),
        error_message: Some(message),
        outcome: Some(outcome),
        ..CallUpdate::default()
    };
    finish_with(myself, state, &update).await
}

/// Nothing reached the provider for this attempt: the call is CANCELED and its contact given
/// back without using an attempt (PENDING, or NOT_ATTEMPTED once the campaign is stopped).
async fn not_sent(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    why: &str,
) -> Result<(), ActorProcessingErr> {
    let update = CallUpdate {
        status: Some(CallStatus::Canceled),
        error_message: Some(why.to_owned()),
        outcome: Some(EndedReasonClass::Unknown),
        requeue_contact: true,
        ..CallUpdate::default()
    };
    finish_with(myself, state, &update).await
}

/// Applies a terminal update this node decided (fenced by the campaign's lease) and stops.
async fn finish_with(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    update: &CallUpdate,
) -> Result<(), ActorProcessingErr> {
    let decided = state
        .ctx
        .apply_decided(state.campaign_id, state.call.id, update)
        .await;
    let applied = match decided {
        Ok(applied) => applied,
        Err(e) if store::is_fenced(&e) => {
            // This node no longer runs the campaign: the call is its new owner's to settle.
            myself.stop(Some("the campaign's lease was lost".into()));
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let news = applied.map(|a| CallNews::of(&a.call)).unwrap_or(CallNews {
        status: CallStatus::Failed,
        outcome: update.outcome,
        blocked: false,
    });
    if news.status.is_terminal() {
        on_status(myself, state, news);
    } else {
        // Someone else knows better (a live status can't come from a terminal update); keep
        // following.
        let silence = silence_window(state);
        arm_silence(myself, state, silence);
    }
    Ok(())
}

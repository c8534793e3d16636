//! The call actor: one per call in flight. It places the call (the dial intent is already in
//! the database), follows it through the provider's news, checks on it when it goes silent,
//! ends it when it is stuck, and stops as soon as the call is terminal, which frees its slot.
//! Provider I/O runs in spawned tasks that record their result in the database themselves and
//! then report back, so the mailbox never waits on the network and a stopped actor loses
//! nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use uuid::Uuid;

use crate::domain::campaign::CallStatus;
use crate::domain::ended_reason::EndedReasonClass;
use crate::domain::hours::Schedule;
use crate::provider::{CreateCall, ProviderCall, ProviderError};
use crate::runtime::campaign::CampaignMsg;
use crate::runtime::{RuntimeContext, update_from_provider, variable_values};
use crate::store;
use crate::store::calls::{CallUpdate, END_CANCEL, END_TIMEOUT};
use crate::store::entities::{call, contact};

/// Why a call was looked up in the provider's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveReason {
    /// Recovery: a dial intent without provider id (crash between the write and the answer).
    Recovery,
    /// The dial request failed in a way that may have reached the provider.
    AfterTransient,
}

/// Reason recorded on a call whose dial could not be confirmed and was not retried.
pub const DIAL_OUTCOME_UNKNOWN: &str = "dial-outcome-unknown";

/// Error recorded on a call canceled because its contact's calling hours closed first.
pub const OUTSIDE_HOURS: &str = "calling hours closed before the call was placed";

pub enum CallMsg {
    Start,
    /// `POST /call` answered (the provider id, if any, is already stored).
    Dialed(Result<ProviderCall, ProviderError>),
    RetryDial,
    /// The contact's calling hours closed before the dial was sent.
    OutsideHours,
    Resolve(ResolveReason),
    /// The provider's list was searched for our call id.
    Resolved(ResolveReason, Result<Option<ProviderCall>, ProviderError>),
    /// The call's status changed in the database (a webhook, usually).
    Updated(CallStatus),
    SilenceCheck,
    Polled(Result<ProviderCall, ProviderError>),
    StuckDeadline,
    /// An operator stopped the campaign with `hangup`.
    Hangup,
    EndSent(Result<(), ProviderError>),
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
    provider_call: Option<ProviderCall>,
    dial_in_flight: bool,
    /// Dial failures that used up a retry (429, transient).
    dial_failures: usize,
    resolve_failures: u32,
    /// The provider blocked this call for concurrency (201 + concurrencyBlocked).
    blocked: bool,
    last_event: Instant,
    silence_armed: bool,
    stuck_deadline_set: bool,
    /// autolynx is ending the call itself (`END_CANCEL` or `END_TIMEOUT`).
    ending: Option<&'static str>,
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
        myself.cast(CallMsg::Start)?;
        let contact = match args.mode {
            CallMode::Dial(contact) => Some(contact),
            CallMode::Adopt => None,
        };
        Ok(CallState {
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
            CallMsg::RetryDial => dial(&myself, state),
            CallMsg::OutsideHours => {
                // Nothing was sent: the contact waits for its hours, without using an attempt.
                tracing::info!(call_id = %state.call.id, "calling hours closed before the dial; the contact waits");
                let update = CallUpdate {
                    status: Some(CallStatus::Canceled),
                    error_message: Some(OUTSIDE_HOURS.to_owned()),
                    outcome: Some(EndedReasonClass::Unknown),
                    requeue_contact: true,
                    ..CallUpdate::default()
                };
                finish_with(&myself, state, &update).await?;
            }
            CallMsg::Dialed(result) => {
                state.dial_in_flight = false;
                dialed(&myself, state, result).await?;
            }
            CallMsg::Resolve(reason) => resolve(&myself, state, reason),
            CallMsg::Resolved(reason, result) => resolved(&myself, state, reason, result).await?,
            CallMsg::Updated(status) => {
                state.last_event = Instant::now();
                on_status(&myself, state, status);
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
                end(&myself, state, END_TIMEOUT).await?;
            }
            CallMsg::Hangup => {
                if state.provider_call.is_some() {
                    end(&myself, state, END_CANCEL).await?;
                } else if state.dial_in_flight {
                    // Ended as soon as the dial answers.
                    store::calls::request_end(&state.ctx.db, state.call.id, END_CANCEL).await?;
                    state.ending = Some(END_CANCEL);
                } else {
                    // Nothing reached the provider (a retry was pending): cancel outright.
                    let update = CallUpdate {
                        status: Some(CallStatus::Canceled),
                        error_message: Some(
                            "the campaign was stopped before the call was placed".into(),
                        ),
                        outcome: Some(EndedReasonClass::Unknown),
                        ..CallUpdate::default()
                    };
                    finish_with(&myself, state, &update).await?;
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
        dial(myself, state);
        return Ok(());
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
    if state
        .call
        .status
        .parse::<CallStatus>()
        .is_ok_and(|s| s.is_terminal())
    {
        myself.stop(Some("call already ended".into()));
        return Ok(());
    }
    match state.call.provider_call_id.clone() {
        // We may have missed news while no actor followed the call: ask at once.
        Some(id) => {
            state.provider_call = Some(known_call(&id, state.call.control_url.clone()));
            poll(myself, state);
        }
        None if state.call.dial_sent_at.is_none() => {
            // The dial never left (the marker is written before sending): place it now.
            match store::calls::contact_of(&state.ctx.db, &state.call).await? {
                Some(contact) => {
                    state.contact = Some(Box::new(contact));
                    dial(myself, state);
                }
                None => myself.stop(Some("contact deleted".into())),
            }
        }
        None => {
            // A dial from before the restart may still be in flight: give it the request
            // timeout before searching for it.
            let settle = Duration::from_millis(state.ctx.settings.vapi.request_timeout_ms + 1_000);
            let age = (Utc::now() - state.call.dial_intent_at)
                .to_std()
                .unwrap_or_default();
            let wait = settle.saturating_sub(age);
            myself.send_after(wait, || CallMsg::Resolve(ResolveReason::Recovery));
        }
    }
    Ok(())
}

fn known_call(id: &str, control_url: Option<String>) -> ProviderCall {
    ProviderCall {
        id: id.to_owned(),
        status: "queued".to_owned(),
        ended_reason: None,
        created_at: None,
        started_at: None,
        ended_at: None,
        cost: None,
        control_url,
        our_call_id: None,
        phone_number_id: None,
        customer_number: None,
        raw: serde_json::Value::Null,
    }
}

fn dial(myself: &ActorRef<CallMsg>, state: &mut CallState) {
    let Some(contact) = state.contact.as_ref() else {
        return;
    };
    if let Some(schedule) = &state.schedule
        && !schedule.is_open_for(Utc::now(), contact.timezone.as_deref())
    {
        let _ = myself.cast(CallMsg::OutsideHours);
        return;
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
        return;
    }
    state.dial_in_flight = true;
    let ctx = state.ctx.clone();
    let me = myself.clone();
    tokio::spawn(async move {
        let result = place(&ctx, &request).await;
        ctx.end_dial(request.call_id);
        let _ = me.cast(CallMsg::Dialed(result));
    });
}

/// Marks the dial as sent, sends `POST /call` and records the provider's id, so that
/// everything a restart needs is in the database before anyone is told. Runs in its own task:
/// it finishes even if the actor that started it is stopped.
async fn place(ctx: &RuntimeContext, request: &CreateCall) -> Result<ProviderCall, ProviderError> {
    if let Err(e) = store::calls::mark_dial_sent(&ctx.db, request.call_id).await {
        // Without the marker a restart could not tell whether the dial left: don't send.
        tracing::error!(call_id = %request.call_id, error = %e, "could not record the dial; will retry");
        return Err(ProviderError::RateLimited { retry_after: None });
    }
    let started = Instant::now();
    let result = ctx.provider.create_call(request).await;
    ctx.record_dial_answer(started.elapsed(), result.is_ok());
    let stored = match &result {
        Ok(call) => Some((call.id.clone(), call.control_url.clone(), call.created_at)),
        Err(ProviderError::ConcurrencyLimited {
            provider_call_id: Some(id),
            ..
        }) => Some((id.clone(), None, None)),
        Err(_) => None,
    };
    if let Some((id, control_url, created_at)) = stored
        && let Err(e) = store::calls::set_provider_call(
            &ctx.db,
            request.call_id,
            &id,
            control_url.as_deref(),
            created_at,
        )
        .await
    {
        tracing::error!(call_id = %request.call_id, error = %e, "could not record the provider's call id");
    }
    result
}

async fn dialed(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    result: Result<ProviderCall, ProviderError>,
) -> Result<(), ActorProcessingErr> {
    let call_id = state.call.id;
    match result {
        Ok(call) => accepted(myself, state, call).await,
        Err(ProviderError::ConcurrencyLimited {
            provider_call_id: Some(id),
            message,
        }) => {
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
        Err(ProviderError::ConcurrencyLimited {
            provider_call_id: None,
            ..
        }) => {
            // Nothing was created: hold the slot, wait, dial again; no attempt is used.
            let _ = state.supervisor.cast(CampaignMsg::ConcurrencyBlocked);
            let wait = state.ctx.settings.runtime.concurrency_retry();
            myself.send_after(wait, || CallMsg::RetryDial);
            Ok(())
        }
        Err(ProviderError::RateLimited { retry_after }) => {
            retry_or_fail(myself, state, retry_after, "rate limited by the provider").await
        }
        Err(ProviderError::Transient { message }) => {
            // The request may have reached the provider: look before dialing again.
            tracing::warn!(%call_id, %message, "dial failed transiently; checking whether the call exists");
            state.call.error_message = Some(message);
            resolve(myself, state, ResolveReason::AfterTransient);
            Ok(())
        }
        Err(e @ ProviderError::InvalidNumber { .. }) => {
            fail(
                myself,
                state,
                EndedReasonClass::InvalidNumber,
                e.to_string(),
            )
            .await
        }
        Err(e @ ProviderError::Unauthorized) => {
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
        Err(e) => {
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
    let update = update_from_provider(&call);
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
    if let Some(status) = applied.and_then(|a| a.call.status.parse::<CallStatus>().ok()) {
        if status.is_terminal() {
            on_status(myself, state, status);
            return Ok(());
        }
        if status >= CallStatus::Ringing {
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

async fn retry_or_fail(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    retry_after: Option<Duration>,
    why: &str,
) -> Result<(), ActorProcessingErr> {
    if state.ending.is_some() {
        let update = CallUpdate {
            status: Some(CallStatus::Canceled),
            error_message: Some(format!("{why}; the campaign was stopped")),
            outcome: Some(EndedReasonClass::Unknown),
            ..CallUpdate::default()
        };
        return finish_with(myself, state, &update).await;
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

fn resolve(myself: &ActorRef<CallMsg>, state: &mut CallState, reason: ResolveReason) {
    let ctx = state.ctx.clone();
    let me = myself.clone();
    let call_id = state.call.id;
    let line = state.phone_number_id.clone();
    let since = state.call.dial_intent_at - chrono::Duration::minutes(2);
    tokio::spawn(async move {
        let result = ctx
            .provider
            .list_calls(&line, since)
            .await
            .map(|calls| calls.into_iter().find(|c| c.our_call_id == Some(call_id)));
        if let Ok(Some(found)) = &result
            && let Err(e) = store::calls::set_provider_call(
                &ctx.db,
                call_id,
                &found.id,
                found.control_url.as_deref(),
                found.created_at,
            )
            .await
        {
            tracing::error!(%call_id, error = %e, "could not record the provider's call id");
        }
        let _ = me.cast(CallMsg::Resolved(reason, result));
    });
}

async fn resolved(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    reason: ResolveReason,
    result: Result<Option<ProviderCall>, ProviderError>,
) -> Result<(), ActorProcessingErr> {
    match result {
        Ok(Some(call)) => {
            tracing::info!(call_id = %state.call.id, provider_call_id = %call.id, "dial found at the provider; adopted");
            accepted(myself, state, call).await
        }
        Ok(None) => match reason {
            ResolveReason::AfterTransient => {
                let why = state
                    .call
                    .error_message
                    .clone()
                    .unwrap_or_else(|| "transient provider failure".into());
                retry_or_fail(myself, state, None, &why).await
            }
            ResolveReason::Recovery => {
                tracing::warn!(call_id = %state.call.id, "dial outcome unknown and not found at the provider");
                let update = CallUpdate {
                    status: Some(CallStatus::Failed),
                    ended_reason: Some(DIAL_OUTCOME_UNKNOWN.into()),
                    error_message: Some(
                        "the process stopped before the provider answered, and the provider \
                         has no such call; not redialed"
                            .into(),
                    ),
                    outcome: Some(EndedReasonClass::Unknown),
                    ..CallUpdate::default()
                };
                finish_with(myself, state, &update).await
            }
        },
        Err(e) => {
            state.resolve_failures += 1;
            if state.resolve_failures > 10 {
                let update = CallUpdate {
                    status: Some(CallStatus::Failed),
                    ended_reason: Some(DIAL_OUTCOME_UNKNOWN.into()),
                    error_message: Some(format!(
                        "could not confirm the dial with the provider: {e}"
                    )),
                    outcome: Some(EndedReasonClass::Unknown),
                    ..CallUpdate::default()
                };
                return finish_with(myself, state, &update).await;
            }
            let wait =
                state.ctx.settings.runtime.concurrency_retry() * state.resolve_failures.min(5);
            myself.send_after(wait, move || CallMsg::Resolve(reason));
            Ok(())
        }
    }
}

fn on_status(myself: &ActorRef<CallMsg>, state: &mut CallState, status: CallStatus) {
    if status.is_terminal() {
        if state.blocked && status == CallStatus::Failed {
            let _ = state.supervisor.cast(CampaignMsg::ConcurrencyBlocked);
        }
        myself.stop(Some(format!("call {status}")));
    } else if status >= CallStatus::Ringing {
        let _ = state.supervisor.cast(CampaignMsg::CallLive);
    }
}

fn silence_window(state: &CallState) -> Duration {
    if state.blocked {
        state.ctx.settings.runtime.concurrency_retry()
    } else {
        state.ctx.settings.runtime.silence_timeout()
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
            let update = update_from_provider(&call);
            if call.control_url.is_some() {
                state.provider_call = Some(call);
            }
            let applied = state.ctx.apply(state.call.id, &update).await?;
            let status = applied
                .as_ref()
                .and_then(|a| a.call.status.parse::<CallStatus>().ok());
            match status {
                Some(s) if s.is_terminal() => {
                    on_status(myself, state, s);
                    return Ok(());
                }
                Some(s) if s >= CallStatus::Ringing => {
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
    match state.ending {
        Some(END_CANCEL) => CallStatus::Canceled,
        Some(END_TIMEOUT) => CallStatus::Timeout,
        _ => CallStatus::Failed,
    }
}

/// Ends a live call through the provider; it is recorded as CANCELED or TIMEOUT once the
/// provider reports it ended (the slot is held until then).
async fn end(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    reason: &'static str,
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

/// Applies a terminal update and stops.
async fn finish_with(
    myself: &ActorRef<CallMsg>,
    state: &mut CallState,
    update: &CallUpdate,
) -> Result<(), ActorProcessingErr> {
    let applied = state.ctx.apply(state.call.id, update).await?;
    let status = applied
        .and_then(|a| a.call.status.parse::<CallStatus>().ok())
        .unwrap_or(CallStatus::Failed);
    if status.is_terminal() {
        on_status(myself, state, status);
    } else {
        // Someone else knows better (a live status can't come from a terminal update); keep
        // following.
        let silence = silence_window(state);
        arm_silence(myself, state, silence);
    }
    Ok(())
}

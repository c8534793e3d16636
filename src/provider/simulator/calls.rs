//! The call store and each call's life: `queued` → `ringing` → `in-progress` → `ended`, a
//! `status-update` per change and an `end-of-call-report` after post-processing, with the
//! live-call counters of the oracle updated at creation and at the end, under one lock.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::stats::SimStats;
use super::webhooks::delivery_queue;
use super::{CallPlan, ConcurrencyBehavior, Outcome, Rng64, Shared, plan_call};
use crate::domain::ended_reason::CONCURRENCY_LIMIT_REACHED;
use crate::provider::str_at;

/// Everything the simulator holds.
pub(crate) struct State {
    pub(crate) calls: HashMap<String, SimCall>,
    pub(crate) assistants: HashMap<String, Value>,
    pub(crate) stats: SimStats,
    /// Fault decisions; seeded, so a run is repeatable when requests arrive in the same order.
    pub(crate) rng: Rng64,
    /// Creation order, for listing.
    next_seq: u64,
    /// Every webhook message answered 2xx (a message delivered twice appears twice): what the
    /// receiver promised to have stored.
    pub(crate) delivered: Vec<Value>,
    /// Creations and final status-updates, when `keep_timeline` is set.
    pub(crate) timeline: Vec<super::TimelineEntry>,
}

pub(crate) struct SimCall {
    /// The `Call` object as `GET /call/{id}` returns it.
    pub(crate) json: Value,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) seq: u64,
    pub(crate) live: bool,
    /// `DELETE /call/{id}` removes the data, not the call (as at Vapi).
    pub(crate) deleted: bool,
    /// Ends the call early (control URL, `/_sim/calls/{id}/end`) with the given reason.
    end: Option<oneshot::Sender<String>>,
}

impl State {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            calls: HashMap::new(),
            assistants: HashMap::new(),
            stats: SimStats::default(),
            rng: Rng64::new(seed ^ 0x5EED_FA17),
            next_seq: 0,
            delivered: Vec::new(),
            timeline: Vec::new(),
        }
    }

    pub(crate) fn stats_snapshot(&self) -> SimStats {
        self.stats.clone()
    }

    /// Visible calls, newest first.
    pub(crate) fn visible_calls(&self) -> Vec<&SimCall> {
        let mut calls: Vec<&SimCall> = self.calls.values().filter(|c| !c.deleted).collect();
        calls.sort_by_key(|c| std::cmp::Reverse(c.seq));
        calls
    }

    /// Asks a live call to end; false when it is unknown or already over.
    pub(crate) fn request_end(&mut self, id: &str, reason: Option<String>) -> Option<bool> {
        let call = self.calls.get_mut(id).filter(|c| !c.deleted)?;
        let Some(end) = call.end.take() else {
            return Some(false);
        };
        let reason = reason.unwrap_or_else(|| {
            if str_at(&call.json, &["status"]) == Some("in-progress") {
                "assistant-ended-call".to_owned()
            } else {
                "manually-canceled".to_owned()
            }
        });
        Some(end.send(reason).is_ok())
    }

    fn end_live(&mut self, phone_number_id: &str) {
        self.stats.active_calls = self.stats.active_calls.saturating_sub(1);
        if let Some(n) = self.stats.active_by_phone_number.get_mut(phone_number_id) {
            *n = n.saturating_sub(1);
        }
    }
}

/// What `POST /call` decided.
pub(crate) enum Created {
    Call(Value),
    OverLimit,
}

/// A validated `POST /call` body.
pub(crate) struct NewCall {
    pub(crate) assistant_id: Option<String>,
    pub(crate) phone_number_id: String,
    pub(crate) customer: Value,
    pub(crate) number: String,
    pub(crate) assistant_overrides: Value,
    pub(crate) name: Option<String>,
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Creates a call (or refuses it over the limit) and starts its life.
pub(crate) fn create(shared: &Arc<Shared>, new: NewCall) -> Created {
    let config = shared.config();
    let now = Utc::now();
    let id = Uuid::new_v4().to_string();
    let (end_tx, end_rx) = oneshot::channel::<String>();
    let (json, plan, blocked, flags) = {
        let mut state = shared.state();
        let over = state.stats.active_calls >= config.concurrency_limit;
        if over && config.concurrency_behavior == ConcurrencyBehavior::Reject400 {
            state.stats.calls_rejected_over_limit += 1;
            return Created::OverLimit;
        }
        let blocked = over;
        let stats = &mut state.stats;
        let dial_index = {
            let dials = stats
                .dials_by_customer
                .entry(new.number.clone())
                .or_insert(0);
            *dials += 1;
            *dials - 1
        };
        stats.calls_created += 1;
        if config.keep_timeline {
            let campaign_id = str_at(
                &new.assistant_overrides,
                &["metadata", crate::provider::METADATA_CAMPAIGN_ID],
            )
            .map(str::to_owned);
            state.timeline.push(super::TimelineEntry {
                at: std::time::Instant::now(),
                kind: super::TimelineKind::CallCreated,
                campaign_id,
            });
        }
        let stats = &mut state.stats;
        if let Some(ours) = str_at(
            &new.assistant_overrides,
            &["metadata", crate::provider::METADATA_CALL_ID],
        ) {
            *stats.calls_by_call_id.entry(ours.to_owned()).or_insert(0) += 1;
        }
        if blocked {
            stats.calls_blocked += 1;
        }
        stats.active_calls += 1;
        stats.max_active_account = stats.max_active_account.max(stats.active_calls);
        let line = stats
            .active_by_phone_number
            .entry(new.phone_number_id.clone())
            .or_insert(0);
        *line += 1;
        let line_now = *line;
        let max = stats
            .max_active_by_phone_number
            .entry(new.phone_number_id.clone())
            .or_insert(0);
        *max = (*max).max(line_now);
        let remaining = config.concurrency_limit.saturating_sub(stats.active_calls);

        let plan = plan_call(
            shared.seed,
            &config.outcomes,
            &config.timings,
            &new.number,
            dial_index,
        );
        let faults = config.faults;
        let never_end = !blocked
            && plan.outcome == Outcome::Answered
            && state.rng.chance(faults.never_end_rate);
        let reorder = state.rng.chance(faults.webhook_reorder_rate);
        let legacy = state.rng.chance(config.legacy_shapes_rate);
        if never_end {
            state.stats.never_ending_calls += 1;
        }
        let mut json = json!({
            "id": id,
            "orgId": "org-simulator",
            "createdAt": iso(now),
            "updatedAt": iso(now),
            "type": "outboundPhoneCall",
            "status": "queued",
            "phoneNumberId": new.phone_number_id,
            "customer": new.customer,
            "assistantOverrides": new.assistant_overrides,
            "monitor": {
                "listenUrl": format!("ws://{}/_sim/listen/{id}", shared.base_url.trim_start_matches("http://")),
                "controlUrl": format!("{}/_sim/control/{id}", shared.base_url),
            },
            "transport": {"provider": "vapi.websocket"},
            "cost": 0,
        });
        if let Some(a) = &new.assistant_id {
            json["assistantId"] = json!(a);
        }
        if let Some(n) = &new.name {
            json["name"] = json!(n);
        }
        let seq = state.next_seq;
        state.next_seq += 1;
        state.calls.insert(
            id.clone(),
            SimCall {
                json: json.clone(),
                created_at: now,
                seq,
                live: true,
                deleted: false,
                end: Some(end_tx),
            },
        );
        json["subscriptionLimits"] = json!({
            "concurrencyBlocked": blocked,
            "concurrencyLimit": config.concurrency_limit,
            "remainingConcurrentCalls": remaining,
        });
        (
            json,
            plan,
            blocked,
            Flags {
                never_end,
                reorder,
                legacy,
            },
        )
    };
    let life_shared = shared.clone();
    let life_id = id.clone();
    shared.spawn(async move {
        life(life_shared, life_id, plan, blocked, flags, end_rx).await;
    });
    Created::Call(json)
}

#[derive(Debug, Clone, Copy)]
struct Flags {
    never_end: bool,
    reorder: bool,
    legacy: bool,
}

/// Sleeps, unless the call is told to end first (then gives the reason).
async fn wait(ms: Option<u64>, end: &mut oneshot::Receiver<String>) -> Option<String> {
    match ms {
        Some(ms) => tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(ms)) => None,
            reason = &mut *end => reason.ok(),
        },
        None => end.await.ok(),
    }
}

async fn life(
    shared: Arc<Shared>,
    id: String,
    plan: CallPlan,
    blocked: bool,
    flags: Flags,
    mut end: oneshot::Receiver<String>,
) {
    let timings = shared.config().timings;
    let queue = delivery_queue(&shared);
    let send = |message: Value| {
        let _ = queue.send(message);
    };
    if let Some(call) = snapshot(&shared, &id) {
        send(status_update(&call, "queued", None, flags.legacy));
    }

    let mut held_in_progress: Option<Value> = None;
    let (reason, answered) = 'life: {
        if blocked {
            let reason = wait(Some(timings.blocked_end_ms), &mut end).await;
            break 'life (
                reason.unwrap_or_else(|| CONCURRENCY_LIMIT_REACHED.to_owned()),
                false,
            );
        }
        if let Some(reason) = wait(Some(timings.queue_ms), &mut end).await {
            break 'life (reason, false);
        }
        if let Some(call) = transition(&shared, &id, "ringing", None) {
            send(status_update(&call, "ringing", None, flags.legacy));
        }
        let ring = match plan.outcome {
            Outcome::Busy => plan.ring_ms / 4,
            _ => plan.ring_ms,
        };
        if let Some(reason) = wait(Some(ring), &mut end).await {
            break 'life (reason, false);
        }
        if matches!(plan.outcome, Outcome::NoAnswer | Outcome::Busy) {
            break 'life (plan.ended_reason.to_owned(), false);
        }
        if let Some(call) = transition(&shared, &id, "in-progress", None) {
            let message = status_update(&call, "in-progress", None, flags.legacy);
            if flags.reorder {
                held_in_progress = Some(message);
            } else {
                send(message);
            }
        }
        let talk = match plan.outcome {
            Outcome::Error => plan.talk_ms / 3,
            _ => plan.talk_ms,
        };
        let talk = (!flags.never_end).then_some(talk);
        match wait(talk, &mut end).await {
            Some(reason) => (reason, true),
            None => (plan.ended_reason.to_owned(), true),
        }
    };

    let Some(call) = transition(&shared, &id, "ended", Some((&reason, plan, answered))) else {
        return;
    };
    send(status_update(&call, "ended", Some(&reason), flags.legacy));
    if let Some(message) = held_in_progress {
        shared.state().stats.webhooks_reordered += 1;
        send(message);
    }
    tokio::time::sleep(Duration::from_millis(timings.post_processing_ms)).await;
    let opt_out = {
        let customer = str_at(&call, &["customer", "number"]).unwrap_or_default();
        let config = shared.config();
        if config.opt_out_flagged.iter().any(|n| n == customer) {
            Some(OptOut::Flagged)
        } else if config.opt_out_spoken.iter().any(|n| n == customer) {
            Some(OptOut::Spoken)
        } else {
            None
        }
    };
    send(end_of_call_report(
        &call,
        &reason,
        plan,
        answered,
        flags.legacy,
        opt_out,
    ));
}

/// The call object now (hidden once deleted, but its life goes on).
fn snapshot(shared: &Shared, id: &str) -> Option<Value> {
    shared.state().calls.get(id).map(|c| c.json.clone())
}

/// Moves a call to `status`; at `ended`, frees its slot in the counters.
fn transition(
    shared: &Shared,
    id: &str,
    status: &str,
    ended: Option<(&str, CallPlan, bool)>,
) -> Option<Value> {
    let now = iso(Utc::now());
    let mut state = shared.state();
    let call = state.calls.get_mut(id)?;
    if !call.live {
        return None;
    }
    call.json["status"] = json!(status);
    call.json["updatedAt"] = json!(now);
    if status == "in-progress" {
        call.json["startedAt"] = json!(now);
    }
    let mut free_line = None;
    if let Some((reason, plan, answered)) = ended {
        call.live = false;
        call.end = None;
        call.json["endedReason"] = json!(reason);
        call.json["endedAt"] = json!(now);
        let (cost, _) = costs(plan, answered);
        call.json["cost"] = json!(cost);
        free_line = Some(
            str_at(&call.json, &["phoneNumberId"])
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let json = call.json.clone();
    if let (Some(line), Some((reason, _, _))) = (free_line, ended) {
        state.end_live(&line);
        state.stats.calls_ended += 1;
        *state
            .stats
            .ended_reasons
            .entry(reason.to_owned())
            .or_insert(0) += 1;
    }
    Some(json)
}

/// The total and the typed breakdown of a call's cost: ~$0.10 a minute when answered.
fn costs(plan: CallPlan, answered: bool) -> (f64, Value) {
    if !answered {
        return (0.0, json!([]));
    }
    let minutes = plan.talk_ms as f64 / 60_000.0;
    let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
    let parts = [
        ("transport", 0.01 * minutes),
        ("transcriber", 0.01 * minutes),
        ("model", 0.02 * minutes),
        ("voice", 0.03 * minutes),
        ("vapi", 0.03 * minutes),
        ("analysis", 0.001),
    ];
    let total = round(parts.iter().map(|(_, c)| c).sum());
    let list: Vec<Value> = parts
        .iter()
        .map(|(kind, cost)| json!({"type": kind, "cost": round(*cost)}))
        .collect();
    (total, Value::Array(list))
}

/// The call as a webhook shows it; the legacy shape moves our metadata to `call.metadata`.
fn webhook_call(call: &Value, legacy: bool) -> Value {
    let mut call = call.clone();
    if legacy
        && let Some(metadata) = call
            .get_mut("assistantOverrides")
            .and_then(Value::as_object_mut)
            .and_then(|o| o.remove("metadata"))
    {
        call["metadata"] = metadata;
    }
    call
}

fn envelope(message: Value) -> Value {
    json!({ "message": message })
}

fn status_update(call: &Value, status: &str, reason: Option<&str>, legacy: bool) -> Value {
    let mut message = json!({
        "type": "status-update",
        "status": status,
        "timestamp": Utc::now().timestamp_millis(),
        "call": webhook_call(call, legacy),
        "customer": call.get("customer").cloned().unwrap_or(Value::Null),
        "phoneNumber": {"id": call.get("phoneNumberId").cloned().unwrap_or(Value::Null)},
    });
    if let Some(reason) = reason {
        message["endedReason"] = json!(reason);
    }
    envelope(message)
}

/// How a customer who asks not to be called again shows in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptOut {
    /// The analysis flags it (`structuredData.optOut`), and they say it.
    Flagged,
    /// They only say it.
    Spoken,
}

fn end_of_call_report(
    call: &Value,
    reason: &str,
    plan: CallPlan,
    answered: bool,
    legacy: bool,
    opt_out: Option<OptOut>,
) -> Value {
    let id = str_at(call, &["id"]).unwrap_or_default();
    let started_at = call.get("startedAt").cloned().unwrap_or(Value::Null);
    let ended_at = call.get("endedAt").cloned().unwrap_or(Value::Null);
    let duration = match (
        started_at
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok()),
        ended_at
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok()),
    ) {
        (Some(s), Some(e)) => (e - s).num_milliseconds() as f64 / 1000.0,
        _ => 0.0,
    };
    let (cost, cost_list) = costs(plan, answered);
    let conversation = answered && plan.outcome == Outcome::Answered;
    let name = str_at(call, &["customer", "name"]).unwrap_or("there");
    let (transcript, messages) = if conversation {
        let lines = [
            (
                "bot",
                format!("Hi {name}, this is Alex calling. Do you have a minute?"),
            ),
            ("user", "Sure, what is it about?".to_owned()),
            (
                "bot",
                "We would like to tell you about our new service.".to_owned(),
            ),
            (
                "user",
                if opt_out.is_some() {
                    "Please take me off your list."
                } else if plan.success {
                    "Sounds good, send me the details."
                } else {
                    "No thanks, not interested."
                }
                .to_owned(),
            ),
        ];
        let transcript = lines
            .iter()
            .map(|(role, text)| format!("{}: {text}", if *role == "bot" { "AI" } else { "User" }))
            .collect::<Vec<_>>()
            .join("\n");
        let start = Utc::now().timestamp_millis() - duration as i64 * 1000;
        let messages: Vec<Value> = lines
            .iter()
            .enumerate()
            .map(|(i, (role, text))| {
                json!({"role": role, "message": text, "time": start + i as i64 * 1000,
                       "endTime": start + i as i64 * 1000 + 800, "secondsFromStart": i})
            })
            .collect();
        (transcript, messages)
    } else if plan.outcome == Outcome::Voicemail && answered {
        (
            format!("AI: Hi {name}, this is Alex. Please call us back."),
            vec![
                json!({"role": "bot", "message": "Hi, please call us back.", "time": Utc::now().timestamp_millis(), "secondsFromStart": 0}),
            ],
        )
    } else {
        (String::new(), Vec::new())
    };
    let recording = answered.then(|| format!("https://storage.simulator.invalid/{id}-mono.wav"));
    let (summary, evaluation) = if conversation {
        (
            Some(if plan.success {
                "The customer was interested and asked for details."
            } else {
                "The customer declined."
            }),
            Some(if plan.success { "true" } else { "false" }),
        )
    } else {
        (None, None)
    };

    let mut message = json!({
        "type": "end-of-call-report",
        "endedReason": reason,
        "timestamp": Utc::now().timestamp_millis(),
        "call": webhook_call(call, legacy),
        "customer": call.get("customer").cloned().unwrap_or(Value::Null),
        "phoneNumber": {"id": call.get("phoneNumberId").cloned().unwrap_or(Value::Null)},
        "startedAt": started_at,
        "endedAt": ended_at,
        "cost": cost,
        "costs": cost_list,
    });
    if legacy {
        message["artifact"] = json!({});
        message["analysis"] = json!({});
        message["transcript"] = json!(transcript);
        message["messages"] = json!(messages);
        message["durationSeconds"] = json!(duration);
        if let Some(url) = recording {
            message["recordingUrl"] = json!(url);
        }
        if let Some(s) = summary {
            message["summary"] = json!(s);
        }
    } else {
        message["durationSeconds"] = json!(duration);
        let mut artifact = json!({"transcript": transcript, "messages": messages});
        if let Some(url) = recording {
            artifact["recordingUrl"] = json!(url);
        }
        message["artifact"] = artifact;
        let mut analysis = json!({});
        if let (Some(s), Some(e)) = (summary, evaluation) {
            analysis = json!({"summary": s, "successEvaluation": e});
        }
        if conversation && opt_out == Some(OptOut::Flagged) {
            analysis["structuredData"] = json!({"optOut": true});
        }
        message["analysis"] = analysis;
    }
    envelope(message)
}

/// Forgets every call and counter; running call and delivery tasks are aborted.
pub(crate) fn reset(shared: &Shared) {
    shared.abort_tasks();
    let mut state = shared.state();
    state.calls.clear();
    state.stats = SimStats::default();
    state.rng = Rng64::new(shared.seed ^ 0x5EED_FA17);
    state.next_seq = 0;
    state.delivered.clear();
    state.timeline.clear();
}

//! A call's life as pure rules: what was learned about a call ([`CallUpdate`]), why autolynx
//! ends a call itself ([`EndRequest`]), and the one transition function [`plan`] that every
//! source of news (webhooks, `GET /call`, the runtime's own decisions) goes through. Statuses
//! only move forward — QUEUED → RINGING → IN_PROGRESS → one terminal status — and a terminal
//! call can still be enriched (cost, transcript, recording, analysis). The store only writes
//! what `plan` decided, conditional on the status it read.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::domain::campaign::{CallStatus, is_success};
use crate::domain::ended_reason::{EndedReasonClass, classify, is_concurrency_blocked};
use crate::provider::ProviderCall;
use crate::provider::webhook::{EndOfCallReport, WebhookEvent, WebhookMessage};

/// What was learned about a call. Every field is optional: apply what is there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallUpdate {
    pub status: Option<CallStatus>,
    pub ended_reason: Option<String>,
    /// Our own explanation, for failures decided here (dial errors, timeouts).
    pub error_message: Option<String>,
    /// The outcome class, when decided here rather than read from `ended_reason`.
    pub outcome: Option<EndedReasonClass>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub recording_url: Option<String>,
    pub transcript: Option<Value>,
    pub summary: Option<String>,
    pub success_evaluation: Option<String>,
    /// When this update makes the call terminal, its contact goes back to PENDING and the
    /// attempt is not counted (the dial never reached the provider).
    pub requeue_contact: bool,
    /// The person asked not to be called again (see [`opt_out_in`]): why we think so. The
    /// number goes on the do-not-call list with the update.
    pub opt_out: Option<String>,
}

/// Whether an end-of-call report says the person asked not to be called again: the analysis'
/// `structuredData.optOut` is `true`, or one of `phrases` (case-insensitive) is in the summary
/// or the transcript. The answer is the reason recorded with the number.
pub fn opt_out_in(report: &EndOfCallReport, phrases: &[String]) -> Option<String> {
    let flagged = report
        .structured_data
        .as_ref()
        .and_then(|d| d.get("optOut"))
        .is_some_and(|v| v.as_bool() == Some(true));
    if flagged {
        return Some("opt-out: the call's analysis (structuredData.optOut)".to_owned());
    }
    let texts: Vec<String> = [report.summary.as_deref(), report.transcript.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect();
    phrases
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .find(|phrase| {
            let phrase = phrase.to_lowercase();
            texts.iter().any(|text| text.contains(&phrase))
        })
        .map(|phrase| format!("opt-out: said \"{phrase}\" on the call"))
}

/// The one place news from Vapi becomes a [`CallUpdate`].
impl CallUpdate {
    /// What a provider's view of a call (`GET /call/{id}`, a listed call, a dial's answer)
    /// means for our record of it.
    pub fn from_provider_call(call: &ProviderCall) -> Self {
        Self {
            status: CallStatus::from_provider(&call.status),
            ended_reason: call.ended_reason.clone(),
            started_at: call.started_at,
            ended_at: call.ended_at,
            cost: call.cost.filter(|c| *c > 0.0 || call.is_ended()),
            ..Self::default()
        }
    }

    /// What a webhook message says about the call; `None` for types that change nothing.
    pub fn from_message(message: &WebhookMessage) -> Option<Self> {
        match &message.event {
            WebhookEvent::StatusUpdate {
                status,
                ended_reason,
            } => Some(Self {
                status: CallStatus::from_provider(status),
                ended_reason: ended_reason.clone(),
                ended_at: (status == "ended").then_some(message.timestamp).flatten(),
                ..Self::default()
            }),
            WebhookEvent::EndOfCallReport(report) => Some(Self {
                // The report comes after the call ended.
                status: Some(CallStatus::Ended),
                ended_reason: report.ended_reason.clone(),
                started_at: report.started_at,
                ended_at: report.ended_at,
                cost: report.cost,
                duration_seconds: report.duration_seconds,
                recording_url: report.recording_url.clone(),
                transcript: match (&report.transcript, &report.messages) {
                    (None, None) => None,
                    (transcript, messages) => Some(serde_json::json!({
                        "transcript": transcript,
                        "messages": messages,
                    })),
                },
                summary: report.summary.clone(),
                success_evaluation: report.success_evaluation.clone(),
                ..Self::default()
            }),
            WebhookEvent::Ignored { .. } => None,
        }
    }

    /// Drops what switched-off features must not keep: transcripts and messages, costs.
    pub fn scrub(&mut self, keep_transcripts: bool, keep_costs: bool) {
        if !keep_transcripts {
            self.transcript = None;
        }
        if !keep_costs {
            self.cost = None;
        }
    }

    /// The update makes the call terminal, if it applies.
    pub fn ends(&self) -> bool {
        self.status.is_some_and(CallStatus::is_terminal)
    }
}

/// Removes from a stored webhook payload what switched-off features must not keep: the
/// transcript and messages (`artifact.*`, the legacy top-level copies), and costs (`cost`,
/// `costs`, `costBreakdown`, `call.cost`, `call.costs`).
pub fn scrub_payload(payload: &mut Value, keep_transcripts: bool, keep_costs: bool) {
    const TRANSCRIPTS: &[&str] = &["transcript", "messages", "messagesOpenAIFormatted"];
    const COSTS: &[&str] = &["cost", "costs", "costBreakdown"];
    let Some(message) = payload.get_mut("message").and_then(Value::as_object_mut) else {
        return;
    };
    let drop_from = |object: &mut serde_json::Map<String, Value>| {
        if !keep_transcripts {
            for key in TRANSCRIPTS {
                object.remove(*key);
            }
        }
        if !keep_costs {
            for key in COSTS {
                object.remove(*key);
            }
        }
    };
    drop_from(message);
    for nested in ["artifact", "call"] {
        if let Some(object) = message.get_mut(nested).and_then(Value::as_object_mut) {
            drop_from(object);
        }
    }
}

/// Why autolynx is ending a call itself; the call's end is then recorded as CANCELED or
/// TIMEOUT rather than ENDED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndRequest {
    /// An operator hung it up (a stop with `hangup`).
    Cancel,
    /// It was stuck (still live past the stuck timeout).
    Timeout,
}

impl EndRequest {
    pub fn as_str(self) -> &'static str {
        match self {
            EndRequest::Cancel => "cancel",
            EndRequest::Timeout => "timeout",
        }
    }

    /// The stored value; `None` for anything else.
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "cancel" => Some(EndRequest::Cancel),
            "timeout" => Some(EndRequest::Timeout),
            _ => None,
        }
    }

    /// The terminal status a call ended this way gets.
    pub fn status(self) -> CallStatus {
        match self {
            EndRequest::Cancel => CallStatus::Canceled,
            EndRequest::Timeout => CallStatus::Timeout,
        }
    }
}

/// What the rules need to know about a call as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFacts {
    pub status: CallStatus,
    pub ended_reason: Option<String>,
    pub outcome: Option<EndedReasonClass>,
    pub end_requested: Option<EndRequest>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// What applying an update changes; `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transition {
    /// The new status, when it moves (always forward).
    pub status: Option<CallStatus>,
    pub outcome: Option<EndedReasonClass>,
    pub ended_reason: Option<String>,
    pub error_message: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub recording_url: Option<String>,
    pub transcript: Option<Value>,
    pub summary: Option<String>,
    pub success_evaluation: Option<String>,
    pub successful: Option<bool>,
    /// The call becomes terminal and its contact goes back to waiting without using the
    /// attempt (a concurrency-blocked end, or a dial that never left).
    pub requeue_contact: bool,
}

impl Transition {
    /// This transition makes the call terminal.
    pub fn ends(&self) -> bool {
        self.status.is_some_and(CallStatus::is_terminal)
    }
}

/// The one transition function: what `update` does to a call in `current` at `now`. Late or
/// reordered news never moves a call backwards; the first ended reason and outcome stick.
pub fn plan(current: &CallFacts, update: &CallUpdate, now: DateTime<Utc>) -> Transition {
    let status = current.status;
    let reason = update
        .ended_reason
        .clone()
        .or_else(|| current.ended_reason.clone());
    let blocked = reason.as_deref().is_some_and(is_concurrency_blocked);
    let requested = update.status.map(|s| match s {
        CallStatus::Ended if blocked => CallStatus::Failed,
        CallStatus::Ended => current
            .end_requested
            .map_or(CallStatus::Ended, EndRequest::status),
        other => other,
    });
    let new_status = requested.and_then(|r| status.advance(r));
    let mut t = Transition {
        status: new_status,
        ..Transition::default()
    };
    if let Some(new) = new_status {
        if new >= CallStatus::InProgress && current.started_at.is_none() {
            t.started_at = Some(update.started_at.unwrap_or(now));
        }
        if new.is_terminal() {
            t.ended_at = Some(update.ended_at.or(current.ended_at).unwrap_or(now));
            t.outcome = Some(
                update
                    .outcome
                    .or_else(|| reason.as_deref().map(classify))
                    .unwrap_or(match new {
                        CallStatus::Ended | CallStatus::Canceled => EndedReasonClass::Unknown,
                        _ => EndedReasonClass::RetryableError,
                    }),
            );
        }
    } else if status.is_terminal()
        && current.outcome.is_none()
        && let Some(reason) = &update.ended_reason
    {
        t.outcome = Some(classify(reason));
    }
    if current.ended_reason.is_none() {
        t.ended_reason.clone_from(&update.ended_reason);
    }
    t.error_message.clone_from(&update.error_message);
    if current.started_at.is_none() && update.started_at.is_some() {
        t.started_at = update.started_at;
    }
    if update.ended_at.is_some() && (status.is_terminal() || t.ends()) {
        t.ended_at = update.ended_at;
    }
    t.cost = update.cost;
    t.duration_seconds = update.duration_seconds.or_else(|| {
        let started = update.started_at.or(current.started_at)?;
        let ended = update.ended_at?;
        Some(Ord::max((ended - started).num_milliseconds(), 0) as f64 / 1000.0)
    });
    t.recording_url.clone_from(&update.recording_url);
    t.transcript.clone_from(&update.transcript);
    t.summary.clone_from(&update.summary);
    if let Some(evaluation) = &update.success_evaluation {
        t.success_evaluation = Some(evaluation.clone());
        t.successful = Some(is_success(evaluation));
    }
    t.requeue_contact =
        (blocked && new_status == Some(CallStatus::Failed)) || (update.requeue_contact && t.ends());
    t
}

/// What becomes of a contact left DIALING by a crash, given its latest call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Its call is still live: its tracker settles it.
    Leave,
    /// No call reached the provider for this attempt: it waits again (or is given back as not
    /// attempted once the campaign is over) and the attempt is not counted.
    GiveBack,
    /// Its call ended: DONE with the call's outcome.
    Done(Option<String>),
}

/// The repair rule for a DIALING contact on `attempts` attempts whose latest call is
/// `latest`: (its attempt number, status, ended reason, stored outcome).
pub fn repair(
    attempts: i32,
    latest: Option<(i32, CallStatus, Option<&str>, Option<&str>)>,
) -> Repair {
    match latest {
        Some((attempt, status, reason, outcome)) if attempt == attempts => {
            if !status.is_terminal() {
                Repair::Leave
            } else if status == CallStatus::Failed && reason.is_some_and(is_concurrency_blocked) {
                Repair::GiveBack
            } else {
                Repair::Done(outcome.map(str::to_owned))
            }
        }
        _ => Repair::GiveBack,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_opt_out_is_read_from_the_analysis_or_a_phrase() {
        let phrases = vec!["take me off your list".to_owned(), "  ".to_owned()];
        let report = |summary: Option<&str>, transcript: Option<&str>, data: Option<Value>| {
            EndOfCallReport {
                ended_reason: Some("customer-ended-call".into()),
                cost: None,
                duration_seconds: None,
                started_at: None,
                ended_at: None,
                transcript: transcript.map(str::to_owned),
                messages: None,
                recording_url: None,
                summary: summary.map(str::to_owned),
                success_evaluation: None,
                structured_data: data,
            }
        };
        let flagged = report(None, None, Some(serde_json::json!({"optOut": true})));
        assert!(
            opt_out_in(&flagged, &phrases)
                .unwrap()
                .contains("structuredData")
        );
        let not_flagged = report(None, None, Some(serde_json::json!({"optOut": "yes"})));
        assert_eq!(opt_out_in(&not_flagged, &phrases), None);
        let said = report(
            None,
            Some("AI: Hello\nUser: Please TAKE ME OFF YOUR LIST."),
            None,
        );
        assert!(
            opt_out_in(&said, &phrases)
                .unwrap()
                .contains("take me off your list")
        );
        let summarised = report(Some("They asked us to take me off your list."), None, None);
        assert!(opt_out_in(&summarised, &phrases).is_some());
        let interested = report(
            Some("The customer was interested."),
            Some("User: sure"),
            None,
        );
        assert_eq!(opt_out_in(&interested, &phrases), None);
        // An empty phrase never matches everything.
        assert_eq!(opt_out_in(&interested, &["".to_owned()]), None);
    }

    use super::*;
    use crate::domain::ended_reason::CONCURRENCY_LIMIT_REACHED;

    const ALL: [CallStatus; 7] = [
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Ended,
        CallStatus::Failed,
        CallStatus::Canceled,
        CallStatus::Timeout,
    ];

    fn facts(status: CallStatus) -> CallFacts {
        CallFacts {
            status,
            ended_reason: None,
            outcome: None,
            end_requested: None,
            started_at: None,
            ended_at: None,
        }
    }

    fn to(status: CallStatus) -> CallUpdate {
        CallUpdate {
            status: Some(status),
            ..CallUpdate::default()
        }
    }

    fn rank(s: CallStatus) -> u8 {
        match s {
            CallStatus::Queued => 0,
            CallStatus::Ringing => 1,
            CallStatus::InProgress => 2,
            _ => 3,
        }
    }

    /// Every (state, message) pair: a live call moves only forward, a terminal one never moves.
    #[test]
    fn every_state_and_message() {
        let now = Utc::now();
        for from in ALL {
            for message in ALL {
                let t = plan(&facts(from), &to(message), now);
                let expected = (rank(message) > rank(from)).then_some(message);
                assert_eq!(t.status, expected, "{from} + {message}");
                if let Some(new) = t.status {
                    assert_eq!(new.is_terminal(), t.outcome.is_some(), "{from} + {message}");
                    assert_eq!(
                        new.is_terminal(),
                        t.ended_at.is_some(),
                        "{from} + {message}"
                    );
                    if new >= CallStatus::InProgress {
                        assert!(t.started_at.is_some(), "{from} + {message}");
                    }
                }
            }
            // News without a status changes none.
            assert_eq!(plan(&facts(from), &CallUpdate::default(), now).status, None);
        }
    }

    #[test]
    fn an_end_autolynx_asked_for_is_recorded_as_such() {
        for (request, status) in [
            (EndRequest::Cancel, CallStatus::Canceled),
            (EndRequest::Timeout, CallStatus::Timeout),
        ] {
            let mut c = facts(CallStatus::InProgress);
            c.end_requested = Some(request);
            assert_eq!(
                plan(&c, &to(CallStatus::Ended), Utc::now()).status,
                Some(status)
            );
            assert_eq!(EndRequest::parse(request.as_str()), Some(request));
        }
        assert_eq!(EndRequest::parse("other"), None);
    }

    #[test]
    fn a_concurrency_blocked_end_fails_the_call_and_gives_the_contact_back() {
        let u = CallUpdate {
            status: Some(CallStatus::Ended),
            ended_reason: Some(CONCURRENCY_LIMIT_REACHED.into()),
            ..CallUpdate::default()
        };
        let t = plan(&facts(CallStatus::Queued), &u, Utc::now());
        assert_eq!(t.status, Some(CallStatus::Failed));
        assert!(t.requeue_contact);
    }

    #[test]
    fn a_dial_that_never_left_gives_its_contact_back_only_when_it_ends() {
        let u = CallUpdate {
            status: Some(CallStatus::Canceled),
            requeue_contact: true,
            ..CallUpdate::default()
        };
        assert!(plan(&facts(CallStatus::Queued), &u, Utc::now()).requeue_contact);
        assert!(!plan(&facts(CallStatus::Ended), &u, Utc::now()).requeue_contact);
    }

    #[test]
    fn terminal_calls_are_still_enriched() {
        let u = CallUpdate {
            status: Some(CallStatus::Ended),
            cost: Some(0.42),
            summary: Some("ok".into()),
            success_evaluation: Some("true".into()),
            ended_reason: Some("customer-ended-call".into()),
            ..CallUpdate::default()
        };
        let t = plan(&facts(CallStatus::Ended), &u, Utc::now());
        assert_eq!(t.status, None);
        assert_eq!(t.cost, Some(0.42));
        assert_eq!(t.successful, Some(true));
        assert_eq!(t.ended_reason.as_deref(), Some("customer-ended-call"));
        assert_eq!(t.outcome, Some(EndedReasonClass::Answered));
    }

    #[test]
    fn the_repair_rule() {
        use CallStatus::*;
        assert_eq!(repair(1, None), Repair::GiveBack);
        assert_eq!(repair(2, Some((1, Ended, None, None))), Repair::GiveBack);
        assert_eq!(repair(1, Some((1, Ringing, None, None))), Repair::Leave);
        assert_eq!(
            repair(1, Some((1, Ended, Some("customer-busy"), Some("busy")))),
            Repair::Done(Some("busy".into()))
        );
        assert_eq!(
            repair(1, Some((1, Failed, Some(CONCURRENCY_LIMIT_REACHED), None))),
            Repair::GiveBack
        );
    }

    mod shuffled {
        use super::*;
        use proptest::prelude::*;

        /// A call as it evolves under the rules (what the store would hold).
        #[derive(Debug, Clone, PartialEq)]
        struct Held {
            facts: CallFacts,
            cost: Option<f64>,
            summary: Option<String>,
            successful: Option<bool>,
        }

        fn apply(held: &mut Held, t: &Transition) {
            if let Some(s) = t.status {
                held.facts.status = s;
            }
            if t.outcome.is_some() {
                held.facts.outcome = t.outcome;
            }
            if t.ended_reason.is_some() {
                held.facts.ended_reason.clone_from(&t.ended_reason);
            }
            if t.started_at.is_some() {
                held.facts.started_at = t.started_at;
            }
            if t.ended_at.is_some() {
                held.facts.ended_at = t.ended_at;
            }
            if t.cost.is_some() {
                held.cost = t.cost;
            }
            if t.summary.is_some() {
                held.summary.clone_from(&t.summary);
            }
            if t.successful.is_some() {
                held.successful = t.successful;
            }
        }

        /// The messages of one call, in the order the provider sends them.
        fn life(reason: &str, answered: bool) -> Vec<CallUpdate> {
            let at = |s| DateTime::<Utc>::from_timestamp(s, 0);
            let mut messages = vec![to(CallStatus::Queued), to(CallStatus::Ringing)];
            if answered {
                messages.push(CallUpdate {
                    status: Some(CallStatus::InProgress),
                    started_at: at(1_000),
                    ..CallUpdate::default()
                });
            }
            messages.push(CallUpdate {
                status: Some(CallStatus::Ended),
                ended_reason: Some(reason.to_owned()),
                ended_at: at(1_060),
                ..CallUpdate::default()
            });
            messages.push(CallUpdate {
                status: Some(CallStatus::Ended),
                ended_reason: Some(reason.to_owned()),
                started_at: answered.then(|| at(1_000)).flatten(),
                ended_at: at(1_060),
                cost: Some(if answered { 0.1 } else { 0.0 }),
                summary: answered.then(|| "talked".to_owned()),
                success_evaluation: answered.then(|| "true".to_owned()),
                ..CallUpdate::default()
            });
            messages
        }

        fn run(messages: &[CallUpdate], now: DateTime<Utc>) -> (Held, Vec<CallStatus>) {
            let mut held = Held {
                facts: facts(CallStatus::Queued),
                cost: None,
                summary: None,
                successful: None,
            };
            let mut seen = vec![held.facts.status];
            for m in messages {
                let t = plan(&held.facts, m, now);
                apply(&mut held, &t);
                seen.push(held.facts.status);
            }
            (held, seen)
        }

        const CASES: [(&str, bool); 4] = [
            ("customer-ended-call", true),
            ("customer-did-not-answer", false),
            ("customer-busy", false),
            ("pipeline-error-openai-llm-failed", true),
        ];

        /// One call's messages (each at least once — a lost one is the silence check's job),
        /// some duplicated, in any order.
        fn scenario() -> impl Strategy<Value = (usize, Vec<CallUpdate>)> {
            (
                0usize..CASES.len(),
                proptest::collection::vec(0usize..5, 0..12),
            )
                .prop_flat_map(|(case, extra)| {
                    let (reason, answered) = CASES[case];
                    let messages = life(reason, answered);
                    let mut all = messages.clone();
                    all.extend(extra.iter().map(|i| messages[i % messages.len()].clone()));
                    (Just(case), Just(all).prop_shuffle())
                })
        }

        proptest! {
            /// Any shuffle and duplication of a call's messages ends where the ordered sequence
            /// ends, and the status never moves backwards on the way.
            #[test]
            fn any_order_ends_the_same_and_never_moves_back((case, shuffled) in scenario()) {
                let (reason, answered) = CASES[case];
                let now = DateTime::<Utc>::from_timestamp(2_000, 0).unwrap();
                let (expected, _) = run(&life(reason, answered), now);
                let (held, seen) = run(&shuffled, now);
                prop_assert_eq!(held.facts.status, expected.facts.status);
                prop_assert_eq!(&held.facts.ended_reason, &expected.facts.ended_reason);
                prop_assert_eq!(held.facts.outcome, expected.facts.outcome);
                prop_assert_eq!(held.cost, expected.cost);
                prop_assert_eq!(&held.summary, &expected.summary);
                prop_assert_eq!(held.successful, expected.successful);
                prop_assert_eq!(held.facts.ended_at, expected.facts.ended_at);
                for pair in seen.windows(2) {
                    prop_assert!(rank(pair[1]) >= rank(pair[0]), "moved back: {:?}", seen);
                }
            }
        }
    }
}

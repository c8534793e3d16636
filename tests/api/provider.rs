//! The Vapi client against the in-process Vapi simulator: every error class, the call and
//! assistant endpoints, signed webhooks in life-cycle order, the oracle's counters and the
//! determinism of outcomes.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::domain::ended_reason::{self, EndedReasonClass};
use autolynx::provider::simulator::{
    ConcurrencyBehavior, Faults, MsRange, OutcomeMix, SimStats, Simulator, SimulatorConfig,
};
use autolynx::provider::vapi::{Timeouts, VapiClient};
use autolynx::provider::verify::{VerifyError, WebhookVerifier};
use autolynx::provider::webhook::{WebhookEvent, WebhookMessage};
use autolynx::provider::{CreateCall, Provider, ProviderCall, ProviderError};
use chrono::Utc;
use poem::http::{HeaderMap, StatusCode};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{EndpointExt, Route, handler, post};
use serde_json::json;
use uuid::Uuid;

const PHONE: &str = "pn-test";

fn timeouts(request_ms: u64) -> Timeouts {
    Timeouts {
        connect: Duration::from_millis(500),
        request: Duration::from_millis(request_ms),
    }
}

fn client(sim: &Simulator) -> VapiClient {
    VapiClient::with(sim.base_url(), sim.api_key(), timeouts(2_000)).unwrap()
}

fn dial(number: &str) -> CreateCall {
    CreateCall {
        call_id: Uuid::new_v4(),
        campaign_id: Uuid::new_v4(),
        assistant_id: "asst-1".into(),
        phone_number_id: PHONE.into(),
        customer_number: number.into(),
        customer_name: Some("Ada".into()),
        variable_values: BTreeMap::from([("business_name".into(), "Acme".into())]),
    }
}

/// Calls that stay live long enough for a test to act on them.
fn slow_calls() -> SimulatorConfig {
    let mut config = SimulatorConfig::fast();
    config.timings.call_ms = MsRange::new(600, 700);
    config.outcomes = OutcomeMix::all_answered();
    config
}

async fn http_stats(sim: &Simulator) -> SimStats {
    reqwest::get(format!("{}/_sim/stats", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn wait_ended(client: &VapiClient, id: &str) -> ProviderCall {
    for _ in 0..200 {
        let call = client.get_call(id).await.unwrap();
        if call.is_ended() {
            return call;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("call {id} did not end");
}

#[tokio::test]
async fn provider_errors_are_classified_from_real_answers() {
    let sim = Simulator::start(SimulatorConfig::fast()).await.unwrap();
    let good = client(&sim);

    let wrong = VapiClient::with(sim.base_url(), "not-the-key", timeouts(2_000)).unwrap();
    assert_eq!(
        wrong.get_call("x").await.unwrap_err(),
        ProviderError::Unauthorized
    );
    assert_eq!(
        good.get_call("no-such-call").await.unwrap_err(),
        ProviderError::NotFound
    );
    assert!(matches!(
        good.create_call(&dial("4155550100")).await.unwrap_err(),
        ProviderError::InvalidNumber { .. }
    ));

    sim.set_faults(Faults {
        rate_limit_rate: 1.0,
        retry_after_secs: 3,
        ..Faults::default()
    });
    assert_eq!(
        good.create_call(&dial("+14155550101")).await.unwrap_err(),
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(3))
        }
    );

    sim.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    for _ in 0..4 {
        let err = good.create_call(&dial("+14155550102")).await.unwrap_err();
        // A 5xx may come from a gateway while the call is still created: ambiguous.
        assert!(matches!(err, ProviderError::Ambiguous { .. }), "{err:?}");
        assert!(err.is_retryable());
    }

    sim.set_faults(Faults {
        timeout_rate: 1.0,
        timeout_ms: 3_000,
        ..Faults::default()
    });
    let impatient = VapiClient::with(sim.base_url(), sim.api_key(), timeouts(200)).unwrap();
    let err = impatient.get_call("x").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Ambiguous { message } if message.contains("timed out")),
        "{err:?}"
    );

    // Nothing above created a call.
    let stats = sim.stats();
    assert_eq!(stats.calls_created, 0);
    assert!(stats.dials_by_customer.is_empty());
    assert_eq!(stats.rate_limited, 1);
    assert_eq!(stats.server_errors, 4);

    // Nobody listens on a closed port: the request never left, so it is merely transient.
    let addr = sim.addr();
    sim.shutdown().await;
    let gone = VapiClient::with(&format!("http://{addr}"), "k", timeouts(500)).unwrap();
    assert!(matches!(
        gone.get_call("x").await.unwrap_err(),
        ProviderError::Transient { .. }
    ));
}

#[tokio::test]
async fn provider_oracle_counts_a_400_concurrency_rejection_exactly() {
    let mut config = slow_calls();
    config.concurrency_limit = 2;
    let sim = Simulator::start(config).await.unwrap();
    let c = client(&sim);
    let (a, b, d) = (
        dial("+14155550111"),
        dial("+14155550112"),
        dial("+14155550113"),
    );
    let results = tokio::join!(c.create_call(&a), c.create_call(&b), c.create_call(&d));
    let results = [results.0, results.1, results.2];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        matches!(
            refused[..],
            [ProviderError::ConcurrencyLimited {
                provider_call_id: None,
                ..
            }]
        ),
        "{refused:?}"
    );

    let stats = http_stats(&sim).await;
    assert_eq!(stats.calls_created, 2);
    assert_eq!(stats.active_calls, 2);
    assert_eq!(stats.max_active_account, 2);
    assert_eq!(
        stats.max_active_by_phone_number,
        BTreeMap::from([(PHONE.into(), 2)])
    );
    assert_eq!(stats.calls_rejected_over_limit, 1);
    assert_eq!(stats.dials_by_customer.values().sum::<u32>(), 2);
    assert!(stats.dials_by_customer.values().all(|n| *n == 1));

    // POST /_sim/reset clears the oracle.
    let reset = reqwest::Client::new()
        .post(format!("{}/_sim/reset", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success());
    assert_eq!(http_stats(&sim).await, SimStats::default());
}

#[tokio::test]
async fn provider_blocked_201_is_concurrency_limited_and_ends_with_the_concurrency_reason() {
    let mut config = slow_calls();
    config.concurrency_limit = 2;
    config.concurrency_behavior = ConcurrencyBehavior::Blocked201;
    let sim = Simulator::start(config).await.unwrap();
    let c = client(&sim);
    let (a, b, d) = (
        dial("+14155550121"),
        dial("+14155550122"),
        dial("+14155550123"),
    );
    let results = tokio::join!(c.create_call(&a), c.create_call(&b), c.create_call(&d));
    let results = [results.0, results.1, results.2];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    let blocked_id = results
        .iter()
        .find_map(|r| match r {
            Err(ProviderError::ConcurrencyLimited {
                provider_call_id: Some(id),
                ..
            }) => Some(id.clone()),
            _ => None,
        })
        .expect("one dial is blocked with its call id");

    // The blocked call exists and counts as live until its quick end.
    let stats = sim.stats();
    assert_eq!(stats.calls_created, 3);
    assert_eq!(stats.max_active_account, 3);
    assert_eq!(stats.calls_blocked, 1);
    assert_eq!(stats.dials_by_customer.len(), 3);

    let ended = wait_ended(&c, &blocked_id).await;
    let reason = ended.ended_reason.unwrap();
    assert!(ended_reason::is_concurrency_blocked(&reason), "{reason}");
    assert_eq!(
        ended_reason::classify(&reason),
        EndedReasonClass::RetryableError
    );
    assert_eq!(sim.stats().active_calls, 2);
}

#[tokio::test]
async fn provider_create_get_list_and_end_a_call() {
    let mut config = SimulatorConfig::fast();
    config.timings.call_ms = MsRange::new(5_000, 5_000);
    config.outcomes = OutcomeMix::all_answered();
    let sim = Simulator::start(config).await.unwrap();
    let c = client(&sim);
    let since = Utc::now() - chrono::Duration::seconds(1);
    let request = dial("+14155550131");
    let created = c.create_call(&request).await.unwrap();
    assert_eq!(created.status, "queued");
    assert_eq!(created.our_call_id, Some(request.call_id));
    assert_eq!(created.phone_number_id.as_deref(), Some(PHONE));
    assert_eq!(created.customer_number.as_deref(), Some("+14155550131"));
    assert!(created.created_at.is_some());
    let control = created.control_url.clone().unwrap();
    assert!(control.starts_with(sim.base_url()), "{control}");
    assert!(created.raw.get("metadata").is_none());

    let fetched = c.get_call(&created.id).await.unwrap();
    assert_eq!(fetched.id, created.id);
    assert_eq!(fetched.our_call_id, Some(request.call_id));

    let listed = c.list_calls(PHONE, since).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].our_call_id, Some(request.call_id));
    assert!(c.list_calls("other-line", since).await.unwrap().is_empty());
    let later = Utc::now() + chrono::Duration::seconds(5);
    assert!(c.list_calls(PHONE, later).await.unwrap().is_empty());

    // Let it be answered, then hang up through the control URL.
    for _ in 0..100 {
        if c.get_call(&created.id).await.unwrap().status == "in-progress" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    c.end_call(&created).await.unwrap();
    let ended = wait_ended(&c, &created.id).await;
    assert_eq!(ended.ended_reason.as_deref(), Some("assistant-ended-call"));
    assert!(ended.ended_at.is_some());
    assert_eq!(sim.stats().active_calls, 0);
    // Ending an ended call is harmless.
    c.end_call(&ended).await.unwrap();
}

#[tokio::test]
async fn provider_assistants_round_trip_and_phone_number() {
    let sim = Simulator::start(SimulatorConfig::fast()).await.unwrap();
    let c = client(&sim);
    let created = c
        .create_assistant(&json!({"name": "Sales", "firstMessage": "Hi {{name}}"}))
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("Sales"));
    let fetched = c.get_assistant(&created.id).await.unwrap();
    assert_eq!(fetched.raw["firstMessage"], "Hi {{name}}");
    let updated = c
        .update_assistant(&created.id, &json!({"name": "Sales v2"}))
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Sales v2"));
    assert_eq!(updated.raw["firstMessage"], "Hi {{name}}");
    c.delete_assistant(&created.id).await.unwrap();
    assert_eq!(
        c.get_assistant(&created.id).await.unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(
        c.update_assistant("missing", &json!({})).await.unwrap_err(),
        ProviderError::NotFound
    );

    let line = c.get_phone_number("pn-42").await.unwrap();
    assert_eq!(line.id, "pn-42");
    assert_eq!(line.status.as_deref(), Some("active"));
    assert!(line.number.unwrap().starts_with('+'));
}

/// Every request the receiver got: headers, raw body, the status it answered.
type Deliveries = Arc<Mutex<Vec<(HeaderMap, Vec<u8>, u16)>>>;

/// A webhook receiver: records every delivery; answers 500 to the first `fail_first`.
struct Receiver {
    url: String,
    deliveries: Deliveries,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

#[derive(Clone)]
struct ReceiverState {
    deliveries: Deliveries,
    seen: Arc<AtomicUsize>,
    fail_first: usize,
}

#[handler]
fn receive(state: Data<&ReceiverState>, headers: &HeaderMap, body: Vec<u8>) -> StatusCode {
    let n = state.seen.fetch_add(1, Ordering::SeqCst);
    let status = if n < state.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    state
        .deliveries
        .lock()
        .unwrap()
        .push((headers.clone(), body, status.as_u16()));
    status
}

async fn receiver(fail_first: usize) -> Receiver {
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = *acceptor.local_addr()[0].as_socket_addr().unwrap();
    let state = ReceiverState {
        deliveries: Arc::default(),
        seen: Arc::default(),
        fail_first,
    };
    let deliveries = state.deliveries.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        poem::Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(
            Route::new().at("/hook", post(receive)).data(state),
            async move {
                let _ = rx.await;
            },
            Some(Duration::from_millis(100)),
        ),
    );
    Receiver {
        url: format!("http://{addr}/hook"),
        deliveries,
        _shutdown: tx,
    }
}

fn webhook_settings() -> WebhookSettings {
    WebhookSettings::new(WebhookScheme::Hmac, Some("whsec-test"))
}

/// Runs one answered call and returns the deliveries our server acknowledged, once the report
/// has arrived.
async fn one_call_deliveries(
    config: SimulatorConfig,
    receiver: &Receiver,
) -> (Simulator, CreateCall, Vec<(HeaderMap, Vec<u8>)>) {
    let sim = Simulator::start(config).await.unwrap();
    let request = dial("+14155550141");
    client(&sim).create_call(&request).await.unwrap();
    for _ in 0..300 {
        let done = receiver.deliveries.lock().unwrap().iter().any(|(_, b, s)| {
            *s == 200 && String::from_utf8_lossy(b).contains("end-of-call-report")
        });
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let acknowledged = receiver
        .deliveries
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, s)| *s == 200)
        .map(|(h, b, _)| (h.clone(), b.clone()))
        .collect();
    (sim, request, acknowledged)
}

#[tokio::test]
async fn provider_webhooks_are_signed_ordered_and_retried() {
    let receiver = receiver(1).await;
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    config.webhook_url = Some(receiver.url.clone());
    config.webhook = webhook_settings();
    let (sim, request, deliveries) = one_call_deliveries(config, &receiver).await;

    let verifier = WebhookVerifier::from_settings(&webhook_settings()).unwrap();
    let mut sequence = Vec::new();
    let mut report = None;
    for (headers, body) in &deliveries {
        verifier
            .verify("POST", "/hook", headers, body, Utc::now())
            .unwrap();
        let message = WebhookMessage::parse(body).unwrap();
        assert_eq!(message.our_call_id, Some(request.call_id));
        match message.event {
            WebhookEvent::StatusUpdate { status, .. } => sequence.push(status),
            WebhookEvent::EndOfCallReport(r) => {
                sequence.push("end-of-call-report".into());
                report = Some(r);
            }
            WebhookEvent::Ignored { kind } => panic!("unexpected {kind}"),
        }
    }
    assert_eq!(
        sequence,
        [
            "queued",
            "ringing",
            "in-progress",
            "ended",
            "end-of-call-report"
        ]
    );
    let report = report.unwrap();
    assert_eq!(
        ended_reason::classify(report.ended_reason.as_deref().unwrap()),
        EndedReasonClass::Answered
    );
    assert!(report.transcript.unwrap().starts_with("AI: "));
    assert!(report.summary.is_some());
    assert!(matches!(
        report.success_evaluation.as_deref(),
        Some("true" | "false")
    ));
    assert!(report.cost.unwrap() > 0.0);
    assert!(report.recording_url.is_some());
    assert!(report.duration_seconds.unwrap() > 0.0);
    assert!(!report.messages.unwrap().as_array().unwrap().is_empty());

    // The first delivery was answered 500 and retried. (The simulator counts a delivery once
    // our answer reached it, a moment after the receiver saw the body.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while sim.stats().webhooks_delivered < 5 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let stats = sim.stats();
    assert_eq!(stats.webhooks_failed, 1);
    assert_eq!(stats.webhooks_retried, 1);
    assert_eq!(stats.webhooks_delivered, 5);
    assert_eq!(stats.webhooks_sent, 6);

    // A real delivery, tampered with, is refused.
    let (headers, body) = &deliveries[0];
    let now = Utc::now();
    let mut changed = body.clone();
    changed[10] ^= 1;
    assert_eq!(
        verifier.verify("POST", "/hook", headers, &changed, now),
        Err(VerifyError::Mismatch)
    );
    let wrong = WebhookVerifier::from_settings(&WebhookSettings::new(
        WebhookScheme::Hmac,
        Some("another-secret"),
    ))
    .unwrap();
    assert_eq!(
        wrong.verify("POST", "/hook", headers, body, now),
        Err(VerifyError::Mismatch)
    );
    let mut missing = headers.clone();
    missing.remove("x-signature");
    assert!(matches!(
        verifier.verify("POST", "/hook", &missing, body, now),
        Err(VerifyError::MissingHeader(_))
    ));
    assert!(matches!(
        verifier.verify(
            "POST",
            "/hook",
            headers,
            body,
            now + chrono::Duration::minutes(10)
        ),
        Err(VerifyError::StaleTimestamp { .. })
    ));
}

#[tokio::test]
async fn provider_legacy_shapes_are_read_through_the_fallbacks() {
    let receiver = receiver(0).await;
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    config.webhook_url = Some(receiver.url.clone());
    config.webhook = WebhookSettings::new(WebhookScheme::XVapiSecret, Some("legacy"));
    config.legacy_shapes_rate = 1.0;
    let (_sim, request, deliveries) = one_call_deliveries(config, &receiver).await;
    let verifier = WebhookVerifier::from_settings(&WebhookSettings::new(
        WebhookScheme::XVapiSecret,
        Some("legacy"),
    ))
    .unwrap();
    let (headers, body) = deliveries.last().unwrap();
    verifier
        .verify("POST", "/hook", headers, body, Utc::now())
        .unwrap();
    let message = WebhookMessage::parse(body).unwrap();
    assert!(
        message.raw["message"]["call"]["assistantOverrides"]
            .get("metadata")
            .is_none()
    );
    assert_eq!(message.our_call_id, Some(request.call_id));
    let WebhookEvent::EndOfCallReport(report) = message.event else {
        panic!("the last delivery is the report")
    };
    assert!(report.transcript.unwrap().starts_with("AI: "));
    assert!(report.summary.is_some());
    assert!(report.recording_url.is_some());
    assert!(report.duration_seconds.is_some());
}

/// The ended reason of one call to each number, in the given order.
async fn outcomes(seed: u64, numbers: &[String]) -> HashMap<String, String> {
    let mut config = SimulatorConfig::fast();
    config.seed = seed;
    config.concurrency_limit = 100;
    let sim = Simulator::start(config).await.unwrap();
    let c = client(&sim);
    let mut ids = Vec::new();
    for n in numbers {
        ids.push((n.clone(), c.create_call(&dial(n)).await.unwrap().id));
    }
    let mut out = HashMap::new();
    for (n, id) in ids {
        out.insert(n, wait_ended(&c, &id).await.ended_reason.unwrap());
    }
    out
}

#[tokio::test]
async fn provider_same_seed_same_outcomes_whatever_the_order() {
    let numbers: Vec<String> = (0..12).map(|i| format!("+1415555{i:04}")).collect();
    let mut reversed = numbers.clone();
    reversed.reverse();
    let (a, b, other) = tokio::join!(
        outcomes(42, &numbers),
        outcomes(42, &reversed),
        outcomes(43, &numbers)
    );
    assert_eq!(a, b);
    assert_ne!(a, other);
}

#[test]
fn provider_simulator_help_documents_every_knob() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["simulator", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for knob in [
        "--bind",
        "--api-key",
        "--webhook-url",
        "--webhook-secret",
        "--webhook-scheme",
        "--seed",
        "--call-ms",
        "--ring-ms",
        "--concurrency-limit",
        "--concurrency-behavior",
        "--fault-profile",
        "--outcome-mix",
        "reject-400",
        "blocked-201",
        "hostile",
    ] {
        assert!(help.contains(knob), "--help lacks {knob}:\n{help}");
    }
}

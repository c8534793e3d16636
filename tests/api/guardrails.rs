//! Guardrails: what keeps a campaign from costing money or breaking rules while nobody watches.
//! (The legal calling-hours floor is tested with the other calling-hours tests.)

use std::time::Duration;

use autolynx::provider::simulator::{ConfigPatch, MsRange, OutcomeMix, SimulatorConfig, Timings};
use reqwest::Method;

use crate::helpers::{TestApp, spawn_app_with_sim};
use crate::sse::SseClient;

fn every_call_errs() -> OutcomeMix {
    OutcomeMix {
        answered: 0.0,
        no_answer: 0.0,
        busy: 0.0,
        voicemail: 0.0,
        error: 100.0,
    }
}

async fn control(app: &TestApp, id: &str, command: &str) -> crate::helpers::Reply {
    app.request(
        Method::POST,
        &format!("/api/campaigns/{id}/{command}"),
        Some(&app.admin_token),
        None,
    )
    .await
}

/// The simulator's calls start failing mid-campaign: the campaign pauses itself within the
/// brake's run of failures (plus the calls already in flight), says why with the numbers, the
/// contacts not dialed are untouched, and once the cause is gone resume finishes the list.
#[tokio::test]
async fn the_safety_brake_pauses_a_campaign_whose_calls_keep_failing() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(100, 150),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    // Every event of every campaign, read as it comes, until the pause.
    let mut stream = SseClient::connect(&app, "/api/events", &app.admin_token).await;
    let pause_event = tokio::spawn(async move {
        while let Some(e) = stream.next().await {
            if e.event == "campaign" && e.data["status"] == "PAUSED" {
                return Some(e.data);
            }
        }
        None
    });
    let id = app.start_campaign(60, &[("cap", "3")]).await;
    // A healthy start.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.sim.stats().calls_ended < 6 {
        assert!(tokio::time::Instant::now() < deadline, "no healthy start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before = app.sim.stats().calls_created;
    app.sim.reconfigure(ConfigPatch {
        outcomes: Some(every_call_errs()),
        ..ConfigPatch::default()
    });

    let paused = app
        .wait_for_status(&id, "PAUSED", Duration::from_secs(20))
        .await;
    assert_eq!(paused["pauseReason"], "safety-brake", "{paused:?}");
    let detail = paused["pauseDetail"].as_str().unwrap_or_default();
    assert!(detail.contains("5 calls in a row failed"), "{paused:?}");

    // Every call settles; nothing more is dialed while paused.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app
        .calls_of(&id)
        .await
        .iter()
        .any(|c| !c.status.is_terminal())
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "calls never settled"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let placed_while_failing = app.sim.stats().calls_created - before;
    // Five in a row trip it; the calls in flight then (at most the cap, and a refill that
    // raced the news) still end.
    assert!(
        (5..=5 + 2 * 3).contains(&placed_while_failing),
        "{placed_while_failing} calls placed after the failures began"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let frozen = app.sim.stats().calls_created;
    let calls = app.calls_of(&id).await;
    let contacts = app.contacts_of(&id).await;
    let untouched = contacts
        .iter()
        .filter(|c| c.status == "PENDING" && c.attempts == 0)
        .count();
    let dialed = calls.iter().filter(|c| c.status != "CANCELED").count();
    assert_eq!(dialed as u64, frozen, "the simulator saw every placed call");
    assert_eq!(
        untouched + dialed,
        60,
        "the rest is untouched: {contacts:?}"
    );

    // The live stream said so, and the metric counts it.
    let event = tokio::time::timeout(Duration::from_secs(5), pause_event)
        .await
        .expect("the pause event in time")
        .unwrap()
        .expect("a campaign event for the pause");
    assert_eq!(event["campaignId"], id.as_str(), "{event:?}");
    assert_eq!(event["pauseReason"], "safety-brake", "{event:?}");
    assert!(event["pauseDetail"].is_string(), "{event:?}");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("autolynx_guardrail_pauses_total{reason=\"safety-brake\"}"),
        "{metrics}"
    );

    // The cause is fixed: resume finishes the list, the brake judging afresh.
    app.sim.reconfigure(ConfigPatch {
        outcomes: Some(OutcomeMix::all_answered()),
        ..ConfigPatch::default()
    });
    let resumed = control(&app, &id, "resume").await;
    assert_ne!(resumed.body["status"], "PAUSED", "{:?}", resumed.body);
    let done = app
        .wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    assert!(done.get("pauseReason").is_none(), "{done:?}");
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 60, "{stats:?}");
    assert!(
        stats.dials_by_customer.values().all(|n| *n == 1),
        "{stats:?}"
    );
}

/// An operator's pause says so, and resume clears it.
#[tokio::test]
async fn an_operators_pause_is_shown_as_such() {
    let mut config = SimulatorConfig::fast();
    config.timings = Timings {
        call_ms: MsRange::new(300, 400),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(10, &[("cap", "2")]).await;
    let paused = control(&app, &id, "pause").await;
    assert_eq!(paused.body["status"], "PAUSED", "{:?}", paused.body);
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["pauseReason"], "operator", "{:?}", detail.body);
    assert!(detail.body.get("pauseDetail").is_none());
    let resumed = control(&app, &id, "resume").await;
    assert_ne!(resumed.body["status"], "PAUSED");
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert!(
        detail.body.get("pauseReason").is_none(),
        "{:?}",
        detail.body
    );
}

//! The actor runtime end to end: the real server dialing the simulator over HTTP. The
//! simulator's own counters are the oracle for the cap and for at-most-once dialing.

use std::collections::BTreeMap;
use std::time::Duration;

use autolynx::provider::simulator::{
    ConcurrencyBehavior, FaultProfile, Faults, MsRange, SimulatorConfig, Timings,
};
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::helpers::{
    TestApp, TestDb, assert_envelope, contacts_csv_from, spawn_app_on, spawn_app_with_sim,
};
use autolynx::store::entities::{call, call_event, contact};

/// Flaky faults with request timeouts longer than the test client's (500 ms).
fn flaky() -> Faults {
    Faults {
        timeout_ms: 1_000,
        ..FaultProfile::Flaky.faults()
    }
}

fn sim(faults: Faults) -> SimulatorConfig {
    let mut config = SimulatorConfig::fast();
    config.faults = faults;
    config.concurrency_limit = 50;
    config
}

/// Every contact was dialed at most once, and every dial belongs to a contact.
fn assert_at_most_once(app: &TestApp) {
    let stats = app.sim.stats();
    let twice: Vec<_> = stats
        .dials_by_customer
        .iter()
        .filter(|(_, n)| **n > 1)
        .collect();
    assert!(twice.is_empty(), "dialed more than once: {twice:?}");
}

#[tokio::test]
async fn a_campaign_dials_every_contact_once_within_its_cap_and_completes() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let id = app.start_campaign(20, &[("cap", "3")]).await;
    let detail = app
        .wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 20, "{stats:?}");
    assert!(
        stats.dials_by_customer.values().all(|n| *n == 1),
        "{stats:?}"
    );
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 3,
        "{stats:?}"
    );
    assert_eq!(detail["counters"]["completed"], 20);
    assert_eq!(detail["counters"]["active"], 0);
    assert!(detail["timeline"]["completedAt"].is_string());
    assert!(detail["timeline"]["firstDialAt"].is_string());
    let contacts = contact::Entity::find().all(&app.db).await.unwrap();
    assert!(
        contacts
            .iter()
            .all(|c| c.status == "DONE" && c.outcome.is_some())
    );
    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), 20);
    assert!(calls.iter().all(|c| c.provider_call_id.is_some()));
    // The variables reached the provider with our id in assistantOverrides.metadata.
    let listed = app
        .client
        .get(format!("{}/call", app.sim.base_url()))
        .bearer_auth(app.sim.api_key())
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let first = &listed[0];
    assert!(
        first.get("metadata").is_none(),
        "no top-level metadata: {first}"
    );
    let overrides = &first["assistantOverrides"];
    let ours: Uuid = overrides["metadata"]["autolynxCallId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(calls.iter().any(|c| c.id == ours));
    assert!(overrides["variableValues"]["name"].is_string());
    assert!(overrides["variableValues"]["business_name"].is_string());
}

#[tokio::test]
async fn the_cap_holds_under_flaky_faults() {
    let app = spawn_app_with_sim(sim(flaky()), &[]).await;
    let id = app.start_campaign(300, &[("cap", "7")]).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(90))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 7,
        "cap exceeded: {stats:?}"
    );
    assert!(
        stats.rate_limited + stats.server_errors > 0,
        "faults happened: {stats:?}"
    );
    assert_at_most_once(&app);
    let calls = app.calls_of(&id).await;
    assert!(
        calls
            .iter()
            .all(|c| c.status != "QUEUED" && c.status != "RINGING")
    );
    let unsettled = contact::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status != "DONE")
        .count();
    assert_eq!(unsettled, 0);
}

#[tokio::test]
async fn batch_mode_runs_batches_in_order_within_the_cap() {
    let app = spawn_app_with_sim(sim(flaky()), &[]).await;
    let id = app
        .start_campaign(40, &[("cap", "5"), ("mode", "batch")])
        .await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 5,
        "{stats:?}"
    );
    assert_at_most_once(&app);

    let contacts: BTreeMap<Uuid, i32> = contact::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.batch_index))
        .collect();
    let mut batches: BTreeMap<i32, Vec<call::Model>> = BTreeMap::new();
    for c in app.calls_of(&id).await {
        batches.entry(contacts[&c.contact_id]).or_default().push(c);
    }
    assert_eq!(batches.len(), 8);
    let ends: BTreeMap<i32, DateTime<Utc>> = batches
        .iter()
        .map(|(b, calls)| (*b, calls.iter().map(|c| c.ended_at.unwrap()).max().unwrap()))
        .collect();
    for (batch, calls) in &batches {
        if *batch == 0 {
            continue;
        }
        let previous_end = ends[&(batch - 1)];
        for c in calls {
            assert!(
                c.dial_intent_at >= previous_end,
                "batch {batch} dialed at {} before batch {} ended at {previous_end}",
                c.dial_intent_at,
                batch - 1
            );
        }
    }
}

#[tokio::test]
async fn campaigns_share_the_account_budget_fairly() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(300, 500),
        ..Timings::fast()
    };
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    // "The budget is used" needs the calls of both campaigns to overlap: run alone.
    let app = spawn_app_on(
        TestDb::exclusive().await,
        config,
        &[("AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS", "10")],
    )
    .await;
    let a = app
        .start_campaign_csv(&contacts_csv_from(0, 60), &[("cap", "8"), ("name", "A")])
        .await;
    let b = app
        .start_campaign_csv(&contacts_csv_from(60, 60), &[("cap", "8"), ("name", "B")])
        .await;
    app.wait_for_status(&a, "COMPLETED", Duration::from_secs(60))
        .await;
    let b_detail = app
        .wait_for_status(&b, "COMPLETED", Duration::from_secs(60))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.max_active_account <= 10,
        "account budget exceeded: {stats:?}"
    );
    assert!(
        stats.max_active_account >= 9,
        "the budget is used: {stats:?}"
    );
    assert_at_most_once(&app);
    // Fair: B started dialing long before A finished.
    let a_detail = app
        .get(&format!("/api/campaigns/{a}"), Some(&app.admin_token))
        .await
        .body;
    let a_done: DateTime<Utc> = a_detail["completedAt"].as_str().unwrap().parse().unwrap();
    let b_first: DateTime<Utc> = b_detail["timeline"]["firstDialAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(b_first < a_done, "B starved until A finished");
}

#[tokio::test]
async fn a_crashed_supervisors_live_calls_keep_their_share_of_the_account_budget() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(1_500, 1_500),
        ..Timings::fast()
    };
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    let app =
        spawn_app_with_sim(config, &[("AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS", "4")]).await;
    // A holds the whole budget with live calls; B waits for permits.
    let a = app
        .start_campaign_csv(&contacts_csv_from(0, 4), &[("cap", "4"), ("name", "A")])
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.sim.stats().active_calls < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "A's calls never went live"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let b = app
        .start_campaign_csv(&contacts_csv_from(100, 8), &[("cap", "4"), ("name", "B")])
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // A's supervisor dies while its calls are live at Vapi: their permits must not go to B.
    assert!(
        app.runtime
            .kill_supervisor_for_test(a.parse().unwrap())
            .await
    );
    app.wait_for_status(&b, "COMPLETED", Duration::from_secs(30))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.max_active_account <= 4,
        "the account budget was exceeded after a supervisor crash: {stats:?}"
    );
    // A is adopted again (as the sweep would) and finishes.
    app.runtime.adopt(Some(a.parse().unwrap())).await.unwrap();
    app.wait_for_status(&a, "COMPLETED", Duration::from_secs(10))
        .await;
    assert_eq!(app.sim.stats().calls_created, 12);
    assert_at_most_once(&app);
    // Every permit comes back.
    let budget = &app.runtime.context().budget;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while budget.available_permits() < 4 {
        assert!(tokio::time::Instant::now() < deadline, "permits leaked");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(budget.available_permits(), 4);
}

#[tokio::test]
async fn a_freed_slot_is_refilled_at_once() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        queue_ms: 0,
        ring_ms: MsRange::new(0, 0),
        call_ms: MsRange::new(100, 100),
        post_processing_ms: 20,
        blocked_end_ms: 20,
    };
    // A timing assertion: run alone.
    let app = spawn_app_on(TestDb::exclusive().await, config, &[]).await;
    let id = app.start_campaign(60, &[("cap", "6")]).await;
    let detail = app
        .wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    let started: DateTime<Utc> = detail["startedAt"].as_str().unwrap().parse().unwrap();
    let completed: DateTime<Utc> = detail["completedAt"].as_str().unwrap().parse().unwrap();
    let makespan = (completed - started).num_milliseconds();
    eprintln!("makespan {makespan} ms");
    // 10 waves of 100 ms calls; a 1-second tick could not do better than 10 s.
    assert!(makespan < 3_000, "makespan {makespan} ms");
    assert!(app.sim.stats().max_active_by_phone_number["phone-test"] <= 6);
}

#[tokio::test]
async fn webhook_faults_change_no_final_status_and_store_each_message_once() {
    let faults = Faults {
        webhook_duplicate_rate: 0.3,
        webhook_delay_rate: 0.3,
        webhook_delay_ms: MsRange::new(50, 300),
        webhook_reorder_rate: 0.3,
        webhook_drop_rate: 0.1,
        ..Faults::default()
    };
    let app = spawn_app_with_sim(sim(faults), &[]).await;
    let id = app.start_campaign(40, &[("cap", "5")]).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.webhooks_duplicated > 0 && stats.webhooks_dropped > 0,
        "{stats:?}"
    );

    // Every call ended as the provider says it did.
    let provider: BTreeMap<String, serde_json::Value> = app
        .client
        .get(format!("{}/call?limit=1000", app.sim.base_url()))
        .bearer_auth(app.sim.api_key())
        .send()
        .await
        .unwrap()
        .json::<Vec<serde_json::Value>>()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c))
        .collect();
    for c in app.calls_of(&id).await {
        let theirs = &provider[c.provider_call_id.as_deref().unwrap()];
        assert_eq!(theirs["status"], "ended");
        assert_eq!(c.status, "ENDED", "{c:?}");
        assert_eq!(
            c.ended_reason.as_deref(),
            theirs["endedReason"].as_str(),
            "{c:?}"
        );
    }
    // Each message answered 2xx is stored exactly once: as many events as the simulator
    // delivered, less the deliveries it made twice on purpose (reports come after the end).
    // Quiet for longer than the longest delay (300 ms) plus post-processing, and every send
    // answered (each attempt counts as sent, then as delivered or failed; a delivery whose
    // commit is slow on a loaded machine is stored before it is counted delivered): every
    // message has been delivered.
    let mut stats = app.sim.stats();
    let mut quiet = 0;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = app.sim.stats();
        let answered = now.webhooks_sent == now.webhooks_delivered + now.webhooks_failed;
        quiet = if now.webhooks_sent == stats.webhooks_sent && answered {
            quiet + 1
        } else {
            0
        };
        stats = now;
        if quiet >= 6 && stats.webhooks_delivered > 0 {
            break;
        }
    }
    assert_eq!(stats.webhooks_failed, 0, "{stats:?}");
    let events = call_event::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(app.sim.stats(), stats, "a delivery came in while counting");
    assert_eq!(
        events.len() as u64,
        stats.webhooks_delivered - stats.webhooks_duplicated,
        "{stats:?}"
    );
    assert!(events.len() >= 40, "events stored: {}", events.len());
}

#[tokio::test]
async fn when_every_dial_fails_the_campaign_never_reports_dialing() {
    let faults = Faults {
        rate_limit_rate: 1.0,
        retry_after_secs: 0,
        ..Faults::default()
    };
    let app = spawn_app_with_sim(sim(faults), &[]).await;
    let id = app.start_campaign(4, &[("cap", "2")]).await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let detail = app
            .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
            .await
            .body;
        let status = detail["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "COMPLETED" {
            assert!(detail["timeline"]["firstDialAt"].is_null(), "{detail}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{seen:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        !seen.iter().any(|s| s == "DIALING" || s == "RUNNING"),
        "{seen:?}"
    );
    assert_eq!(app.sim.stats().calls_created, 0);
    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|c| {
        c.status == "FAILED"
            && c.error_message
                .as_deref()
                .is_some_and(|m| m.contains("rate limited"))
    }));
}

#[tokio::test]
async fn a_refused_api_key_fails_the_campaign_with_the_reason() {
    let app = spawn_app_with_sim(sim(Faults::default()), &[("VAPI_API_KEY", "wrong-key")]).await;
    let id = app.start_campaign(3, &[("cap", "1")]).await;
    let detail = app
        .wait_for_status(&id, "FAILED", Duration::from_secs(20))
        .await;
    assert!(
        detail["failureReason"]
            .as_str()
            .unwrap()
            .contains("API key"),
        "{detail}"
    );
    assert!(detail["timeline"]["firstDialAt"].is_null());
}

#[tokio::test]
async fn concurrency_limits_are_waited_out_without_using_attempts() {
    for behavior in [
        ConcurrencyBehavior::Reject400,
        ConcurrencyBehavior::Blocked201,
    ] {
        let mut config = sim(Faults::default());
        config.concurrency_limit = 2;
        config.concurrency_behavior = behavior;
        // Calls long enough that four slots really compete for two lines.
        config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
        config.timings = Timings {
            call_ms: MsRange::new(300, 400),
            ..Timings::fast()
        };
        let app = spawn_app_with_sim(config, &[]).await;
        let id = app.start_campaign(12, &[("cap", "4")]).await;
        app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
            .await;
        let stats = app.sim.stats();
        assert!(
            stats.calls_rejected_over_limit + stats.calls_blocked > 0,
            "{behavior:?}: the limit was hit: {stats:?}"
        );
        let contacts = contact::Entity::find().all(&app.db).await.unwrap();
        let latest = autolynx::store::campaigns::latest_calls(
            &app.db,
            &contacts.iter().map(|c| c.id).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
        for c in &contacts {
            assert_eq!(c.status, "DONE");
            assert_eq!(
                c.attempts, 1,
                "{behavior:?}: no attempt used by the limit: {c:?}"
            );
            let last = &latest[&c.id];
            assert!(
                !last
                    .ended_reason
                    .as_deref()
                    .unwrap_or("")
                    .contains("concurrency"),
                "{behavior:?}: the final call is a real one: {last:?}"
            );
        }
        // Every contact got a real call in the end.
        let answered: u32 = stats
            .ended_reasons
            .iter()
            .filter(|(r, _)| !r.contains("concurrency"))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(answered, 12, "{behavior:?}: {stats:?}");
    }
}

#[tokio::test]
async fn pause_holds_new_dials_and_resume_continues() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(300, 400),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(15, &[("cap", "3")]).await;
    while app.sim.stats().calls_created < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let paused = control(&app, &id, "pause", None).await;
    assert_eq!(paused.body["status"], "PAUSED", "{:?}", paused.body);
    // Nothing leaves after the pause answered (a contact claimed just before is given back).
    let frozen = app.sim.stats().calls_created;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let claimed = app.calls_of(&id).await.len() as u64;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(app.sim.stats().calls_created, frozen, "dialed while paused");
    assert_eq!(
        app.calls_of(&id).await.len() as u64,
        claimed,
        "claimed while paused"
    );
    assert_eq!(
        app.sim.stats().active_calls,
        0,
        "calls in progress finished"
    );
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "PAUSED");
    // The calls' final webhooks may still be on their way on a loaded machine: resume once
    // every call is settled here too, so that nothing is live.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app
        .calls_of(&id)
        .await
        .iter()
        .any(|c| !c.status.is_terminal())
    {
        assert!(std::time::Instant::now() < deadline, "calls never settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Nothing is live: the campaign has dialed before, so it is DIALING again (RUNNING only
    // with live calls).
    let resumed = control(&app, &id, "resume", None).await;
    assert_eq!(resumed.body["status"], "DIALING");
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    assert_eq!(app.sim.stats().calls_created, 15);
    assert_at_most_once(&app);
}

#[tokio::test]
async fn stop_finish_lets_calls_end_and_marks_the_rest_not_attempted() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(400, 500),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(20, &[("cap", "3")]).await;
    while app.sim.stats().active_calls < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopped = control(
        &app,
        &id,
        "stop",
        Some(serde_json::json!({ "mode": "finish" })),
    )
    .await;
    assert_eq!(stopped.body["status"], "STOPPED", "{:?}", stopped.body);
    // Nothing is claimed after the stop. What was claimed before is either placed (its dial
    // had passed the gate) or given back unsent: a fill claims every free slot at once, so
    // a stop can find claims whose dial has not left yet.
    let claimed = app.calls_of(&id).await.len();
    // The live calls finish on their own, and every claim settles.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.sim.stats().active_calls > 0
        || app
            .calls_of(&id)
            .await
            .iter()
            .any(|c| !c.status.is_terminal())
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "calls never settled: {:?}\nsimulator: {:?}",
            app.calls_of(&id).await,
            app.sim.stats()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), claimed, "claimed after the stop");
    let (placed, unsent): (Vec<_>, Vec<_>) = calls.iter().partition(|c| c.status == "ENDED");
    assert!(
        unsent.iter().all(|c| c.status == "CANCELED"),
        "a call neither placed nor given back: {calls:?}"
    );
    assert!(placed.len() >= 3, "the live calls finished: {calls:?}");
    assert_eq!(
        app.sim.stats().calls_created,
        placed.len() as u64,
        "a dial given back reached the provider, or one left after the stop"
    );
    let contacts = contact::Entity::find().all(&app.db).await.unwrap();
    let not_attempted = contacts
        .iter()
        .filter(|c| c.status == "NOT_ATTEMPTED")
        .count();
    // A contact whose claim was given back was never dialed: NOT_ATTEMPTED like the rest.
    assert_eq!(not_attempted + placed.len(), 20, "{contacts:?}");
    assert!(not_attempted > 0);
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "STOPPED");
}

/// A dial the provider answers after the campaign was paused (and the news of its call) still
/// counts: resumed, the campaign is DIALING, not QUEUED as if it had never dialed.
#[tokio::test]
async fn a_dial_answered_after_a_pause_still_counts_as_dialed() {
    let mut config = sim(Faults {
        // Every call is created at once, its answer held 300 ms (inside the 500 ms timeout).
        lost_response_rate: 1.0,
        timeout_ms: 300,
        ..Faults::default()
    });
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    config.timings = Timings {
        queue_ms: 600,
        call_ms: MsRange::new(300, 300),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(6, &[("cap", "3")]).await;
    while app.sim.stats().calls_created < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let paused = control(&app, &id, "pause", None).await;
    assert_eq!(paused.body["status"], "PAUSED", "{:?}", paused.body);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.sim.stats().active_calls > 0
        || app
            .calls_of(&id)
            .await
            .iter()
            .any(|c| !c.status.is_terminal())
    {
        assert!(std::time::Instant::now() < deadline, "calls never settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ended = app
        .calls_of(&id)
        .await
        .iter()
        .filter(|c| c.status == "ENDED")
        .count();
    assert!(ended >= 1, "{:?}", app.calls_of(&id).await);
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert!(
        detail.body["timeline"]["firstDialAt"].is_string(),
        "{:?}",
        detail.body
    );
    let resumed = control(&app, &id, "resume", None).await;
    assert_eq!(resumed.body["status"], "DIALING", "{:?}", resumed.body);
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    assert_at_most_once(&app);
}

#[tokio::test]
async fn stop_hangup_ends_live_calls_through_the_provider() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(20_000, 20_000),
        ..Timings::fast()
    };
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(10, &[("cap", "3")]).await;
    while app.sim.stats().active_calls < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopped = control(
        &app,
        &id,
        "stop",
        Some(serde_json::json!({ "mode": "hangup" })),
    )
    .await;
    assert_eq!(stopped.body["status"], "STOPPED");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let calls = app.calls_of(&id).await;
        if app.sim.stats().active_calls == 0 && calls.iter().all(|c| c.status == "CANCELED") {
            assert_eq!(calls.len(), 3);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{calls:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn illegal_transitions_are_409_with_the_current_status() {
    let app = spawn_app_with_sim(sim(Faults::default()), &[]).await;
    let id = app.created_campaign(2, &[]).await;
    for command in ["pause", "resume"] {
        let reply = control(&app, &id, command, None).await;
        let error = assert_envelope(&reply, StatusCode::CONFLICT, "conflict");
        assert_eq!(error["details"]["currentStatus"], "CREATED");
    }
    assert_eq!(
        control(&app, &id, "start", None).await.status,
        StatusCode::OK
    );
    let again = control(&app, &id, "start", None).await;
    assert_envelope(&again, StatusCode::CONFLICT, "conflict");
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    for command in ["start", "pause", "resume", "stop"] {
        let reply = control(&app, &id, command, None).await;
        let error = assert_envelope(&reply, StatusCode::CONFLICT, "conflict");
        assert_eq!(error["details"]["currentStatus"], "COMPLETED");
    }
    // Another operator cannot control it; the owner or an admin can.
    let (_, other) = app.create_user("other", "operator").await;
    let reply = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{id}/pause"),
            Some(&other),
            None,
        )
        .await;
    assert_envelope(&reply, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_panicking_supervisor_is_restarted_and_the_campaign_completes() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(150, 250),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(
        config,
        &[("AUTOLYNX__RUNTIME__SUPERVISOR_MAX_RESTARTS", "20")],
    )
    .await;
    let id = app.start_campaign(30, &[("cap", "4")]).await;
    while app.sim.stats().calls_created < 6 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Crash it repeatedly, mid-dial more often than not: dials already on their way must be
    // followed, never placed twice.
    for _ in 0..6 {
        app.runtime.inject_supervisor_panic(id.parse().unwrap());
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 4,
        "{stats:?}"
    );
    assert_at_most_once(&app);
    assert_eq!(stats.calls_created, 30);
}

#[tokio::test]
async fn supervisors_failing_too_often_fail_the_campaign_with_the_reason() {
    let mut config = sim(Faults::default());
    config.timings = Timings {
        call_ms: MsRange::new(2_000, 2_000),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(
        config,
        &[("AUTOLYNX__RUNTIME__SUPERVISOR_MAX_RESTARTS", "2")],
    )
    .await;
    let id = app.start_campaign(10, &[("cap", "2")]).await;
    for _ in 0..3 {
        // Restarts back off: panic the supervisor each time it is back.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while app.runtime.supervisors().await != Some(1) {
            assert!(tokio::time::Instant::now() < deadline, "never restarted");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        app.runtime.inject_supervisor_panic(id.parse().unwrap());
        // Gone before the next one is injected.
        while app.runtime.supervisors().await != Some(0) {
            assert!(tokio::time::Instant::now() < deadline, "never failed");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let detail = app
        .wait_for_status(&id, "FAILED", Duration::from_secs(10))
        .await;
    assert!(
        detail["failureReason"]
            .as_str()
            .unwrap()
            .contains("supervisor"),
        "{detail}"
    );
}

#[tokio::test]
async fn stuck_calls_are_checked_then_ended_as_timeout() {
    let faults = Faults {
        never_end_rate: 1.0,
        ..Faults::default()
    };
    let mut config = sim(faults);
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(3, &[("cap", "3")]).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.status == "TIMEOUT"), "{calls:?}");
    assert_eq!(
        app.sim.stats().active_calls,
        0,
        "the provider no longer counts them"
    );
}

async fn control(
    app: &TestApp,
    id: &str,
    command: &str,
    body: Option<serde_json::Value>,
) -> crate::helpers::Reply {
    app.request(
        Method::POST,
        &format!("/api/campaigns/{id}/{command}"),
        Some(&app.admin_token),
        body,
    )
    .await
}

#[tokio::test]
async fn line_quiet_gating_waits_for_a_quiet_line() {
    use autolynx::provider::{CreateCall, Provider};
    let mut config = sim(Faults::default());
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(60_000, 60_000),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    // Someone else's call is live on the line.
    let client = autolynx::provider::vapi::VapiClient::with(
        app.sim.base_url(),
        app.sim.api_key(),
        Default::default(),
    )
    .unwrap();
    let other = client
        .create_call(&CreateCall {
            call_id: Uuid::new_v4(),
            campaign_id: Uuid::new_v4(),
            assistant_id: "asst".into(),
            phone_number_id: "phone-test".into(),
            customer_number: "+13125550100".into(),
            customer_name: None,
            variable_values: Default::default(),
        })
        .await
        .unwrap();
    let id = app
        .start_campaign(3, &[("cap", "3"), ("lineQuietGating", "true")])
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        app.sim.stats().calls_created,
        1,
        "no dial while the line is busy"
    );
    // The line goes quiet: the campaign dials.
    app.client
        .post(format!(
            "{}/_sim/calls/{}/end",
            app.sim.base_url(),
            other.id
        ))
        .send()
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.sim.stats().calls_created < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            app.sim.stats()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_ne!(detail.body["status"], "COMPLETED");
}

#[tokio::test]
async fn without_vapi_configured_campaigns_wait_instead_of_failing() {
    let app = spawn_app_with_sim(sim(Faults::default()), &[("VAPI_API_KEY", "")]).await;
    let id = app.created_campaign(2, &[]).await;
    let refused = control(&app, &id, "start", None).await;
    assert_envelope(&refused, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    // A campaign left running by an earlier process is not failed for want of Vapi.
    autolynx::store::campaigns::transition(
        &app.db,
        id.parse().unwrap(),
        autolynx::domain::campaign::CampaignStatus::Created,
        autolynx::domain::campaign::CampaignStatus::Queued,
        None,
    )
    .await
    .unwrap();
    assert!(app.runtime.adopt(None).await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "QUEUED");
    // Pause, resume and stop work on the waiting campaign and never fail it.
    for (command, expected) in [
        ("pause", "PAUSED"),
        ("resume", "QUEUED"),
        ("stop", "STOPPED"),
    ] {
        let reply = control(&app, &id, command, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{command}: {:?}", reply.body);
        assert_eq!(reply.body["status"], expected, "{command}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let detail = app
            .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
            .await;
        assert_eq!(
            detail.body["status"], expected,
            "{command}: {}",
            detail.body
        );
    }
    let contacts = contact::Entity::find().all(&app.db).await.unwrap();
    assert!(contacts.iter().all(|c| c.status == "NOT_ATTEMPTED"));
    assert_eq!(app.sim.stats().create_requests, 0);
}

/// A claim given back unsent while a stop commits (PostgreSQL, several writers at once): its
/// settlement waits for the stop and gives the contact NOT_ATTEMPTED — never PENDING in a
/// STOPPED campaign, which nothing would settle any more.
#[tokio::test]
async fn a_claim_given_back_while_a_stop_commits_is_not_attempted() {
    use autolynx::domain::call::CallUpdate;
    use autolynx::domain::campaign::{CallStatus, ContactStatus};
    use autolynx::domain::ended_reason::EndedReasonClass;
    use autolynx::store;
    use autolynx::store::calls::Eligible;
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app_with_sim(sim(Faults::default()), &[]).await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return; // SQLite: one writer at a time, no interleaving.
    }
    let id = app.created_campaign(2, &[]).await;
    let campaign: Uuid = id.parse().unwrap();
    let pending = store::calls::next_pending_many(&app.db, campaign, &Eligible::default(), 1)
        .await
        .unwrap();
    let call = store::calls::claim(&app.db, &pending[0])
        .await
        .unwrap()
        .unwrap();

    // The stop: STOPPED written, the contacts settled, not committed yet — and it holds the
    // contact's row, so a settlement that read the campaign before the stop has to wait for it
    // at its very last write.
    let stop = app.db.begin().await.unwrap();
    stop.execute_unprepared(&format!(
        "UPDATE campaigns SET status = 'STOPPED' WHERE id = '{campaign}'"
    ))
    .await
    .unwrap();
    stop.execute_unprepared(&format!(
        "SELECT id FROM contacts WHERE id = '{}' FOR UPDATE",
        pending[0].id
    ))
    .await
    .unwrap();
    store::calls::mark_not_attempted(&stop, campaign)
        .await
        .unwrap();
    let db = app.db.clone();
    let given_back = tokio::spawn(async move {
        let update = CallUpdate {
            status: Some(CallStatus::Canceled),
            error_message: Some("the campaign stopped dialing".into()),
            outcome: Some(EndedReasonClass::Unknown),
            requeue_contact: true,
            ..CallUpdate::default()
        };
        store::calls::apply(&db, call.id, &update).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.commit().await.unwrap();
    given_back.await.unwrap().unwrap();

    let contacts = app.contacts_of(&id).await;
    let contact = contacts.iter().find(|c| c.id == pending[0].id).unwrap();
    assert_eq!(contact.status, ContactStatus::NotAttempted, "{contact:?}");
    assert_eq!(contact.attempts, 0);
    assert!(
        contacts.iter().all(|c| c.status != ContactStatus::Pending),
        "a contact left PENDING in a STOPPED campaign: {contacts:?}"
    );
}

/// A fill claims every free slot's contact in one transaction: only contacts still PENDING,
/// each with its dial intent (QUEUED, attempt counted), and nothing for the others.
#[tokio::test]
async fn claim_many_claims_only_pending_contacts_with_their_intents() {
    use autolynx::domain::campaign::{CallStatus, ContactStatus};
    use autolynx::store;
    use autolynx::store::calls::Eligible;
    let app = spawn_app_with_sim(sim(Faults::default()), &[]).await;
    let id = app.created_campaign(6, &[]).await;
    let campaign: Uuid = id.parse().unwrap();
    let first = store::calls::next_pending_many(&app.db, campaign, &Eligible::default(), 4)
        .await
        .unwrap();
    assert_eq!(first.len(), 4);
    let rows: Vec<i32> = first.iter().map(|c| c.row_number).collect();
    assert_eq!(rows, vec![1, 2, 3, 4], "CSV order");
    // One of them is claimed elsewhere first.
    let elsewhere = store::calls::claim(&app.db, &first[1]).await.unwrap();
    assert!(elsewhere.is_some());
    let calls = store::calls::claim_many(&app.db, &first).await.unwrap();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls.iter().all(|c| c.contact_id != first[1].id));
    assert!(
        calls.iter().all(|c| c.status == CallStatus::Queued
            && c.attempt == 1
            && c.provider_call_id.is_none())
    );
    // Claimed again: nothing, and no second intent.
    assert!(
        store::calls::claim_many(&app.db, &first)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.calls_of(&id).await.len(), 4);
    let contacts = app.contacts_of(&id).await;
    let dialing = contacts
        .iter()
        .filter(|c| c.status == ContactStatus::Dialing)
        .count();
    assert_eq!(dialing, 4);
    assert!(
        contacts
            .iter()
            .all(|c| c.attempts == i32::from(c.status == ContactStatus::Dialing))
    );
    // The rest in order, the claimed ones skipped.
    let rest = store::calls::next_pending_many(&app.db, campaign, &Eligible::default(), 10)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|c| c.row_number).collect::<Vec<_>>(),
        vec![5, 6]
    );
}

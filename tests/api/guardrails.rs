//! Guardrails: what keeps a campaign from costing money or breaking rules while nobody watches.
//! (The legal calling-hours floor is tested with the other calling-hours tests.)

use std::time::Duration;

use autolynx::provider::simulator::{ConfigPatch, MsRange, OutcomeMix, SimulatorConfig, Timings};
use reqwest::{Method, StatusCode};

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

/// Dials the account's concurrency limit refuses are capacity, not failure: however their
/// end becomes known (here the webhook carrying our id arrives while the dial's own answer is
/// still held), they never count toward the brake, which trips at five in a row by default.
#[tokio::test]
async fn concurrency_refusals_never_trip_the_brake() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    config.concurrency_limit = 1;
    config.concurrency_behavior = autolynx::provider::simulator::ConcurrencyBehavior::Blocked201;
    config.faults = autolynx::provider::simulator::Faults {
        lost_response_rate: 1.0,
        timeout_ms: 300,
        ..Default::default()
    };
    config.timings = Timings {
        call_ms: MsRange::new(200, 300),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(8, &[("cap", "4")]).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.calls_blocked >= 5,
        "the limit refused many dials: {stats:?}"
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

fn csv_of(numbers: &[&str]) -> Vec<u8> {
    let mut csv = String::from("name,business_name,phone\n");
    for (i, n) in numbers.iter().enumerate() {
        csv.push_str(&format!("Person {i},Biz,{n}\n"));
    }
    csv.into_bytes()
}

/// A person who asks on a call not to be called again — flagged by the call's analysis, or
/// only saying one of the configured phrases — goes on the do-not-call list with the campaign
/// and call it was heard on; the redial waiting for them elsewhere is cancelled at once, and
/// a later campaign never dials them.
#[tokio::test]
async fn people_who_ask_not_to_be_called_again_are_never_called_again() {
    const FLAGGED: &str = "+14152345001";
    const SPOKEN: &str = "+14152345002";
    const OTHER: &str = "+14152345003";
    let mut config = SimulatorConfig::fast();
    // Everyone is unreachable at first.
    config.outcomes = OutcomeMix {
        answered: 0.0,
        no_answer: 100.0,
        busy: 0.0,
        voicemail: 0.0,
        error: 0.0,
    };
    config.opt_out_flagged = vec![FLAGGED.to_owned()];
    config.opt_out_spoken = vec![SPOKEN.to_owned()];
    let app = spawn_app_with_sim(config, &[]).await;

    // Campaign A: the flagged person does not answer and waits an hour for a redial.
    let waiting = app
        .start_campaign_csv(
            &csv_of(&[FLAGGED]),
            &[
                ("maxAttempts", "2"),
                ("redialDelaySeconds", "3600"),
                ("redialOn", "no-answer"),
            ],
        )
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let contacts = app.contacts_of(&waiting).await;
        if contacts[0].status == "PENDING" && contacts[0].attempts == 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{contacts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Campaign B: now they answer, and both ask not to be called again.
    app.sim.reconfigure(ConfigPatch {
        outcomes: Some(OutcomeMix::all_answered()),
        ..ConfigPatch::default()
    });
    let heard = app
        .start_campaign_csv(&csv_of(&[FLAGGED, SPOKEN, OTHER]), &[])
        .await;
    app.wait_for_status(&heard, "COMPLETED", Duration::from_secs(20))
        .await;
    // The reports come after the final status: wait for both entries.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let entries = loop {
        let listed = app.get("/api/suppression", Some(&app.admin_token)).await;
        let entries = listed.body["items"].as_array().cloned().unwrap_or_default();
        if entries.len() >= 2 {
            break entries;
        }
        assert!(tokio::time::Instant::now() < deadline, "{:?}", listed.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let calls = app.calls_of(&heard).await;
    for number in [FLAGGED, SPOKEN] {
        let entry = entries
            .iter()
            .find(|e| e["phone"] == number)
            .unwrap_or_else(|| panic!("{number} listed: {entries:?}"));
        assert_eq!(entry["source"], "opt-out", "{entry:?}");
        assert_eq!(entry["campaignId"], heard.as_str(), "{entry:?}");
        let call_id = entry["callId"].as_str().unwrap();
        assert!(
            calls.iter().any(|c| c.id.to_string() == call_id),
            "{entry:?}"
        );
        assert!(entry["createdAt"].is_string());
    }
    assert!(
        entries.iter().all(|e| e["phone"] != OTHER),
        "an interested person is not listed: {entries:?}"
    );
    let flagged = entries.iter().find(|e| e["phone"] == FLAGGED).unwrap();
    assert!(
        flagged["reason"]
            .as_str()
            .unwrap()
            .contains("structuredData")
    );
    let spoken = entries.iter().find(|e| e["phone"] == SPOKEN).unwrap();
    assert!(
        spoken["reason"]
            .as_str()
            .unwrap()
            .contains("take me off your list"),
        "{spoken:?}"
    );

    // The redial waiting in A is cancelled at once: A's contact is settled.
    let contacts = app.contacts_of(&waiting).await;
    assert_eq!(contacts[0].status, "DONE", "{contacts:?}");
    assert_eq!(contacts[0].next_attempt_at, None);
    // And A, with nothing left to do, completes now rather than when its redial was due.
    app.wait_for_status(&waiting, "COMPLETED", Duration::from_secs(5))
        .await;

    // Campaign C, later: the listed numbers are never dialed.
    let later = app
        .start_campaign_csv(&csv_of(&[FLAGGED, SPOKEN, OTHER]), &[])
        .await;
    app.wait_for_status(&later, "COMPLETED", Duration::from_secs(20))
        .await;
    let stats = app.sim.stats();
    assert_eq!(
        stats.dials_by_customer[FLAGGED], 2,
        "A once, B once: {stats:?}"
    );
    assert_eq!(stats.dials_by_customer[SPOKEN], 1, "{stats:?}");
    assert_eq!(stats.dials_by_customer[OTHER], 2, "{stats:?}");
}

/// An imported list records its date; the health check warns once the newest is older than
/// the national registry's 31 days.
#[tokio::test]
async fn a_stale_do_not_call_list_is_a_health_warning() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = crate::helpers::spawn_app().await;
    let health = app.get("/api/health", None).await;
    assert_eq!(
        health.body["warnings"],
        serde_json::json!([]),
        "{:?}",
        health.body
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"phone\n+14152340100\n".to_vec())
            .file_name("registry.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let imported = app
        .client
        .post(app.url("/api/suppression/import"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), reqwest::StatusCode::OK);
    let health = app.get("/api/health", None).await;
    assert_eq!(
        health.body["warnings"],
        serde_json::json!([]),
        "fresh: {:?}",
        health.body
    );
    let listed = app.get("/api/suppression", Some(&app.admin_token)).await;
    assert_eq!(
        listed.body["items"][0]["source"], "import",
        "{:?}",
        listed.body
    );

    // Forty days later.
    let old = chrono::Utc::now() - chrono::Duration::days(40);
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            match app.db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE suppression_imports SET imported_at = $1"
                }
                _ => "UPDATE suppression_imports SET imported_at = ?",
            },
            [old.into()],
        ))
        .await
        .unwrap();
    let health = app.get("/api/health", None).await;
    let warning = health.body["warnings"][0].as_str().unwrap_or_default();
    assert!(warning.contains("40 days ago"), "{:?}", health.body);
    assert!(warning.contains("31 days"), "{warning}");
}

async fn patch(app: &TestApp, id: &str, body: serde_json::Value) -> crate::helpers::Reply {
    app.request(
        Method::PATCH,
        &format!("/api/campaigns/{id}"),
        Some(&app.admin_token),
        Some(body),
    )
    .await
}

/// A CREATED or PAUSED campaign can be edited (409 naming the status otherwise, 422 naming
/// the field, 404 for an unknown assistant); the edit applies on resume — a cap lowered while
/// paused holds from then on — and each change is on the campaign's history.
#[tokio::test]
async fn a_paused_campaign_is_edited_and_the_edit_applies_on_resume() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(150, 250),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.created_campaign(30, &[("cap", "3")]).await;

    // While CREATED.
    let edited = patch(
        &app,
        &id,
        serde_json::json!({
            "name": "Spring follow-up",
            "callingHours": "00:00-23:59",
            "timezone": "Europe/Paris",
            "maxAttempts": 2,
        }),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(edited.body["name"], "Spring follow-up");
    assert_eq!(edited.body["callingHours"]["window"], "00:00-23:59");
    assert_eq!(edited.body["callingHours"]["timezone"], "Europe/Paris");
    assert_eq!(edited.body["redial"]["maxAttempts"], 2, "{:?}", edited.body);
    assert_eq!(edited.body["cap"], 3, "unchanged");
    // Only the time zone: the window stays.
    let tz_only = patch(&app, &id, serde_json::json!({ "timezone": "UTC" })).await;
    assert_eq!(tz_only.body["callingHours"]["window"], "00:00-23:59");
    assert_eq!(tz_only.body["callingHours"]["timezone"], "UTC");

    // Refused, naming what is wrong; nothing changes.
    for (body, field) in [
        (serde_json::json!({ "cap": 0 }), "cap"),
        (
            serde_json::json!({ "callingHours": "9 to 5" }),
            "callingHours",
        ),
        (
            serde_json::json!({ "timezone": "Mars/Olympus" }),
            "timezone",
        ),
        (serde_json::json!({ "maxAttempts": 11 }), "maxAttempts"),
    ] {
        let refused = patch(&app, &id, body.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            refused.body
        );
        assert!(
            refused.body.to_string().contains(field),
            "{body}: {:?}",
            refused.body
        );
    }
    let unknown = patch(
        &app,
        &id,
        serde_json::json!({ "assistantId": uuid::Uuid::now_v7() }),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{:?}", unknown.body);
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["cap"], 3);

    // While dialing: 409 naming the status.
    let started = control(&app, &id, "start").await;
    assert_eq!(started.status, StatusCode::OK);
    let refused = patch(&app, &id, serde_json::json!({ "cap": 1 })).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.body);
    assert!(
        ["QUEUED", "DIALING", "RUNNING"]
            .iter()
            .any(|s| refused.body.to_string().contains(s)),
        "{:?}",
        refused.body
    );

    // Paused: lower the cap; it holds after resume.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.sim.stats().calls_ended < 3 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let paused = control(&app, &id, "pause").await;
    assert_eq!(paused.body["status"], "PAUSED");
    let lowered = patch(&app, &id, serde_json::json!({ "cap": 1 })).await;
    assert_eq!(lowered.status, StatusCode::OK, "{:?}", lowered.body);
    assert_eq!(lowered.body["cap"], 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app
        .calls_of(&id)
        .await
        .iter()
        .any(|c| !c.status.is_terminal())
        || app.sim.stats().active_calls > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "calls never settled"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = app.sim.stats().calls_created;
    app.sim.reset();
    let resumed = control(&app, &id, "resume").await;
    assert_ne!(resumed.body["status"], "PAUSED", "{:?}", resumed.body);
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
        .await;
    let after = app.sim.stats();
    assert_eq!(before + after.calls_created, 30, "{after:?}");
    assert_eq!(
        after.max_active_account, 1,
        "the lowered cap held: {after:?}"
    );

    // The history has each change.
    let history = app
        .get(
            &format!(
                "/api/audit?targetType=campaign&targetId={id}&action=campaign.update&limit=50"
            ),
            Some(&app.admin_token),
        )
        .await;
    let entries = history.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(entries.len(), 3, "{:?}", history.body);
    let text = history.body.to_string();
    for change in ["\"name\"", "\"callingHours\"", "\"redial\"", "\"cap\""] {
        assert!(text.contains(change), "{change}: {text}");
    }
}

/// A campaign with a budget pauses itself before its spend can pass it — reported costs plus
/// an estimate for calls not reported yet — measured from the costs the simulator reported;
/// resume is refused while the budget has no room for a call, and goes on once it is raised.
#[tokio::test]
async fn a_campaign_never_spends_past_its_budget() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    // About $0.002 a call (the simulator bills $0.10 a minute and $0.001 of analysis).
    config.timings = Timings {
        call_ms: MsRange::new(600, 600),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(
        config,
        // Estimates of $0.0025-0.005 a call, whatever the assistant's longest call.
        &[("AUTOLYNX__CAMPAIGNS__ESTIMATED_COST_PER_MINUTE", "0.0005")],
    )
    .await;
    let budget = 0.03;
    let id = app
        .start_campaign(40, &[("cap", "3"), ("budgetUsd", "0.03")])
        .await;
    let paused = app
        .wait_for_status(&id, "PAUSED", Duration::from_secs(30))
        .await;
    assert_eq!(paused["pauseReason"], "budget-reached", "{paused:?}");
    assert!(
        paused["pauseDetail"]
            .as_str()
            .unwrap_or_default()
            .contains("0.03")
    );
    assert_eq!(paused["budgetUsd"], budget);

    // Every placed call ends and reports its cost.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let calls = loop {
        let calls = app.calls_of(&id).await;
        if calls
            .iter()
            .all(|c| c.status.is_terminal() && (c.cost.is_some() || c.status == "CANCELED"))
        {
            break calls;
        }
        assert!(tokio::time::Instant::now() < deadline, "{calls:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let costs: Vec<f64> = calls.iter().filter_map(|c| c.cost).collect();
    let spent: f64 = costs.iter().sum();
    let one_call = costs.iter().copied().fold(0.0, f64::max);
    assert!(costs.len() >= 3, "it dialed before stopping: {costs:?}");
    assert!(
        spent <= budget + one_call,
        "spent ${spent} of a ${budget} budget ({costs:?})"
    );
    let untouched = app
        .contacts_of(&id)
        .await
        .iter()
        .filter(|c| c.status == "PENDING" && c.attempts == 0)
        .count();
    assert_eq!(untouched + costs.len(), 40);
    assert_eq!(app.sim.stats().calls_created as usize, costs.len());

    // It paused once every call's real cost was in and no room was left for another call's
    // estimate: spent within one estimate of the budget.
    assert!(
        spent >= budget - 0.005 - 1e-9,
        "stopped early: ${spent} ({costs:?})"
    );
    // Resume is refused until the budget is raised.
    let refused = control(&app, &id, "resume").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.body);
    assert!(
        refused.body.to_string().contains("budgetUsd"),
        "{:?}",
        refused.body
    );
    let raised = patch(&app, &id, serde_json::json!({ "budgetUsd": 0.08 })).await;
    assert_eq!(raised.status, StatusCode::OK, "{:?}", raised.body);
    assert_eq!(raised.body["budgetUsd"], 0.08);
    let resumed = control(&app, &id, "resume").await;
    assert_eq!(resumed.status, StatusCode::OK, "{:?}", resumed.body);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.sim.stats().calls_created as usize <= costs.len() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing dialed after raising"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A budget must be a positive amount.
    let bad = patch(&app, &id, serde_json::json!({ "budgetUsd": -1 })).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    assert!(bad.body.to_string().contains("budgetUsd"), "{:?}", bad.body);
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn timestamp(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("{v:?}")))
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// Scheduled start: started ahead of its `startAt`, the campaign waits QUEUED (its detail and
/// the list say when), no call reaches the provider before that moment, and the first one
/// leaves right after it (a timer, not a late poll).
#[tokio::test]
async fn a_scheduled_campaign_places_its_first_call_at_its_start() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let start_at = chrono::Utc::now() + chrono::Duration::milliseconds(2500);
    let id = app
        .start_campaign(4, &[("cap", "2"), ("startAt", &rfc3339(start_at))])
        .await;
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "QUEUED", "{:?}", detail.body);
    let shown = timestamp(&detail.body["startAt"]);
    assert!(
        (shown - start_at).num_milliseconds().abs() <= 1,
        "{shown} vs {start_at}"
    );
    let list = app.get("/api/campaigns", Some(&app.admin_token)).await;
    let item = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", list.body));
    assert_eq!(timestamp(&item["startAt"]), shown);
    while chrono::Utc::now() < start_at - chrono::Duration::milliseconds(100) {
        assert_eq!(
            app.sim.stats().create_requests,
            0,
            "a call before the start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    let first = app
        .calls_of(&id)
        .await
        .iter()
        .filter_map(|c| c.dial_sent_at)
        .min()
        .expect("calls were dialed");
    assert!(
        first >= start_at,
        "first dial {first} before the start {start_at}"
    );
    assert!(
        first - start_at < chrono::Duration::seconds(2),
        "first dial {first} long after the start {start_at}"
    );
}

/// Before its start, a scheduled campaign pauses, resumes (still waiting) and stops like any
/// other, and a stopped one never dials.
#[tokio::test]
async fn a_scheduled_campaign_can_be_paused_resumed_and_stopped_before_its_start() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let start_at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let id = app
        .start_campaign(3, &[("startAt", &rfc3339(start_at))])
        .await;
    let paused = control(&app, &id, "pause").await;
    assert_eq!(paused.body["status"], "PAUSED", "{:?}", paused.body);
    let resumed = control(&app, &id, "resume").await;
    assert_eq!(resumed.body["status"], "QUEUED", "{:?}", resumed.body);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.sim.stats().create_requests,
        0,
        "a call before the start"
    );
    let stopped = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{id}/stop"),
            Some(&app.admin_token),
            Some(serde_json::json!({ "mode": "finish" })),
        )
        .await;
    assert_eq!(stopped.body["status"], "STOPPED", "{:?}", stopped.body);
    while chrono::Utc::now() < start_at + chrono::Duration::milliseconds(500) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.sim.stats().create_requests,
        0,
        "a stopped campaign dialed"
    );
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(
        detail.body["counters"]["notAttempted"], 3,
        "{:?}",
        detail.body
    );

    // Moved while paused: the edit applies on resume, and `null` starts at once.
    let id = app
        .start_campaign(
            2,
            &[(
                "startAt",
                &rfc3339(chrono::Utc::now() + chrono::Duration::hours(3)),
            )],
        )
        .await;
    control(&app, &id, "pause").await;
    let edited = patch(&app, &id, serde_json::json!({ "startAt": null })).await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert!(edited.body.get("startAt").is_none(), "{:?}", edited.body);
    control(&app, &id, "resume").await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
}

/// A start that is not in the future (or not a time at all) is refused naming `startAt`, in
/// the JSON body, the form and an edit; nothing is created.
#[tokio::test]
async fn a_start_in_the_past_is_refused() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let assistant = app.seed_assistant("Scheduler").await;
    let past = rfc3339(chrono::Utc::now() - chrono::Duration::minutes(1));
    for at in [past.as_str(), "2027-13-01T00:00:00Z", "tomorrow"] {
        let reply = app
            .request(
                Method::POST,
                "/api/campaigns",
                Some(&app.admin_token),
                Some(serde_json::json!({
                    "name": "Too late",
                    "assistantId": assistant,
                    "contacts": "name,business_name,phone\nAda,Bakery,+14155550100\n",
                    "startAt": at,
                })),
            )
            .await;
        let body = crate::helpers::assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(body["details"]["field"], "startAt", "{at}: {body:?}");
    }
    let form = app
        .post_campaign(
            &app.admin_token,
            crate::helpers::CampaignForm {
                csv: crate::helpers::contacts_csv(1),
                fields: vec![
                    ("name", "Too late".to_owned()),
                    ("assistantId", assistant.to_string()),
                    ("startAt", past.clone()),
                ],
            },
        )
        .await;
    let body = crate::helpers::assert_envelope(
        &form,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(body["details"]["field"], "startAt", "{body:?}");
    let listed = app.get("/api/campaigns", Some(&app.admin_token)).await;
    assert_eq!(listed.body["pagination"]["total"], 0, "{:?}", listed.body);

    let id = app.created_campaign(1, &[]).await;
    let edited = patch(&app, &id, serde_json::json!({ "startAt": past })).await;
    let body = crate::helpers::assert_envelope(
        &edited,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(body["details"]["field"], "startAt", "{body:?}");
}

/// A campaign's own brake rules replace the server's: one set to trip at two failures in a
/// row says so when it pauses; one with both rules off (0) runs its whole list of failing
/// calls; an edit while paused changes them, and the detail shows what applies.
#[tokio::test]
async fn a_campaigns_own_brake_rules_apply() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = every_call_errs();
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app
        .start_campaign(
            12,
            &[
                ("cap", "1"),
                ("safetyBrakeWindow", "0"),
                ("safetyBrakeFailuresInARow", "2"),
            ],
        )
        .await;
    app.wait_for_status(&id, "PAUSED", Duration::from_secs(30))
        .await;
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(
        detail.body["pauseReason"], "safety-brake",
        "{:?}",
        detail.body
    );
    assert_eq!(
        detail.body["pauseDetail"], "2 calls in a row failed (the brake trips at 2)",
        "{:?}",
        detail.body
    );
    assert_eq!(
        detail.body["safetyBrake"],
        serde_json::json!({ "window": 0, "failureShare": 0.5, "failuresInARow": 2 })
    );
    let edited = patch(
        &app,
        &id,
        serde_json::json!({ "safetyBrakeFailuresInARow": 0 }),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(edited.body["safetyBrake"]["failuresInARow"], 0);
    let resumed = control(&app, &id, "resume").await;
    assert_ne!(resumed.body["status"], "PAUSED", "{:?}", resumed.body);
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    assert_eq!(app.sim.stats().calls_created, 12, "{:?}", app.sim.stats());

    let bad = patch(
        &app,
        &id,
        serde_json::json!({ "safetyBrakeFailureShare": 1.5 }),
    )
    .await;
    let body = crate::helpers::assert_envelope(
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(
        body["details"]["field"], "safetyBrakeFailureShare",
        "{body:?}"
    );
}

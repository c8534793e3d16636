//! Never twice, never over the cap — tried as a hostile provider behaves: calls created after
//! our request timed out or got a 504, duplicates the provider makes, dials that outlive a
//! pause or a stop, lost final webhooks, settings that no longer parse. The simulator's own
//! counters are the oracle; every test runs on SQLite and on PostgreSQL.

use std::time::Duration;

use autolynx::provider::simulator::{Faults, MsRange, OutcomeMix, SimulatorConfig, Timings};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::helpers::{TestApp, TestDb, assert_never_twice, spawn_app_on, spawn_app_with_sim};
use autolynx::store::entities::{call, call_event, contact};

fn sim(faults: Faults) -> SimulatorConfig {
    let mut config = SimulatorConfig::fast();
    config.faults = faults;
    config.concurrency_limit = 50;
    config
}

async fn control(app: &TestApp, id: &str, command: &str, body: Option<serde_json::Value>) {
    let reply = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{id}/{command}"),
            Some(&app.admin_token),
            body,
        )
        .await;
    assert!(reply.status.is_success(), "{command}: {:?}", reply.body);
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The case the issue measured (80 contacts at cap 5, one dial in seven answered late): calls
/// created after our request timed out (late-create) or after a gateway's 504 are found and
/// followed, never dialed again, and hold their slot while unresolved.
#[tokio::test]
async fn dials_answered_late_are_found_never_dialed_twice_and_the_cap_holds() {
    let mut config = sim(Faults {
        late_create_rate: 0.08,
        gateway_timeout_rate: 0.08,
        gateway_create_delay_ms: MsRange::new(200, 1_000),
        // Past the client's 500 ms timeout, within the 1.5 s settle window.
        timeout_ms: 1_000,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(80, &[("cap", "5")]).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(120))
        .await;
    let stats = app.sim.stats();
    assert!(
        stats.late_creates > 0 && stats.gateway_timeouts > 0,
        "the faults happened: {stats:?}"
    );
    assert_never_twice(&stats);
    assert_eq!(stats.calls_created, 80, "{stats:?}");
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 5,
        "cap exceeded: {stats:?}"
    );
    // Every late call was followed to its end under the attempt that placed it.
    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), 80);
    assert!(
        calls
            .iter()
            .all(|c| c.status == "ENDED" && c.provider_call_id.is_some()),
        "{:?}",
        calls
            .iter()
            .filter(|c| c.status != "ENDED")
            .collect::<Vec<_>>()
    );
}

/// A call the provider creates after the settle window, when the dial was already placed
/// again, carries our id with another provider id: it is ended at once, recorded on the
/// call's trail and counted; the call we follow keeps its provider id and ends normally.
#[tokio::test]
async fn a_duplicate_the_provider_creates_is_ended_recorded_and_counted() {
    let mut config = sim(Faults {
        late_create_rate: 1.0,
        // Longer than the settle window (1.5 s): the first call appears after the retry.
        timeout_ms: 3_000,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(6_000, 6_000),
        ..Timings::fast()
    };
    // A 6 s call is not stuck.
    let app = spawn_app_with_sim(
        config,
        &[("AUTOLYNX__RUNTIME__SILENCE_TIMEOUT_MS", "60000")],
    )
    .await;
    let id = app.start_campaign(1, &[]).await;
    wait_until("the first send", Duration::from_secs(10), async || {
        app.sim.stats().create_requests >= 1
    })
    .await;
    // Only the first send is held; the retry is answered.
    app.sim.set_faults(Faults::default());
    wait_until(
        "the duplicate to be ended",
        Duration::from_secs(20),
        async || {
            let stats = app.sim.stats();
            stats.calls_created == 2 && stats.calls_ended_by_control == 1
        },
    )
    .await;
    let stats = app.sim.stats();
    assert_eq!(stats.create_requests, 2, "sent again only once absent");
    assert_eq!(stats.active_calls, 1, "only the followed call is live");

    let calls = app.calls_of(&id).await;
    assert_eq!(calls.len(), 1);
    let ours = &calls[0];
    let followed = ours.provider_call_id.clone().expect("provider id stored");
    let trail = call_event::Entity::find()
        .filter(call_event::Column::CallId.eq(ours.id))
        .all(&app.db)
        .await
        .unwrap();
    let duplicates: Vec<_> = trail
        .iter()
        .filter(|e| e.event_type == "duplicate-call")
        .collect();
    assert_eq!(duplicates.len(), 1, "recorded once: {trail:?}");
    let duplicate_id = duplicates[0].payload["providerCallId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(duplicate_id, followed);
    assert_eq!(duplicates[0].payload["recordedProviderCallId"], followed);
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
        metrics
            .lines()
            .any(|l| l.starts_with("autolynx_duplicate_calls_total")
                && l.split_whitespace().last().unwrap().parse::<f64>().unwrap() >= 1.0),
        "{metrics}"
    );

    // The duplicate's own webhooks never touched our call; it ends with the followed call.
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    let ours = call::Entity::find_by_id(ours.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ours.status, "ENDED");
    assert_eq!(ours.provider_call_id.as_deref(), Some(followed.as_str()));
    assert!(ours.started_at.is_some() && ours.duration_seconds.unwrap() >= 5.0);
    assert_eq!(app.sim.stats().active_calls, 0);
}

/// A dial marker judged by another node (a takeover): on PostgreSQL the marker is the
/// database's time and its age is read on the database's clock, so a taker whose own clock runs
/// an hour ahead still sees the dial as sent moments ago — it does not look it up (and perhaps
/// place it again) before the settle window has passed.
#[tokio::test]
async fn a_dial_markers_age_does_not_depend_on_the_nodes_clocks() {
    use autolynx::store;
    use sea_orm::ConnectionTrait;
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        return; // SQLite: one process writes and reads its markers, with one clock.
    }
    let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT clock_timestamp() - interval '10 seconds' AS marker",
        ))
        .await
        .unwrap()
        .unwrap();
    let marker: chrono::DateTime<chrono::Utc> = row.try_get("", "marker").unwrap();
    let ahead = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    let local = store::calls::marker_on_local_clock(&db, marker, ahead)
        .await
        .unwrap();
    let age = (ahead - local).to_std().unwrap();
    assert!(
        age >= Duration::from_secs(10) && age < Duration::from_secs(15),
        "the marker is 10 s old on the database's clock, not {age:?}"
    );
}

/// After a crash, a dial whose answer was lost is resolved from its *last* send: nothing is
/// concluded before the settle window after it, then the provider's list decides — adopted
/// when it shows the call, placed again (once) when it proves its absence.
#[tokio::test]
async fn unresolved_dials_after_a_restart_wait_from_their_last_send() {
    use autolynx::provider::{CreateCall, Provider};
    use autolynx::store;
    let mut config = sim(Faults::default());
    config.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(config, &[("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "3000")]).await;
    let assistant = app.seed_assistant("A").await;
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &crate::helpers::contacts_csv(5),
            &[],
        )
        .await;
    let id: Uuid = created["campaignId"].as_str().unwrap().parse().unwrap();
    // A crash left two dials sent without an answer: one reached the provider, one did not.
    // Their intents are old; their last sends are now.
    let contacts = contact::Entity::find()
        .filter(contact::Column::CampaignId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    let mut calls = Vec::new();
    for c in &contacts[..2] {
        let call = store::calls::claim(&app.db, c).await.unwrap().unwrap();
        call::Entity::update_many()
            .col_expr(
                call::Column::DialIntentAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(10)),
            )
            .filter(call::Column::Id.eq(call.id))
            .exec(&app.db)
            .await
            .unwrap();
        store::calls::mark_dial_sent(&app.db, call.id)
            .await
            .unwrap();
        calls.push((c.clone(), call));
    }
    let client = autolynx::provider::vapi::VapiClient::with(
        app.sim.base_url(),
        app.sim.api_key(),
        Default::default(),
    )
    .unwrap();
    let (reached, reached_call) = &calls[0];
    // Its webhooks are lost too, so only the provider's list can tell what happened.
    app.sim.set_faults(Faults {
        webhook_drop_rate: 1.0,
        ..Faults::default()
    });
    let placed = client
        .create_call(&CreateCall {
            call_id: reached_call.id,
            campaign_id: id,
            assistant_id: "asst".into(),
            phone_number_id: "phone-test".into(),
            customer_number: reached.phone_e164.clone(),
            customer_name: None,
            variable_values: Default::default(),
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.sim.set_faults(Faults::default());
    let adopted_at = tokio::time::Instant::now();
    store::campaigns::transition(
        &app.db,
        id,
        autolynx::domain::campaign::CampaignStatus::Created,
        autolynx::domain::campaign::CampaignStatus::Queued,
        None,
    )
    .await
    .unwrap();
    // On PostgreSQL the node's round may already run it (a campaign with live calls is run
    // even while CREATED) with the status it read then: start over, as a restarted process
    // would.
    app.runtime.kill_supervisor_for_test(id).await;
    assert_eq!(app.runtime.adopt(None).await.unwrap(), vec![id]);
    let (lost, lost_call) = &calls[1];
    // Within the settle window after the last send, the lost dial is not placed again.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(
        app.sim.stats().dials_by_customer.get(&lost.phone_e164),
        None,
        "placed again before its settle window was over"
    );
    app.wait_for_status(&id.to_string(), "COMPLETED", Duration::from_secs(20))
        .await;
    assert!(adopted_at.elapsed() >= Duration::from_millis(2_500));

    let adopted = store::calls::get(&app.db, reached_call.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        adopted.provider_call_id.as_deref(),
        Some(placed.id.as_str())
    );
    assert_eq!(adopted.status, "ENDED");
    let redialed = store::calls::get(&app.db, lost_call.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redialed.status, "ENDED", "{redialed:?}");
    let stats = app.sim.stats();
    assert_never_twice(&stats);
    assert_eq!(stats.dials_by_customer.get(&reached.phone_e164), Some(&1));
    assert_eq!(stats.dials_by_customer.get(&lost.phone_e164), Some(&1));
    assert_eq!(stats.calls_created, 5);
}

/// After `/pause` or `/stop` answers, no `POST /call` leaves for the campaign — not a retry of
/// a 429 or a 5xx, not a concurrency wait, not a contact claimed just before. Claimed contacts
/// whose dial was not sent are given back: PENDING on pause, NOT_ATTEMPTED on stop; after a
/// stop no contact is PENDING.
#[tokio::test]
async fn no_dial_leaves_after_pause_or_stop_answers() {
    let mut config = sim(Faults {
        rate_limit_rate: 0.3,
        retry_after_secs: 0,
        server_error_rate: 0.15,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(300, 600),
        ..Timings::fast()
    };
    // Timing matters here: the machine to itself.
    let app = spawn_app_on(TestDb::exclusive().await, config, &[]).await;
    for command in ["pause", "stop"] {
        app.sim.reset();
        let id = app.start_campaign(60, &[("cap", "5")]).await;
        wait_until("some dials", Duration::from_secs(20), async || {
            app.sim.stats().create_requests >= 15
        })
        .await;
        let body = (command == "stop").then(|| serde_json::json!({ "mode": "finish" }));
        control(&app, &id, command, body).await;
        let answered_ms = chrono::Utc::now().timestamp_millis();
        let baseline = app.sim.stats();
        // Long enough for every retry (≤ 200 ms), concurrency wait and settle window (1.5 s).
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        let after = app.sim.stats();
        // A request sent just before the gate closed may still be in transit on loopback.
        assert!(
            after.last_create_request_ms <= answered_ms + 200,
            "{command}: a POST /call left {} ms after the answer ({} requests before, {} after)",
            after.last_create_request_ms - answered_ms,
            baseline.create_requests,
            after.create_requests
        );
        assert_never_twice(&after);
        let expected = if command == "pause" {
            "PENDING"
        } else {
            "NOT_ATTEMPTED"
        };
        wait_until("live calls to end", Duration::from_secs(20), async || {
            app.calls_of(&id)
                .await
                .iter()
                .all(|c| !matches!(c.status.as_str(), "QUEUED" | "RINGING" | "IN_PROGRESS"))
        })
        .await;
        let calls = app.calls_of(&id).await;
        let contacts = app.contacts_of(&id).await;
        for call in calls.iter().filter(|c| c.status == "CANCELED") {
            let contact = contacts.iter().find(|c| c.id == call.contact_id).unwrap();
            assert_eq!(contact.status, expected, "{call:?}");
            assert_eq!(contact.attempts, 0, "no attempt used: {contact:?}");
        }
        if command == "stop" {
            assert!(
                contacts
                    .iter()
                    .all(|c| c.status != "PENDING" && c.status != "DIALING"),
                "{contacts:?}"
            );
            app.wait_for_status(&id, "STOPPED", Duration::from_secs(5))
                .await;
        } else {
            assert!(contacts.iter().any(|c| c.status == "PENDING"));
            control(&app, &id, "resume", None).await;
            app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
                .await;
            assert_never_twice(&app.sim.stats());
        }
    }
}

/// `stop` with `hangup` ends every call that may be live, dials not resolved yet included: a
/// call the provider creates after the stop is ended as soon as it is found.
#[tokio::test]
async fn stop_hangup_ends_calls_whose_dial_was_not_resolved_yet() {
    let mut config = sim(Faults {
        late_create_rate: 1.0,
        timeout_ms: 1_000,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(60_000, 60_000),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(config, &[]).await;
    let id = app.start_campaign(10, &[("cap", "3")]).await;
    wait_until("three sends", Duration::from_secs(10), async || {
        app.sim.stats().create_requests >= 3
    })
    .await;
    // The three calls do not exist yet: the provider creates them after the stop.
    assert_eq!(app.sim.stats().calls_created, 0);
    control(
        &app,
        &id,
        "stop",
        Some(serde_json::json!({ "mode": "hangup" })),
    )
    .await;
    wait_until(
        "the late calls to be created",
        Duration::from_secs(5),
        async || app.sim.stats().calls_created == 3,
    )
    .await;
    wait_until("every call ended", Duration::from_secs(15), async || {
        app.sim.stats().active_calls == 0
            && app
                .calls_of(&id)
                .await
                .iter()
                .all(|c| c.status == "CANCELED")
    })
    .await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_ended_by_control, 3, "{stats:?}");
    assert_eq!(stats.create_requests, 3, "nothing dialed after the stop");
    let contacts = app.contacts_of(&id).await;
    assert!(contacts.iter().all(|c| c.status != "PENDING"));
    assert_eq!(
        contacts
            .iter()
            .filter(|c| c.status == "NOT_ATTEMPTED")
            .count(),
        7
    );
}

/// Vapi does not retry webhooks by default: a call whose end messages were all lost is noticed
/// within its assistant's `maxDurationSeconds` plus the margin, not after the ten-minute
/// silence timeout.
#[tokio::test]
async fn calls_whose_final_webhooks_were_lost_are_noticed_by_max_duration() {
    let mut config = sim(Faults {
        webhook_drop_rate: 1.0,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(
        config,
        &[
            ("AUTOLYNX__RUNTIME__SILENCE_TIMEOUT_MS", "600000"),
            ("AUTOLYNX__RUNTIME__END_CHECK_MARGIN_MS", "500"),
        ],
    )
    .await;
    let assistant = autolynx::store::assistants::insert(
        &app.db,
        autolynx::store::assistants::NewAssistant {
            provider_assistant_id: format!("asst-{}", Uuid::new_v4()),
            name: "Short calls".into(),
            source: autolynx::store::assistants::Source::Local,
            template_key: None,
            config: serde_json::json!({ "name": "Short calls", "maxDurationSeconds": 1 }),
            ephemeral: false,
            created_by: None,
        },
    )
    .await
    .unwrap();
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant.id,
            &crate::helpers::contacts_csv(4),
            &[("cap", "2")],
        )
        .await;
    let id = created["campaignId"].as_str().unwrap().to_owned();
    control(&app, &id, "start", None).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(15))
        .await;
    let stats = app.sim.stats();
    assert_eq!(stats.webhooks_delivered, 0, "every webhook was lost");
    assert!(
        app.calls_of(&id)
            .await
            .iter()
            .all(|c| c.status == "ENDED" && c.ended_reason.is_some()),
        "ended from GET /call"
    );
}

/// Stored settings that no longer parse never mean "any time" or "no limit": the campaign is
/// FAILED with the reason and nothing is dialed.
#[tokio::test]
async fn unreadable_stored_settings_fail_the_campaign_closed() {
    for (key, bad) in [
        (
            "callingHours",
            serde_json::json!({ "window": "25:00-99:00", "days": ["mon"], "timezone": "UTC" }),
        ),
        ("redial", serde_json::json!({ "maxAttempts": "many" })),
    ] {
        let app = spawn_app_with_sim(sim(Faults::default()), &[]).await;
        let id = app.created_campaign(3, &[]).await;
        let uuid: Uuid = id.parse().unwrap();
        let model = autolynx::store::entities::campaign::Entity::find_by_id(uuid)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut settings = model.settings_json.clone();
        settings[key] = bad;
        autolynx::store::entities::campaign::Entity::update_many()
            .col_expr(
                autolynx::store::entities::campaign::Column::SettingsJson,
                sea_orm::sea_query::Expr::value(settings),
            )
            .filter(autolynx::store::entities::campaign::Column::Id.eq(uuid))
            .exec(&app.db)
            .await
            .unwrap();
        control(&app, &id, "start", None).await;
        let detail = app
            .wait_for_status(&id, "FAILED", Duration::from_secs(10))
            .await;
        let text = detail.to_string();
        assert!(text.contains("do not parse"), "{key}: {detail}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(app.sim.stats().create_requests, 0, "{key}: nothing dialed");
    }
}

/// Webhooks may overtake the dial's own answer: a call ringing before `POST /call` answered
/// still moves the campaign to RUNNING.
#[tokio::test]
async fn news_before_the_dial_answer_moves_the_campaign_to_running() {
    let mut config = sim(Faults {
        lost_response_rate: 1.0,
        timeout_ms: 1_000,
        ..Faults::default()
    });
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(2_500, 2_500),
        ..Timings::fast()
    };
    let test_db = TestDb::new().await;
    let app = spawn_app_on(test_db, config, &[]).await;
    let id = app.start_campaign(1, &[]).await;
    app.wait_for_status(&id, "RUNNING", Duration::from_secs(5))
        .await;
    // Still unanswered: the client's timeout (500 ms) and the held answer (1 s) are not over
    // when the call rings, yet the campaign is RUNNING.
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(15))
        .await;
    let stats = app.sim.stats();
    assert_eq!(stats.create_requests, 1);
    assert_never_twice(&stats);
}

/// A database unavailable for a few seconds mid-campaign fails neither the campaign nor any
/// live call: restarts back off, trackers follow their calls again, and the cap holds.
#[tokio::test]
async fn a_database_outage_mid_campaign_fails_nothing() {
    let mut config = sim(Faults::default());
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(300, 800),
        ..Timings::fast()
    };
    let test_db = TestDb::exclusive().await;
    let outage_db = test_db.handle();
    // Waiting for a connection gives up after 1 s, so the outage surfaces as errors (with
    // the default 5 s the pool would mostly wait it out).
    let app = spawn_app_on(
        test_db,
        config,
        &[("AUTOLYNX__DATABASE__CONNECT_TIMEOUT_SECS", "1")],
    )
    .await;
    let id = app.start_campaign(40, &[("cap", "4")]).await;
    wait_until("calls live", Duration::from_secs(20), async || {
        app.sim.stats().calls_created >= 8 && app.sim.stats().active_calls >= 3
    })
    .await;
    outage_db.outage(Duration::from_secs(5)).await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(120))
        .await;
    let stats = app.sim.stats();
    assert_never_twice(&stats);
    assert_eq!(stats.calls_created, 40, "{stats:?}");
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 4,
        "cap exceeded: {stats:?}"
    );
    let calls = app.calls_of(&id).await;
    let failed: Vec<_> = calls.iter().filter(|c| c.status != "ENDED").collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// The root never waits on a supervisor: while one campaign's supervisor is busy (and a
/// command for it waits in its mailbox), other campaigns' commands and the health check answer
/// at once.
#[tokio::test]
async fn a_busy_supervisor_holds_up_no_other_campaign() {
    let mut config = sim(Faults::default());
    config.outcomes = OutcomeMix::all_answered();
    config.timings = Timings {
        call_ms: MsRange::new(20_000, 20_000),
        ..Timings::fast()
    };
    let app = spawn_app_with_sim(
        config,
        &[("AUTOLYNX__RUNTIME__SILENCE_TIMEOUT_MS", "60000")],
    )
    .await;
    let busy = app.start_campaign(2, &[]).await;
    let other = app.start_campaign(2, &[]).await;
    app.wait_for_status(&other, "RUNNING", Duration::from_secs(10))
        .await;
    app.runtime
        .inject_supervisor_stall(busy.parse().unwrap(), Duration::from_secs(4));
    // A command for the busy campaign waits in its supervisor's mailbox...
    let waiting = {
        let client = app.client.clone();
        let url = app.url(&format!("/api/campaigns/{busy}/pause"));
        let token = app.admin_token.clone();
        tokio::spawn(async move { client.post(url).bearer_auth(token).send().await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...while the other campaign and the health check answer at once.
    let started = std::time::Instant::now();
    control(&app, &other, "pause", None).await;
    let health = app.get("/api/health", None).await;
    let elapsed = started.elapsed();
    assert_eq!(health.status, reqwest::StatusCode::OK, "{:?}", health.body);
    assert!(
        elapsed < Duration::from_secs(2),
        "held up by the busy supervisor: {elapsed:?}"
    );
    let reply = waiting.await.unwrap().unwrap();
    assert!(reply.status().is_success(), "{}", reply.status());
}

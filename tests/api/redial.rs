//! Redials: unanswered contacts are called again after the campaign's delay, up to its number of
//! attempts; answered ones never are, and each attempt is still dialed at most once.

use std::collections::BTreeMap;
use std::time::Duration;

use autolynx::provider::simulator::{MsRange, OutcomeMix, SimulatorConfig};
use autolynx::store::entities::call;
use poem::http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::helpers::{
    CampaignForm, TestApp, assert_envelope, contacts_csv, spawn_app, spawn_app_with_sim,
};

fn nobody_answers() -> SimulatorConfig {
    let mut sim = SimulatorConfig::fast();
    sim.outcomes = OutcomeMix {
        answered: 0.0,
        no_answer: 1.0,
        busy: 0.0,
        voicemail: 0.0,
        error: 0.0,
    };
    sim.timings.ring_ms = MsRange::new(50, 50);
    sim
}

async fn calls_by_contact(app: &TestApp, campaign: &str) -> BTreeMap<Uuid, Vec<call::Model>> {
    let id: Uuid = campaign.parse().unwrap();
    let mut by_contact: BTreeMap<Uuid, Vec<call::Model>> = BTreeMap::new();
    for c in call::Entity::find()
        .filter(call::Column::CampaignId.eq(id))
        .order_by_asc(call::Column::DialIntentAt)
        .all(&app.db)
        .await
        .unwrap()
    {
        by_contact.entry(c.contact_id).or_default().push(c);
    }
    by_contact
}

#[tokio::test]
async fn unanswered_contacts_are_redialed_after_the_delay_up_to_the_attempts() {
    let app = spawn_app_with_sim(nobody_answers(), &[]).await;
    let id = app
        .start_campaign(
            5,
            &[
                ("cap", "5"),
                ("maxAttempts", "3"),
                ("redialDelaySeconds", "1"),
                ("redialOn", "no-answer,busy"),
            ],
        )
        .await;
    let detail = app
        .wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    assert_eq!(detail["redial"]["maxAttempts"], 3);
    assert_eq!(detail["redial"]["delaySeconds"], 1);
    assert_eq!(
        detail["redial"]["on"],
        serde_json::json!(["no-answer", "busy"])
    );

    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 15, "{stats:?}");
    assert!(
        stats.dials_by_customer.values().all(|n| *n == 3),
        "{stats:?}"
    );
    for c in app.contacts_of(&id).await {
        assert_eq!(c.status, "DONE");
        assert_eq!(c.attempts, 3);
        assert_eq!(c.outcome.as_deref(), Some("no-answer"));
    }
    let calls = calls_by_contact(&app, &id).await;
    assert_eq!(calls.len(), 5);
    for attempts in calls.values() {
        let numbers: Vec<i32> = attempts.iter().map(|c| c.attempt).collect();
        assert_eq!(numbers, [1, 2, 3], "one call per attempt");
        for pair in attempts.windows(2) {
            let waited = pair[1].dial_intent_at - pair[0].ended_at.unwrap();
            assert!(
                waited >= chrono::Duration::milliseconds(900),
                "redialed after {waited:?}, before the delay"
            );
        }
    }
}

#[tokio::test]
async fn answered_contacts_are_never_redialed() {
    let mut sim = SimulatorConfig::fast();
    sim.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(sim, &[]).await;
    let id = app
        .start_campaign(
            4,
            &[
                ("maxAttempts", "3"),
                ("redialDelaySeconds", "1"),
                ("redialOn", "no-answer,busy,voicemail,retryable-error"),
            ],
        )
        .await;
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 4, "{stats:?}");
    assert!(app.contacts_of(&id).await.iter().all(|c| c.attempts == 1));
}

#[tokio::test]
async fn a_stop_settles_contacts_waiting_for_a_redial_with_their_outcome() {
    let app = spawn_app_with_sim(nobody_answers(), &[]).await;
    let id = app
        .start_campaign(3, &[("maxAttempts", "2"), ("redialDelaySeconds", "600")])
        .await;
    // Every first attempt ends; the contacts wait for their redial and the campaign with them.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let waiting = app
            .contacts_of(&id)
            .await
            .into_iter()
            .filter(|c| c.status == "PENDING" && c.next_attempt_at.is_some())
            .count();
        if waiting == 3 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let page = app
        .get(
            &format!("/api/campaigns/{id}/contacts"),
            Some(&app.admin_token),
        )
        .await;
    assert!(
        page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["nextAttemptAt"].is_string()),
        "{:?}",
        page.body
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.sim.stats().calls_created,
        3,
        "redialed before the delay"
    );
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "RUNNING");

    let stopped = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{id}/stop"),
            Some(&app.admin_token),
            Some(serde_json::json!({ "mode": "finish" })),
        )
        .await;
    assert_eq!(stopped.status, StatusCode::OK, "{:?}", stopped.body);
    app.wait_for_status(&id, "STOPPED", Duration::from_secs(10))
        .await;
    for c in app.contacts_of(&id).await {
        assert_eq!(
            c.status, "DONE",
            "an attempted contact is not 'not attempted'"
        );
        assert_eq!(c.outcome.as_deref(), Some("no-answer"));
    }
}

#[tokio::test]
async fn redial_settings_are_validated() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("Redial").await;
    for (extra, field) in [
        (("maxAttempts", "0"), "maxAttempts"),
        (("maxAttempts", "11"), "maxAttempts"),
        (("redialDelaySeconds", "0"), "redialDelaySeconds"),
        (("redialOn", "answered"), "redialOn"),
        (("redialOn", "no-answer,unknown"), "redialOn"),
    ] {
        let mut fields = vec![
            ("name", "Redial".to_owned()),
            ("assistantId", assistant.to_string()),
            ("phoneNumberId", "phone-test".to_owned()),
            (extra.0, extra.1.to_owned()),
        ];
        if extra.0 != "maxAttempts" {
            fields.push(("maxAttempts", "3".to_owned()));
        }
        let form = CampaignForm {
            csv: contacts_csv(2),
            fields,
        };
        let reply = app.post_campaign(&app.admin_token, form).await;
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], field, "{extra:?}: {error}");
    }
    // One attempt (the default) is no policy at all.
    let created = app
        .create_campaign(&app.admin_token, assistant, &contacts_csv(2), &[])
        .await;
    assert!(created["campaign"]["redial"].is_null());
    // Naming no outcome (blank, or only commas) leaves the default in place.
    for blank in ["", " , "] {
        let created = app
            .create_campaign(
                &app.admin_token,
                assistant,
                &contacts_csv(2),
                &[("maxAttempts", "2"), ("redialOn", blank)],
            )
            .await;
        assert_eq!(
            created["campaign"]["redial"]["on"],
            serde_json::json!(["no-answer", "busy", "retryable-error"]),
            "{blank:?}"
        );
    }
}

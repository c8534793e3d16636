//! `POST /api/webhooks/vapi` driven by hand: authentication, ordering, duplicates, unknown
//! calls, malformed bodies.

use chrono::{Duration as ChronoDuration, Utc};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Reply, TestApp, WEBHOOK_SECRET, spawn_app};
use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::verify::WebhookVerifier;
use autolynx::store;
use autolynx::store::entities::{call, call_event, contact};

const PATH: &str = "/api/webhooks/vapi";

fn signer() -> WebhookVerifier {
    WebhookVerifier::from_settings(&WebhookSettings::new(
        WebhookScheme::Hmac,
        Some(WEBHOOK_SECRET),
    ))
    .unwrap()
}

async fn post_raw(app: &TestApp, body: &[u8], headers: &[(String, String)]) -> Reply {
    let mut req = app
        .client
        .post(app.url(PATH))
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let body = resp.json().await.unwrap_or(Value::Null);
    Reply { status, body }
}

fn signed_headers(body: &[u8], at: chrono::DateTime<Utc>) -> Vec<(String, String)> {
    signer()
        .sign("POST", PATH, body, at)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect()
}

async fn post_signed(app: &TestApp, message: Value) -> Reply {
    let body = serde_json::to_vec(&json!({ "message": message })).unwrap();
    let headers = signed_headers(&body, Utc::now());
    post_raw(app, &body, &headers).await
}

/// A campaign with one claimed contact: a dial intent without provider id.
async fn claimed_call(app: &TestApp) -> call::Model {
    let assistant = app.seed_assistant("A").await;
    app.create_campaign(
        &app.admin_token,
        assistant,
        &crate::helpers::contacts_csv(1),
        &[],
    )
    .await;
    let contact = contact::Entity::find().one(&app.db).await.unwrap().unwrap();
    store::calls::claim(&app.db, &contact)
        .await
        .unwrap()
        .unwrap()
}

/// A claimed call the provider knows as `provider_id`.
async fn placed_call(app: &TestApp, provider_id: &str) -> call::Model {
    let call = claimed_call(app).await;
    store::calls::set_provider_call(&app.db, call.id, provider_id, None, None)
        .await
        .unwrap();
    store::calls::get(&app.db, call.id).await.unwrap().unwrap()
}

fn call_json(provider_id: &str, ours: Uuid) -> Value {
    json!({
        "id": provider_id,
        "status": "in-progress",
        "assistantOverrides": { "metadata": { "autolynxCallId": ours.to_string() } },
    })
}

async fn reload(app: &TestApp, id: Uuid) -> call::Model {
    store::calls::get(&app.db, id).await.unwrap().unwrap()
}

#[tokio::test]
async fn unauthenticated_deliveries_are_refused() {
    let app = spawn_app().await;
    let call = placed_call(&app, "prov-1").await;
    let body = serde_json::to_vec(&json!({ "message": {
        "type": "status-update", "status": "ended", "endedReason": "customer-busy",
        "call": call_json("prov-1", call.id),
    }}))
    .unwrap();
    let good = signed_headers(&body, Utc::now());

    // Missing headers.
    let reply = post_raw(&app, &body, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "unauthorized");
    // One byte changed.
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] = b' ';
    assert_eq!(
        post_raw(&app, &tampered, &good).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Wrong secret.
    let other = WebhookVerifier::from_settings(&WebhookSettings::new(
        WebhookScheme::Hmac,
        Some("another-secret"),
    ))
    .unwrap();
    let wrong: Vec<(String, String)> = other
        .sign("POST", PATH, &body, Utc::now())
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        post_raw(&app, &body, &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Replayed: a valid signature over an old timestamp.
    let old = signed_headers(&body, Utc::now() - ChronoDuration::hours(1));
    assert_eq!(
        post_raw(&app, &body, &old).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Nothing was recorded or applied.
    assert_eq!(call_event::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(reload(&app, call.id).await.status, "QUEUED");

    // The genuine delivery works.
    let reply = post_raw(&app, &body, &good).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reload(&app, call.id).await.status, "ENDED");
}

#[tokio::test]
async fn a_report_before_the_final_status_still_ends_the_call_right() {
    let app = spawn_app().await;
    let call = placed_call(&app, "prov-2").await;
    let report = post_signed(
        &app,
        json!({
            "type": "end-of-call-report",
            "endedReason": "customer-ended-call",
            "call": call_json("prov-2", call.id),
            "cost": 0.31,
            "durationSeconds": 42.5,
            "artifact": { "transcript": "AI: Hello\nUser: Hi", "recordingUrl": "https://rec/1.wav" },
            "analysis": { "summary": "Interested.", "successEvaluation": "true" },
            "timestamp": Utc::now().timestamp_millis(),
        }),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    let after = reload(&app, call.id).await;
    assert_eq!(after.status, "ENDED");
    assert_eq!(after.outcome.as_deref(), Some("answered"));
    assert_eq!(after.cost, Some(0.31));
    assert_eq!(after.successful, Some(true));
    assert_eq!(after.recording_url.as_deref(), Some("https://rec/1.wav"));

    // Late status updates change nothing.
    for status in ["ringing", "in-progress", "ended"] {
        let reply = post_signed(
            &app,
            json!({ "type": "status-update", "status": status, "call": call_json("prov-2", call.id) }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let later = reload(&app, call.id).await;
    assert_eq!(later.status, "ENDED");
    assert_eq!(later.cost, Some(0.31));
    assert_eq!(later.ended_reason.as_deref(), Some("customer-ended-call"));
    let contact = contact::Entity::find_by_id(call.contact_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.status, "DONE");
    assert_eq!(contact.outcome.as_deref(), Some("answered"));
}

#[tokio::test]
async fn duplicates_are_recorded_once_and_change_nothing() {
    let app = spawn_app().await;
    let call = placed_call(&app, "prov-3").await;
    let message = json!({ "type": "status-update", "status": "ringing", "call": call_json("prov-3", call.id) });
    for _ in 0..3 {
        assert_eq!(
            post_signed(&app, message.clone()).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(call_event::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(reload(&app, call.id).await.status, "RINGING");
}

#[tokio::test]
async fn our_id_finds_a_call_before_its_provider_id_is_stored() {
    let app = spawn_app().await;
    let call = claimed_call(&app).await;
    // Legacy shape: our id in call.metadata.
    let reply = post_signed(
        &app,
        json!({ "type": "status-update", "status": "in-progress",
                "call": { "id": "prov-4", "metadata": { "autolynxCallId": call.id.to_string() } } }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let found = reload(&app, call.id).await;
    assert_eq!(found.status, "IN_PROGRESS");
    // The message resolved the dial: the provider's id is stored with it.
    assert_eq!(found.provider_call_id.as_deref(), Some("prov-4"));
}

#[tokio::test]
async fn a_second_provider_call_carrying_our_id_is_a_duplicate_never_applied() {
    let app = spawn_app().await;
    let call = placed_call(&app, "prov-5").await;
    // The provider created another call for the same dial; it ends before ours does.
    for status in ["in-progress", "ended"] {
        let reply = post_signed(
            &app,
            json!({ "type": "status-update", "status": status,
                    "endedReason": "customer-ended-call",
                    "call": call_json("prov-dup", call.id) }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let ours = reload(&app, call.id).await;
    assert_eq!(ours.status, "QUEUED", "the duplicate's news is not ours");
    assert_eq!(ours.provider_call_id.as_deref(), Some("prov-5"));
    let trail = call_event::Entity::find().all(&app.db).await.unwrap();
    let duplicates: Vec<_> = trail
        .iter()
        .filter(|e| e.event_type == "duplicate-call")
        .collect();
    assert_eq!(duplicates.len(), 1, "recorded once: {trail:?}");
    assert_eq!(duplicates[0].payload["providerCallId"], "prov-dup");
    // Both deliveries are on the trail too.
    assert_eq!(trail.len(), 3);
}

#[tokio::test]
async fn unknown_calls_are_202_and_malformed_bodies_400() {
    let app = spawn_app().await;
    let reply = post_signed(
        &app,
        json!({ "type": "status-update", "status": "ended", "call": { "id": "nobody" } }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(call_event::Entity::find().count(&app.db).await.unwrap(), 0);

    for body in [&b"{not json"[..], &b"{\"noMessage\": 1}"[..], &b"[]"[..]] {
        let headers = signed_headers(body, Utc::now());
        let reply = post_raw(&app, body, &headers).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(reply.body["error"]["code"], "bad_request");
    }
}

#[tokio::test]
async fn types_that_change_nothing_are_acknowledged() {
    let app = spawn_app().await;
    let call = placed_call(&app, "prov-5").await;
    for kind in [
        "conversation-update",
        "speech-update",
        "hang",
        "some-new-type",
    ] {
        let reply = post_signed(
            &app,
            json!({ "type": kind, "call": call_json("prov-5", call.id), "unknownField": [1, 2] }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}");
    }
    assert_eq!(reload(&app, call.id).await.status, "QUEUED");
}

#[tokio::test]
async fn serve_refuses_to_start_without_a_webhook_secret_unless_told_to() {
    use autolynx::startup::Application;
    let db = crate::helpers::TestDb::new().await;
    let refused = Application::build(crate::helpers::test_settings(
        &db.url,
        &[("WEBHOOK_SHARED_SECRET", "")],
    ))
    .await;
    let error = format!("{:#}", refused.err().expect("refused without a secret"));
    assert!(error.contains("webhook secret"), "{error}");
    assert!(error.contains("allow_unsigned"), "{error}");

    let allowed = Application::build(crate::helpers::test_settings(
        &db.url,
        &[
            ("WEBHOOK_SHARED_SECRET", ""),
            ("AUTOLYNX__WEBHOOK__ALLOW_UNSIGNED", "true"),
        ],
    ))
    .await;
    assert!(allowed.is_ok(), "explicit opt-in starts");
}

//! Secret rotation without downtime: webhook deliveries and cron ticks authenticated with the
//! previous secret are accepted while it is configured (and only then); API tokens expire.

use chrono::{Duration as ChronoDuration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Reply, TestApp, WEBHOOK_SECRET, assert_envelope, spawn_app_with};
use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::verify::WebhookVerifier;
use autolynx::store;
use autolynx::store::entities::contact;

const PATH: &str = "/api/webhooks/vapi";
const OLD_WEBHOOK_SECRET: &str = "old-webhook-secret-being-rotated";

/// Posts `message` authenticated with `secret` under `scheme`, as Vapi would.
async fn deliver(app: &TestApp, scheme: WebhookScheme, secret: &str, message: Value) -> Reply {
    let body = serde_json::to_vec(&json!({ "message": message })).unwrap();
    let signer =
        WebhookVerifier::from_settings(&WebhookSettings::new(scheme, Some(secret))).unwrap();
    let mut req = app
        .client
        .post(app.url(PATH))
        .header("Content-Type", "application/json")
        .body(body.clone());
    for (k, v) in signer.sign("POST", PATH, &body, Utc::now()).unwrap() {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    Reply {
        status,
        body: resp.json().await.unwrap_or(Value::Null),
    }
}

/// A status update about a call nobody knows: 202 once authenticated, 401 otherwise.
fn stray_update() -> Value {
    json!({
        "type": "status-update",
        "status": "ringing",
        "call": { "id": format!("prov-{}", Uuid::new_v4()), "status": "ringing" },
    })
}

#[tokio::test]
async fn a_delivery_signed_with_the_previous_webhook_secret_is_applied() {
    let app = spawn_app_with(&[("WEBHOOK_PREVIOUS_SECRET", OLD_WEBHOOK_SECRET)]).await;
    // A call the provider knows as prov-rot.
    let assistant = app.seed_assistant("A").await;
    app.create_campaign(
        &app.admin_token,
        assistant,
        &crate::helpers::contacts_csv(1),
        &[],
    )
    .await;
    let contact = contact::Entity::find().one(&app.db).await.unwrap().unwrap();
    let call = store::calls::claim(&app.db, &contact)
        .await
        .unwrap()
        .unwrap();
    store::calls::set_provider_call(&app.db, call.id, "prov-rot", None, None)
        .await
        .unwrap();
    let ended = json!({
        "type": "status-update", "status": "ended", "endedReason": "customer-busy",
        "call": {
            "id": "prov-rot", "status": "ended",
            "assistantOverrides": { "metadata": { "autolynxCallId": call.id.to_string() } },
        },
    });

    // An unrelated secret is refused and changes nothing.
    let refused = deliver(&app, WebhookScheme::Hmac, "unrelated-secret", ended.clone()).await;
    assert_envelope(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    let unchanged = store::calls::get(&app.db, call.id).await.unwrap().unwrap();
    assert_eq!(unchanged.status, "QUEUED");

    // Vapi still signs with the old secret: the delivery is not lost.
    let reply = deliver(&app, WebhookScheme::Hmac, OLD_WEBHOOK_SECRET, ended).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let after = store::calls::get(&app.db, call.id).await.unwrap().unwrap();
    assert_eq!(after.status, "ENDED");

    // And the new one works too.
    let reply = deliver(&app, WebhookScheme::Hmac, WEBHOOK_SECRET, stray_update()).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{:?}", reply.body);
}

#[tokio::test]
async fn every_webhook_scheme_accepts_the_current_and_the_previous_secret_only() {
    for (scheme, name) in [
        (WebhookScheme::Hmac, "hmac"),
        (WebhookScheme::Bearer, "bearer"),
        (WebhookScheme::XVapiSecret, "x-vapi-secret"),
    ] {
        let app = spawn_app_with(&[
            ("AUTOLYNX__WEBHOOK__SCHEME", name),
            ("WEBHOOK_PREVIOUS_SECRET", OLD_WEBHOOK_SECRET),
        ])
        .await;
        for secret in [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET] {
            let reply = deliver(&app, scheme, secret, stray_update()).await;
            assert_eq!(
                reply.status,
                StatusCode::ACCEPTED,
                "{name}: {:?}",
                reply.body
            );
        }
        let reply = deliver(&app, scheme, "unrelated-secret", stray_update()).await;
        assert_envelope(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

#[tokio::test]
async fn without_a_previous_webhook_secret_the_old_one_is_refused() {
    let app = spawn_app_with(&[]).await;
    let reply = deliver(
        &app,
        WebhookScheme::Hmac,
        OLD_WEBHOOK_SECRET,
        stray_update(),
    )
    .await;
    assert_envelope(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    let reply = deliver(&app, WebhookScheme::Hmac, WEBHOOK_SECRET, stray_update()).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{:?}", reply.body);
}

async fn tick(app: &TestApp, secret: &str) -> Reply {
    app.request(Method::POST, "/api/scheduler/tick", Some(secret), None)
        .await
}

#[tokio::test]
async fn a_cron_tick_with_the_previous_secret_is_accepted_while_it_is_set() {
    let app = spawn_app_with(&[
        ("CRON_SHARED_SECRET", "new-cron-secret"),
        ("CRON_PREVIOUS_SECRET", "old-cron-secret"),
    ])
    .await;
    for secret in ["new-cron-secret", "old-cron-secret"] {
        let reply = tick(&app, secret).await;
        assert_eq!(reply.status, StatusCode::OK, "{secret}: {:?}", reply.body);
    }
    assert_envelope(
        &tick(&app, "unrelated-cron-secret").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );

    // Rotation finished: the previous secret is unset and no longer works.
    let app = spawn_app_with(&[("CRON_SHARED_SECRET", "new-cron-secret")]).await;
    assert_envelope(
        &tick(&app, "old-cron-secret").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(tick(&app, "new-cron-secret").await.status, StatusCode::OK);
}

/// Issues a token for `user` with `body` and returns the reply.
async fn issue(app: &TestApp, user: Uuid, body: Value) -> Reply {
    app.request(
        Method::POST,
        &format!("/api/users/{user}/tokens"),
        Some(&app.admin_token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn an_expired_token_is_refused_and_its_fresh_replacement_accepted() {
    let app = spawn_app_with(&[]).await;
    let (user, _) = app.create_user("rotating", "operator").await;

    // The old token expires shortly; the new one is issued while the old still works.
    let old_expiry = Utc::now() + ChronoDuration::milliseconds(1500);
    let old = issue(
        &app,
        user,
        json!({ "name": "old", "expiresAt": old_expiry.to_rfc3339() }),
    )
    .await;
    assert_eq!(old.status, StatusCode::CREATED, "{:?}", old.body);
    let old_token = old.body["token"].as_str().unwrap().to_owned();
    let new = issue(&app, user, json!({ "name": "new", "expiresInDays": 30 })).await;
    assert_eq!(new.status, StatusCode::CREATED, "{:?}", new.body);
    let new_token = new.body["token"].as_str().unwrap().to_owned();
    let new_expiry: chrono::DateTime<Utc> =
        serde_json::from_value(new.body["info"]["expiresAt"].clone()).unwrap();
    let days = (new_expiry - Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "{new_expiry}");

    // Overlap: both work.
    for token in [&old_token, &new_token] {
        assert_eq!(app.get("/api/me", Some(token)).await.status, StatusCode::OK);
    }

    // The list shows each token's expiry (none for the one create_user issued).
    let list = app
        .get(&format!("/api/users/{user}/tokens"), Some(&app.admin_token))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let expiries: Vec<(String, Value)> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["expiresAt"].clone(),
            )
        })
        .collect();
    assert_eq!(expiries.len(), 3, "{expiries:?}");
    assert!(expiries.iter().any(|(n, e)| n == "t" && e.is_null()));
    assert!(expiries.iter().any(|(n, e)| n == "old" && e.is_string()));
    assert!(expiries.iter().any(|(n, e)| n == "new" && e.is_string()));

    // Past its expiry the old token is refused; the new one still works.
    let wait = (old_expiry - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + std::time::Duration::from_millis(200)).await;
    let refused = app.get("/api/me", Some(&old_token)).await;
    let error = assert_envelope(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        error["message"].as_str().unwrap().contains("expired"),
        "{error}"
    );
    assert_eq!(
        app.get("/api/me", Some(&new_token)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_expiry_must_be_in_the_future_and_given_once() {
    let app = spawn_app_with(&[]).await;
    let (user, _) = app.create_user("someone", "operator").await;
    let past = (Utc::now() - ChronoDuration::minutes(1)).to_rfc3339();
    assert_envelope(
        &issue(&app, user, json!({ "name": "x", "expiresAt": past })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let future = (Utc::now() + ChronoDuration::days(1)).to_rfc3339();
    assert_envelope(
        &issue(
            &app,
            user,
            json!({ "name": "x", "expiresAt": future, "expiresInDays": 3 }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let zero = issue(&app, user, json!({ "name": "x", "expiresInDays": 0 })).await;
    assert!(zero.status.is_client_error(), "{:?}", zero.body);
    assert!(zero.body["error"].is_object(), "{:?}", zero.body);
}

#[tokio::test]
async fn the_command_line_issues_expiring_tokens_and_records_them() {
    use secrecy::ExposeSecret;
    let app = spawn_app_with(&[]).await;
    let url = app.settings.database.url.expose_secret().to_owned();
    // Awaited, so the app on this test's runtime keeps running meanwhile.
    let run = |args: &[&str]| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("LOG_LEVEL", "warn")
            .env_remove("AUTOLYNX_CONFIG")
            .output()
    };
    let refused = run(&[
        "token",
        "create",
        "--name",
        "ci",
        "--role",
        "operator",
        "--expires-in-days",
        "0",
    ])
    .await
    .unwrap();
    assert!(!refused.status.success());
    let out = run(&[
        "token",
        "create",
        "--name",
        "ci",
        "--role",
        "operator",
        "--expires-in-days",
        "2",
    ])
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("expires at"), "{stdout}");
    let token = stdout.lines().last().unwrap().trim().to_owned();
    let me = app.get("/api/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    let user = me.body["user"]["id"].as_str().unwrap().to_owned();
    let tokens = app
        .get(&format!("/api/users/{user}/tokens"), Some(&app.admin_token))
        .await;
    let expires: chrono::DateTime<Utc> =
        serde_json::from_value(tokens.body[0]["expiresAt"].clone()).unwrap();
    let hours = (expires - Utc::now()).num_hours();
    assert!((47..=48).contains(&hours), "{expires}");

    let audit = app
        .get("/api/audit?action=token.create", Some(&app.admin_token))
        .await;
    let entry = &audit.body["items"][0];
    assert_eq!(entry["actorUserId"], Value::Null, "{entry}");
    assert!(
        entry["actorName"]
            .as_str()
            .unwrap()
            .contains("command line"),
        "{entry}"
    );
    assert_eq!(entry["details"]["userId"], user.as_str());
}

//! Every protected route refuses missing and wrong tokens; roles and disabled users hold.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Reply, TestApp, assert_envelope, spawn_app};

/// (method, path with parameters filled, operation) for every operation in the served spec.
async fn operations(app: &TestApp) -> Vec<(Method, String, Value)> {
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    let base = spec.body["servers"][0]["url"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let mut ops = Vec::new();
    for (path, item) in spec.body["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().expect("HTTP method");
            let mut filled = path.clone();
            while let (Some(start), Some(end)) = (filled.find('{'), filled.find('}')) {
                filled.replace_range(start..=end, &Uuid::new_v4().to_string());
            }
            ops.push((method, format!("{base}{filled}"), op.clone()));
        }
    }
    assert!(
        ops.len() >= 9,
        "expected the spec to list the API, got {ops:?}"
    );
    ops
}

fn is_protected(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|s| !s.is_empty())
}

async fn send_raw(app: &TestApp, method: Method, path: &str, auth: Option<&str>) -> Reply {
    let mut req = app.client.request(method, app.url(path));
    if let Some(value) = auth {
        req = req.header("Authorization", value);
    }
    let resp = req.json(&json!({})).send().await.unwrap();
    let status = resp.status();
    let body = resp.json().await.unwrap_or(Value::Null);
    Reply { status, body }
}

#[tokio::test]
async fn every_protected_route_answers_401_without_or_with_a_wrong_token() {
    let app = spawn_app().await;
    let ops = operations(&app).await;
    let protected: Vec<_> = ops.iter().filter(|(_, _, op)| is_protected(op)).collect();
    assert!(!protected.is_empty());
    for (method, path, _) in protected {
        for auth in [
            None,
            Some("Bearer alx_wrongtokenwrongtokenwrongtokenwrongtoken0".to_owned()),
            Some("Bearer ".to_owned()),
            Some(format!("Basic {}", app.admin_token)),
        ] {
            let reply = send_raw(&app, method.clone(), path, auth.as_deref()).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {auth:?} answered {:?}",
                reply.body
            );
            assert_envelope(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
}

#[tokio::test]
async fn only_documented_routes_are_public() {
    let app = spawn_app().await;
    let public: Vec<String> = operations(&app)
        .await
        .into_iter()
        .filter(|(_, _, op)| !is_protected(op))
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    // Public: health, the cron tick (authenticated by the cron secret) and the webhook
    // (authenticated by its signature).
    assert_eq!(
        public,
        vec![
            "GET /api/health".to_owned(),
            "POST /api/scheduler/tick".to_owned(),
            "POST /api/webhooks/vapi".to_owned()
        ]
    );
}

#[tokio::test]
async fn operator_gets_403_on_every_admin_route() {
    let app = spawn_app().await;
    let (_, operator) = app.create_user("op", "operator").await;
    let admin_ops: Vec<_> = operations(&app)
        .await
        .into_iter()
        .filter(|(_, _, op)| {
            op["summary"]
                .as_str()
                .is_some_and(|s| s.contains("(admin)"))
        })
        .collect();
    assert!(admin_ops.len() >= 7, "admin operations: {admin_ops:?}");
    for (method, path, op) in admin_ops {
        let body = match op["operationId"].as_str().unwrap() {
            "upsertUser" => Some(json!({ "name": "x", "role": "operator" })),
            "createUserToken" => Some(json!({ "name": "x" })),
            "updateUser" => Some(json!({})),
            "addSuppressed" => Some(json!({ "phone": "+14155552671" })),
            "createAssistant" => Some(json!({ "name": "x" })),
            "importAssistant" => Some(json!({ "providerAssistantId": "x" })),
            "updateAssistant" | "cloneAssistantTemplate" => Some(json!({})),
            _ => None,
        };
        // Required query parameters are given, so the role is what gets refused.
        let query: Vec<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| format!("{}=%2B14155552671", p["name"].as_str().unwrap()))
            .collect();
        let path = if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let reply = if op["requestBody"]["content"]["multipart/form-data"].is_object() {
            multipart_request(&app, method.clone(), &path, &operator).await
        } else {
            app.request(method.clone(), &path, Some(&operator), body)
                .await
        };
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {:?}",
            reply.body
        );
        assert_envelope(&reply, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn me_tells_who_the_token_belongs_to() {
    let app = spawn_app().await;
    let (id, operator) = app.create_user("Olga", "operator").await;
    let me = app.get("/api/me", Some(&operator)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["id"], id.to_string());
    assert_eq!(me.body["user"]["role"], "operator");
    assert_eq!(me.body["user"]["name"], "Olga");
    assert_eq!(me.body["tokenName"], "t");
}

#[tokio::test]
async fn disabled_users_tokens_stop_working_at_once() {
    let app = spawn_app().await;
    let (id, operator) = app.create_user("op", "operator").await;
    assert_eq!(
        app.get("/api/me", Some(&operator)).await.status,
        StatusCode::OK
    );
    let disabled = app
        .request(
            Method::POST,
            &format!("/api/users/{id}/disable"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{:?}", disabled.body);
    assert_eq!(disabled.body["disabled"], true);
    let refused = app.get("/api/me", Some(&operator)).await;
    assert_envelope(&refused, StatusCode::UNAUTHORIZED, "unauthorized");

    // Re-enabling restores access.
    let enabled = app
        .request(
            Method::PATCH,
            &format!("/api/users/{id}"),
            Some(&app.admin_token),
            Some(json!({ "disabled": false })),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/me", Some(&operator)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn users_removed_from_the_allowlist_are_refused() {
    let app = spawn_app().await;
    let (id, operator) = app.create_user("op", "operator").await;
    let patched = app
        .request(
            Method::PATCH,
            &format!("/api/users/{id}"),
            Some(&app.admin_token),
            Some(json!({ "allowlisted": false })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_envelope(
        &app.get("/api/me", Some(&operator)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn revoked_token_is_refused_and_others_keep_working() {
    let app = spawn_app().await;
    let (id, first) = app.create_user("op", "operator").await;
    let second = app
        .request(
            Method::POST,
            &format!("/api/users/{id}/tokens"),
            Some(&app.admin_token),
            Some(json!({ "name": "second" })),
        )
        .await;
    let second_token = second.body["token"].as_str().unwrap().to_owned();
    let first_id = app
        .get(&format!("/api/users/{id}/tokens"), Some(&app.admin_token))
        .await
        .body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = app
        .request(
            Method::DELETE,
            &format!("/api/users/{id}/tokens/{first_id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.body["revokedAt"].is_string());
    assert_envelope(
        &app.get("/api/me", Some(&first)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(
        app.get("/api/me", Some(&second_token)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let (id, token) = app.create_user("op", "operator").await;
    let listed = app
        .get(&format!("/api/users/{id}/tokens"), Some(&app.admin_token))
        .await;
    let text = listed.body.to_string();
    assert!(!text.contains(&token), "token listed in clear: {text}");
    use sea_orm::EntityTrait;
    let rows = autolynx::store::entities::api_token::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.token_hash != token && r.token_hash.len() == 64)
    );
    assert!(
        rows.iter()
            .any(|r| r.token_hash == autolynx::domain::auth::TokenHash::of(&token).as_str())
    );
}

/// A plausible multipart form (a small CSV as `file`) for upload routes.
async fn multipart_request(app: &TestApp, method: Method, path: &str, token: &str) -> Reply {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"phone\r\n+14155552671\r\n".to_vec()).file_name("f.csv"),
    );
    let resp = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body = resp.json().await.unwrap_or(Value::Null);
    Reply { status, body }
}

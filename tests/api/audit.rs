//! The audit trail: changes made through the API are recorded with their actor, target and
//! request id; `GET /api/audit` is admin-only, filterable, paginated and append-only.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Reply, TestApp, assert_envelope, contacts_csv, spawn_app};
use autolynx::provider::Provider;
use autolynx::provider::vapi::{Timeouts, VapiClient};

/// Every entry, newest first (one page is enough for a test).
async fn entries(app: &TestApp, query: &str) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/api/audit?limit=500{query}"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Reply {
    let reply = app
        .request(Method::POST, path, Some(token), Some(body))
        .await;
    assert!(reply.status.is_success(), "{path}: {:?}", reply.body);
    reply
}

/// The one entry for `action` on `target_id`.
fn entry<'a>(all: &'a [Value], action: &str, target_id: &str) -> &'a Value {
    let found: Vec<&Value> = all
        .iter()
        .filter(|e| e["action"] == action && e["targetId"] == target_id)
        .collect();
    assert_eq!(found.len(), 1, "{action} on {target_id}: {all:#?}");
    found[0]
}

#[tokio::test]
async fn changes_are_recorded_with_their_actor_target_and_request_id() {
    let app = spawn_app().await;
    let admin = app.get("/api/me", Some(&app.admin_token)).await.body["user"].clone();
    let admin_id = admin["id"].as_str().unwrap().to_owned();

    // Users and tokens (admin).
    let (op_id, op_token) = app.create_user("Olga Operator", "operator").await;
    let op_id = op_id.to_string();
    let renamed = app
        .request(
            Method::PATCH,
            &format!("/api/users/{op_id}"),
            Some(&app.admin_token),
            Some(json!({ "name": "Olga O." })),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    // An empty change changes nothing and is not recorded.
    let nothing = app
        .request(
            Method::PATCH,
            &format!("/api/users/{op_id}"),
            Some(&app.admin_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(nothing.status, StatusCode::OK);
    let token = post(
        &app,
        &app.admin_token,
        &format!("/api/users/{op_id}/tokens"),
        json!({ "name": "laptop", "expiresInDays": 7 }),
    )
    .await;
    let token_id = token.body["info"]["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        // The second revocation changes nothing and is not recorded.
        let revoked = app
            .request(
                Method::DELETE,
                &format!("/api/users/{op_id}/tokens/{token_id}"),
                Some(&app.admin_token),
                None,
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK);
    }

    // Assistants (admin): create, import, clone, update, delete.
    let created = post(
        &app,
        &app.admin_token,
        "/api/assistants",
        json!({ "name": "Created", "firstMessage": "Hi" }),
    )
    .await
    .body;
    let created_id = created["id"].as_str().unwrap().to_owned();
    let vapi =
        VapiClient::with(app.sim.base_url(), app.sim.api_key(), Timeouts::default()).unwrap();
    let remote = vapi
        .create_assistant(&json!({ "name": "Remote" }))
        .await
        .unwrap();
    let imported = post(
        &app,
        &app.admin_token,
        "/api/assistants/import",
        json!({ "providerAssistantId": remote.id }),
    )
    .await
    .body;
    let imported_id = imported["id"].as_str().unwrap().to_owned();
    let cloned = post(
        &app,
        &app.admin_token,
        "/api/assistants/templates/discovery/clone",
        json!({}),
    )
    .await
    .body;
    let cloned_id = cloned["id"].as_str().unwrap().to_owned();
    let updated = app
        .request(
            Method::PATCH,
            &format!("/api/assistants/{created_id}"),
            Some(&app.admin_token),
            Some(json!({ "name": "Renamed", "active": false })),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/assistants/{imported_id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{:?}", deleted.body);

    // The do-not-call list (admin): add, import, remove.
    let added = post(
        &app,
        &app.admin_token,
        "/api/suppression",
        json!({ "phone": "+14155550199", "reason": "asked" }),
    )
    .await
    .body;
    let dnc_id = added["id"].as_str().unwrap().to_owned();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"+13125550100\n+13125550101\nnot a number\n".to_vec()),
    );
    let imported_dnc = app
        .client
        .post(app.url("/api/suppression/import"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(imported_dnc.status(), StatusCode::OK);
    let removed = app
        .request(
            Method::DELETE,
            &format!("/api/suppression/{dnc_id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);

    // A campaign run by the operator, the start with a request id of the caller's.
    let assistant = app.seed_assistant("For the operator").await;
    let campaign = app
        .create_campaign(&op_token, assistant, &contacts_csv(30), &[("cap", "1")])
        .await;
    let campaign_id = campaign["campaignId"].as_str().unwrap().to_owned();
    let started = app
        .client
        .post(app.url(&format!("/api/campaigns/{campaign_id}/start")))
        .bearer_auth(&op_token)
        .header("X-Request-Id", "audit-start-1")
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    for command in ["pause", "resume"] {
        post(
            &app,
            &op_token,
            &format!("/api/campaigns/{campaign_id}/{command}"),
            json!({}),
        )
        .await;
    }
    post(
        &app,
        &op_token,
        &format!("/api/campaigns/{campaign_id}/stop"),
        json!({ "mode": "hangup" }),
    )
    .await;
    // A refused command changes nothing and is not recorded.
    let again = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{campaign_id}/resume"),
            Some(&op_token),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let all = entries(&app, "").await;
    let by_admin = |action: &str, target_type: &str, target_id: &str| {
        let e = entry(&all, action, target_id);
        assert_eq!(e["targetType"], target_type, "{e}");
        assert_eq!(e["actorUserId"], admin_id.as_str(), "{e}");
        assert_eq!(e["actorName"], "test-admin", "{e}");
        assert!(
            e["requestId"].as_str().is_some_and(|r| !r.is_empty()),
            "{e}"
        );
        e.clone()
    };
    let created_user = by_admin("user.create", "user", &op_id);
    assert_eq!(created_user["details"]["role"], "operator");
    let update = by_admin("user.update", "user", &op_id);
    assert_eq!(update["details"], json!({ "name": "Olga O." }));
    let issued = by_admin("token.create", "token", &token_id);
    assert_eq!(issued["details"]["userId"], op_id.as_str());
    assert!(issued["details"]["expiresAt"].is_string());
    assert!(
        !issued
            .to_string()
            .contains(token.body["token"].as_str().unwrap())
    );
    by_admin("token.revoke", "token", &token_id);
    by_admin("assistant.create", "assistant", &created_id);
    by_admin("assistant.import", "assistant", &imported_id);
    let clone = by_admin("assistant.clone", "assistant", &cloned_id);
    assert_eq!(clone["details"]["template"], "discovery");
    let update = by_admin("assistant.update", "assistant", &created_id);
    assert_eq!(update["details"]["name"], "Renamed");
    by_admin("assistant.delete", "assistant", &imported_id);
    let dnc = by_admin("suppression.add", "suppression", &dnc_id);
    assert_eq!(
        dnc["details"]["phone"], "+1******0199",
        "numbers only masked"
    );
    by_admin("suppression.remove", "suppression", &dnc_id);
    let import = all
        .iter()
        .find(|e| e["action"] == "suppression.import")
        .expect("suppression.import");
    assert_eq!(import["details"]["added"], 2);
    assert_eq!(import["details"]["invalid"], 1);

    let by_operator = |action: &str| {
        let e = entry(&all, action, &campaign_id);
        assert_eq!(e["targetType"], "campaign", "{e}");
        assert_eq!(e["actorUserId"], op_id.as_str(), "{e}");
        assert_eq!(e["actorName"], "Olga O.", "{e}");
        e.clone()
    };
    by_operator("campaign.create");
    let start = by_operator("campaign.start");
    assert_eq!(start["requestId"], "audit-start-1");
    assert_eq!(start["details"]["from"], "CREATED");
    by_operator("campaign.pause");
    by_operator("campaign.resume");
    let stop = by_operator("campaign.stop");
    assert_eq!(stop["details"]["mode"], "hangup");
    assert_eq!(stop["details"]["to"], "STOPPED");

    // Exactly these actions were recorded (one revocation, no refused resume), newest first.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in &all {
        *counts
            .entry(e["action"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(counts["token.revoke"], 1, "{counts:?}");
    assert_eq!(counts["campaign.resume"], 1, "{counts:?}");
    assert_eq!(counts["user.create"], 1, "{counts:?}");
    assert_eq!(counts["user.update"], 1, "{counts:?}");
    assert_eq!(
        counts["token.create"], 2,
        "create_user's token and the laptop's"
    );
    let times: Vec<&str> = all
        .iter()
        .map(|e| e["createdAt"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[tokio::test]
async fn the_audit_trail_filters_and_paginates() {
    let app = spawn_app().await;
    let before = chrono::Utc::now();
    let (alice, alice_token) = app.create_user("alice", "admin").await;
    let (bob, _) = app.create_user("bob", "operator").await;
    for phone in ["+14155550101", "+14155550102", "+14155550103"] {
        post(
            &app,
            &alice_token,
            "/api/suppression",
            json!({ "phone": phone }),
        )
        .await;
    }
    let after = chrono::Utc::now();

    let alices = entries(&app, &format!("&actorId={alice}")).await;
    assert_eq!(alices.len(), 3);
    assert!(alices.iter().all(|e| e["action"] == "suppression.add"));
    let bobs = entries(&app, &format!("&targetType=user&targetId={bob}")).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["action"], "user.create");
    let tokens = entries(&app, "&action=token.create").await;
    assert_eq!(tokens.len(), 2);
    let enc = |t: chrono::DateTime<chrono::Utc>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .replace('+', "%2B")
    };
    let window = entries(
        &app,
        &format!("&since={}&until={}", enc(before), enc(after)),
    )
    .await;
    assert_eq!(window.len(), 2 + 2 + 3);
    assert!(
        entries(&app, &format!("&since={}", enc(after)))
            .await
            .is_empty()
    );

    // Pages of 2 over the 7 entries.
    let page = app
        .get("/api/audit?page=2&limit=2", Some(&app.admin_token))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        page.body["pagination"],
        json!({ "page": 2, "limit": 2, "total": 7, "totalPages": 4 })
    );
    let last = app
        .get("/api/audit?page=4&limit=2", Some(&app.admin_token))
        .await;
    assert_eq!(last.body["items"].as_array().unwrap().len(), 1);

    for bad in [
        "?limit=0".to_owned(),
        "?limit=501".to_owned(),
        "?page=0".to_owned(),
    ] {
        assert_envelope(
            &app.get(&format!("/api/audit{bad}"), Some(&app.admin_token))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    // An empty range is a valid question with an empty answer.
    let empty = app
        .get(
            &format!("/api/audit?since={}&until={}", enc(after), enc(before)),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK, "{:?}", empty.body);
    assert_eq!(empty.body["items"], serde_json::json!([]));
}

#[tokio::test]
async fn only_admins_read_the_audit_trail() {
    let app = spawn_app().await;
    let (_, operator) = app.create_user("op", "operator").await;
    assert_envelope(
        &app.get("/api/audit", Some(&operator)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_envelope(
        &app.get("/api/audit", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(
        app.get("/api/audit", Some(&app.admin_token)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_audit_trail_is_append_only_through_the_api() {
    let app = spawn_app().await;
    app.create_user("someone", "operator").await;
    let all = entries(&app, "").await;
    assert_eq!(all.len(), 2);
    let id = all[0]["id"].as_str().unwrap();
    let someone_else = Uuid::new_v4();
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        for path in [
            "/api/audit".to_owned(),
            format!("/api/audit/{id}"),
            format!("/api/audit/{someone_else}"),
        ] {
            let reply = app
                .request(
                    method.clone(),
                    &path,
                    Some(&app.admin_token),
                    Some(json!({ "action": "forged", "actorName": "nobody" })),
                )
                .await;
            assert!(
                matches!(
                    reply.status,
                    StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{method} {path}: {:?}",
                reply.body
            );
        }
    }
    // Nothing changed, nothing was added.
    assert_eq!(entries(&app, "").await, all);
    // Below the API, the database refuses to rewrite or remove entries too.
    let mut refused = vec![
        "UPDATE audit_log SET action = 'forged'",
        "DELETE FROM audit_log",
    ];
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        refused.push("TRUNCATE audit_log");
    }
    for sql in refused {
        let err = app.db.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(entries(&app, "").await, all);
    // The spec offers no way to change an entry either.
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    let audit: Vec<(&String, &Value)> = paths
        .iter()
        .filter(|(p, _)| p.starts_with("/audit"))
        .collect();
    assert_eq!(audit.len(), 1, "{audit:?}");
    let methods: Vec<&String> = audit[0].1.as_object().unwrap().keys().collect();
    assert_eq!(methods, vec!["get"]);
}

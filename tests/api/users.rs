//! Admin user management.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_envelope, spawn_app};

#[tokio::test]
async fn admin_creates_lists_and_allowlists_users() {
    let app = spawn_app().await;
    let created = app
        .request(
            Method::POST,
            "/api/users",
            Some(&app.admin_token),
            Some(json!({ "name": "Ana", "email": "ana@example.com", "role": "operator" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["role"], "operator");
    assert_eq!(created.body["allowlisted"], true);
    assert_eq!(created.body["disabled"], false);
    assert!(created.body["createdAt"].is_string(), "camelCase fields");

    // Same email again: the user is updated (allowlisted, new role), not duplicated.
    let again = app
        .request(
            Method::POST,
            "/api/users",
            Some(&app.admin_token),
            Some(json!({ "name": "Ana M.", "email": "ana@example.com", "role": "admin" })),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["id"], created.body["id"]);
    assert_eq!(again.body["role"], "admin");

    let list = app.get("/api/users", Some(&app.admin_token)).await;
    assert_eq!(list.status, StatusCode::OK);
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Ana M.") && names.contains(&"test-admin"));
}

#[tokio::test]
async fn the_last_active_admin_cannot_lock_everyone_out() {
    let app = spawn_app().await;
    let me = app.get("/api/me", Some(&app.admin_token)).await;
    let id = me.body["user"]["id"].as_str().unwrap().to_owned();
    for change in [
        json!({ "disabled": true }),
        json!({ "role": "operator" }),
        json!({ "allowlisted": false }),
    ] {
        let reply = app
            .request(
                Method::PATCH,
                &format!("/api/users/{id}"),
                Some(&app.admin_token),
                Some(change),
            )
            .await;
        assert_envelope(&reply, StatusCode::CONFLICT, "conflict");
    }
    // With a second admin, the first may be stepped down (by the other: see below).
    let (_, second) = app.create_user("second admin", "admin").await;
    let reply = app
        .request(
            Method::PATCH,
            &format!("/api/users/{id}"),
            Some(&second),
            Some(json!({ "role": "operator" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["role"], "operator");
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    // Another admin exists, so only the self rule can refuse.
    let (_, second) = app.create_user("second admin", "admin").await;
    let me = app.get("/api/me", Some(&app.admin_token)).await;
    let id = me.body["user"]["id"].as_str().unwrap().to_owned();
    let token_id = me.body["tokenId"].as_str().unwrap().to_owned();
    let self_lockout = |reply: &crate::helpers::Reply| {
        let error = assert_envelope(reply, StatusCode::CONFLICT, "conflict");
        assert_eq!(error["details"]["reason"], "self_lockout", "{error}");
    };

    for change in [
        json!({ "disabled": true }),
        json!({ "role": "operator" }),
        json!({ "allowlisted": false }),
    ] {
        let reply = app
            .request(
                Method::PATCH,
                &format!("/api/users/{id}"),
                Some(&app.admin_token),
                Some(change),
            )
            .await;
        self_lockout(&reply);
    }
    let reply = app
        .request(
            Method::POST,
            &format!("/api/users/{id}/disable"),
            Some(&app.admin_token),
            None,
        )
        .await;
    self_lockout(&reply);
    // The upsert that matches the caller's identity cannot demote them either.
    let mut upsert = json!({ "name": me.body["user"]["name"], "role": "operator" });
    if let Some(email) = me.body["user"]["email"].as_str() {
        upsert["email"] = json!(email);
    }
    let reply = app
        .request(
            Method::POST,
            "/api/users",
            Some(&app.admin_token),
            Some(upsert),
        )
        .await;
    self_lockout(&reply);

    // The token in use cannot revoke itself.
    let reply = app
        .request(
            Method::DELETE,
            &format!("/api/users/{id}/tokens/{token_id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    let error = assert_envelope(&reply, StatusCode::CONFLICT, "conflict");
    assert_eq!(error["details"]["reason"], "token_in_use", "{error}");

    // Nothing changed: the admin still works, and changes that lock no one out still apply.
    let me = app.get("/api/me", Some(&app.admin_token)).await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.body);
    assert_eq!(me.body["user"]["role"], "admin");
    for change in [json!({ "name": "renamed" }), json!({ "role": "admin" })] {
        let reply = app
            .request(
                Method::PATCH,
                &format!("/api/users/{id}"),
                Some(&app.admin_token),
                Some(change),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }

    // Another admin can do each of these.
    let reply = app
        .request(
            Method::DELETE,
            &format!("/api/users/{id}/tokens/{token_id}"),
            Some(&second),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_envelope(
        &app.get("/api/me", Some(&app.admin_token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let reply = app
        .request(
            Method::POST,
            &format!("/api/users/{id}/disable"),
            Some(&second),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["disabled"], true);
}

#[tokio::test]
async fn created_token_works_and_is_shown_once() {
    let app = spawn_app().await;
    let (id, token) = app.create_user("op", "operator").await;
    assert_eq!(
        app.get("/api/me", Some(&token)).await.status,
        StatusCode::OK
    );
    let tokens = app
        .get(&format!("/api/users/{id}/tokens"), Some(&app.admin_token))
        .await;
    assert_eq!(tokens.status, StatusCode::OK);
    let listed = &tokens.body[0];
    assert!(listed.get("token").is_none());
    assert!(token.starts_with(listed["prefix"].as_str().unwrap()));
}

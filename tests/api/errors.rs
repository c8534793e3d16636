//! The error envelope on each class of failure.

use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{assert_envelope, spawn_app};

#[tokio::test]
async fn malformed_json_is_400_in_the_envelope() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(app.url("/api/users"))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let reply = crate::helpers::Reply {
        status: resp.status(),
        body: resp.json().await.unwrap(),
    };
    assert_envelope(&reply, StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn wrong_content_type_is_415_in_the_envelope() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(app.url("/api/users"))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    let reply = crate::helpers::Reply {
        status: resp.status(),
        body: resp.json().await.unwrap(),
    };
    assert_envelope(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
}

#[tokio::test]
async fn unknown_resources_and_routes_are_404_in_the_envelope() {
    let app = spawn_app().await;
    let missing_user = app
        .get(
            &format!("/api/users/{}/tokens", Uuid::new_v4()),
            Some(&app.admin_token),
        )
        .await;
    let error = assert_envelope(&missing_user, StatusCode::NOT_FOUND, "not_found");
    assert!(error["message"].as_str().unwrap().contains("user"));

    let no_route = app.get("/api/no-such-thing", Some(&app.admin_token)).await;
    assert_envelope(&no_route, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn validation_failures_are_422_naming_the_field() {
    let app = spawn_app().await;
    let reply = app
        .request(
            Method::POST,
            "/api/users",
            Some(&app.admin_token),
            Some(json!({ "name": "   ", "role": "operator" })),
        )
        .await;
    let error = assert_envelope(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(error["details"]["field"], "name");

    let reply = app
        .request(
            Method::POST,
            "/api/users",
            Some(&app.admin_token),
            Some(json!({ "name": "x", "email": "not-an-email", "role": "operator" })),
        )
        .await;
    let error = assert_envelope(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(error["details"]["field"], "email");
}

#[tokio::test]
async fn oversized_bodies_are_413_in_the_envelope() {
    let app = spawn_app().await;
    let big = "x".repeat(app.settings.server.max_upload_bytes as usize + 1);
    let resp = app
        .client
        .post(app.url("/api/users"))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let reply = crate::helpers::Reply {
        status: resp.status(),
        body: resp.json().await.unwrap(),
    };
    assert_envelope(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

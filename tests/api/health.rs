//! `GET /api/health`.

use reqwest::StatusCode;

use crate::helpers::{assert_envelope, spawn_app};

#[tokio::test]
async fn health_is_public_and_checks_the_database() {
    let app = spawn_app().await;
    let reply = app.get("/api/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "healthy");
    assert_eq!(reply.body["checks"]["database"]["status"], "healthy");
    assert!(reply.body["checks"]["database"]["latencyMs"].is_number());
}

#[tokio::test]
async fn health_is_503_naming_the_database_when_it_is_unreachable() {
    let app = spawn_app().await;
    // Closing the pool makes every query fail, as a database that went away does.
    app.db.clone().close().await.unwrap();
    let reply = app.get("/api/health", None).await;
    let error = assert_envelope(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert_eq!(
        error["details"]["checks"]["database"]["status"],
        "unhealthy"
    );
    assert!(error["details"]["checks"]["database"]["error"].is_string());
}

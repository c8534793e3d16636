//! Security headers on every response: `X-Content-Type-Options: nosniff` and
//! `X-Frame-Options: DENY` everywhere, `Cache-Control: no-store` on JSON and on the API.

use reqwest::{Method, StatusCode};

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("Headers").await;
    let campaign = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &crate::helpers::contacts_csv(2),
            &[],
        )
        .await;
    let id = campaign["campaignId"].as_str().unwrap();
    let export = format!("/api/campaigns/{id}/export.csv");
    let admin = app.admin_token.as_str();

    // (method, path, token, expected status, whether no-store is required)
    let cases: Vec<(Method, &str, Option<&str>, StatusCode, bool)> = vec![
        (Method::GET, "/api/health", None, StatusCode::OK, true),
        (Method::GET, "/api/me", Some(admin), StatusCode::OK, true),
        (Method::GET, "/api/me", None, StatusCode::UNAUTHORIZED, true),
        (
            Method::GET,
            "/api/me",
            Some("wrong"),
            StatusCode::UNAUTHORIZED,
            true,
        ),
        (
            Method::GET,
            "/api/nowhere",
            None,
            StatusCode::NOT_FOUND,
            true,
        ),
        (
            Method::POST,
            "/api/webhooks/vapi",
            None,
            StatusCode::UNAUTHORIZED,
            true,
        ),
        (Method::GET, &export, Some(admin), StatusCode::OK, true),
        (Method::GET, "/openapi.json", None, StatusCode::OK, true),
        (Method::GET, "/nowhere", None, StatusCode::NOT_FOUND, true),
        (Method::GET, "/docs", None, StatusCode::OK, false),
        (Method::GET, "/metrics", None, StatusCode::OK, false),
    ];
    for (method, path, token, status, no_store) in cases {
        let mut req = app.client.request(method.clone(), app.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if path == "/api/webhooks/vapi" {
            req = req.header("Content-Type", "application/json").body("{}");
        }
        let resp = req.send().await.unwrap();
        let what = format!("{method} {path}");
        assert_eq!(resp.status(), status, "{what}");
        let headers = resp.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["x-frame-options"], "DENY", "{what}");
        let json = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if no_store || json {
            assert_eq!(
                headers.get("cache-control").map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{what}"
            );
        }
    }
}

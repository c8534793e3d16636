//! Per-user rate limits answer 429 with `Retry-After`, per user.

use reqwest::StatusCode;

use crate::helpers::{CampaignForm, assert_envelope, contacts_csv, spawn_app_with};

#[tokio::test]
async fn each_user_has_its_own_request_and_upload_budget() {
    let app = spawn_app_with(&[
        ("AUTOLYNX__RATE_LIMITS__GENERAL_PER_MINUTE", "8"),
        ("AUTOLYNX__RATE_LIMITS__UPLOADS_PER_MINUTE", "2"),
    ])
    .await;
    let assistant = app.seed_assistant("A").await;
    let (_, operator) = app.create_user("op", "operator").await; // two admin requests

    // Uploads: two pass, the third is refused without storing anything.
    for _ in 0..2 {
        app.create_campaign(&operator, assistant, &contacts_csv(2), &[])
            .await;
    }
    let refused = app
        .post_campaign(
            &operator,
            CampaignForm {
                csv: contacts_csv(2),
                fields: vec![
                    ("name", "third".to_owned()),
                    ("assistantId", assistant.to_string()),
                ],
            },
        )
        .await;
    let error = assert_envelope(&refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(error["details"]["retryAfterSeconds"].as_u64().unwrap() >= 1);
    let listed = app.get("/api/campaigns", Some(&app.admin_token)).await;
    assert_eq!(listed.body["pagination"]["total"], 2);

    // General: the operator has spent 3 of 8 requests; the admin's budget is separate.
    let resp = loop {
        let resp = app
            .client
            .get(app.url("/api/me"))
            .bearer_auth(&operator)
            .send()
            .await
            .unwrap();
        if resp.status() != StatusCode::OK {
            break resp;
        }
    };
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(
        app.get("/api/me", Some(&app.admin_token)).await.status,
        StatusCode::OK
    );
}

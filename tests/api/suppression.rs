//! The do-not-call list.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_envelope, spawn_app};

#[tokio::test]
async fn numbers_are_normalised_deduplicated_listed_and_removed() {
    let app = spawn_app().await;
    let add = |phone: &'static str| {
        app.request(
            Method::POST,
            "/api/suppression",
            Some(&app.admin_token),
            Some(json!({ "phone": phone })),
        )
    };
    let first = add("(415) 555-2671").await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.body["phone"], "+14155552671");
    let again = add("+1 415 555 2671").await;
    assert_eq!(again.status, StatusCode::OK, "same number, other format");
    assert_eq!(again.body["id"], first.body["id"]);
    let invalid = add("12345").await;
    let error = assert_envelope(
        &invalid,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(error["details"]["field"], "phone");

    let list = app
        .get("/api/suppression?q=2671", Some(&app.admin_token))
        .await;
    assert_eq!(list.body["pagination"]["total"], 1);
    let id = first.body["id"].as_str().unwrap();
    let removed = app
        .request(
            Method::DELETE,
            &format!("/api/suppression/{id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = app
        .request(
            Method::DELETE,
            &format!("/api/suppression/{id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_envelope(&gone, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn csv_upload_adds_every_valid_number() {
    let app = spawn_app().await;
    let csv = "Phone,Reason\r\n(415) 555-2671,asked\r\n415.555.2671,\r\nnope,\r\n212-555-0199,\r\n";
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("dnc.csv"),
        )
        .text("reason", "imported");
    let resp = app
        .client
        .post(app.url("/api/suppression/import"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let report: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(report["totalRows"], 4);
    assert_eq!(report["added"], 2);
    assert_eq!(report["alreadyListed"], 1);
    assert_eq!(report["invalid"][0]["row"], 3);
    let list = app.get("/api/suppression", Some(&app.admin_token)).await;
    let reasons: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"asked") && reasons.contains(&"imported"),
        "{reasons:?}"
    );

    // Bare numbers, one per line, work too.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"+13125550100\n+13125550101\n".to_vec()),
    );
    let report: serde_json::Value = app
        .client
        .post(app.url("/api/suppression/import"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["added"], 2);
}

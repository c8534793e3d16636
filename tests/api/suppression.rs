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

/// Right to erasure: every trace of a number goes, in every campaign, and the number is never
/// imported or dialed again. Refused while a call to it may be live.
#[tokio::test]
async fn erasing_a_number_removes_it_everywhere_and_lists_it() {
    use autolynx::provider::simulator::{MsRange, OutcomeMix, SimulatorConfig, Timings};
    use autolynx::store::entities::{call, call_event, contact, suppression};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    let app = crate::helpers::spawn_app_with_sim(config, &[]).await;
    // The same three people in a finished campaign and in one not started.
    let done = app.start_campaign(3, &[]).await;
    app.wait_for_status(&done, "COMPLETED", std::time::Duration::from_secs(20))
        .await;
    let assistant = app.seed_assistant("Erasure").await;
    app.create_campaign(
        &app.admin_token,
        assistant,
        &crate::helpers::contacts_csv(3),
        &[],
    )
    .await;
    let target = "+14152340000";
    let erase = |phone: &'static str, token: String| {
        let app = &app;
        async move {
            app.request(
                Method::DELETE,
                &format!("/api/contacts?phone={}", urlencode(phone)),
                Some(&token),
                None,
            )
            .await
        }
    };
    let (_, operator) = app.create_user("op", "operator").await;
    assert_envelope(
        &erase("(415) 234-0000", operator).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let bad = erase("12345", app.admin_token.clone()).await;
    assert_eq!(
        assert_envelope(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["details"]["field"],
        "phone"
    );

    let reply = erase("(415) 234-0000", app.admin_token.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["phone"], target);
    assert_eq!(reply.body["contacts"], 2);
    assert_eq!(reply.body["calls"], 1);
    assert!(
        reply.body["events"].as_u64().unwrap() >= 2,
        "{:?}",
        reply.body
    );

    // Nothing of that person is left; everyone else is untouched.
    let contacts = contact::Entity::find().all(&app.db).await.unwrap();
    assert!(contacts.iter().all(|c| c.phone_e164 != target));
    assert_eq!(contacts.len(), 4);
    let calls = call::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(calls.len(), 2);
    let ids: Vec<_> = calls.iter().map(|c| c.id).collect();
    assert!(
        call_event::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .all(|e| ids.contains(&e.call_id))
    );
    let listed = suppression::Entity::find()
        .filter(suppression::Column::PhoneE164.eq(target))
        .one(&app.db)
        .await
        .unwrap()
        .expect("listed as do-not-call");
    assert_eq!(listed.reason.as_deref(), Some("erasure"));
    // Never imported again.
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &crate::helpers::contacts_csv(3),
            &[],
        )
        .await;
    assert_eq!(created["importReport"]["accepted"], 2, "{created}");
    assert_eq!(
        created["importReport"]["skipped"][0]["reason"], "do-not-call",
        "{created}"
    );
    // A second erasure finds nothing.
    let again = erase("+14152340000", app.admin_token.clone()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["contacts"], 0);

    // While a call to a number may be live, erasing it is refused.
    app.sim
        .reconfigure(autolynx::provider::simulator::ConfigPatch {
            timings: Some(Timings {
                call_ms: MsRange::new(30_000, 30_000),
                ..Timings::fast()
            }),
            ..Default::default()
        });
    let live = app
        .start_campaign_csv(&crate::helpers::contacts_csv_from(500, 1), &[])
        .await;
    app.wait_for_status(&live, "RUNNING", std::time::Duration::from_secs(10))
        .await;
    let refused = erase("+14152340500", app.admin_token.clone()).await;
    let error = assert_envelope(&refused, StatusCode::CONFLICT, "conflict");
    assert_eq!(error["details"]["field"], "phone");
    assert!(
        contact::Entity::find()
            .filter(contact::Column::PhoneE164.eq("+14152340500"))
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_badly_encoded_row_spoils_only_itself() {
    let app = spawn_app().await;
    // Row 2 is Latin-1 (0xE9), not UTF-8; its number is still readable, row 3's is not.
    let mut file = b"phone,reason\n(415) 555-2671,refus\xE9\n".to_vec();
    file.extend_from_slice(b"\xFF\xFE,\n212-555-0199,\n");
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file).file_name("dnc.csv"),
    );
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
    assert_eq!(report["totalRows"], 3, "{report}");
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(report["invalid"][0]["row"], 2, "{report}");
}

/// A file that is not text at all (NUL bytes: an image, a spreadsheet, UTF-16) is refused
/// whole with 422 naming `file`, and nothing is listed; the spec documents the 422.
#[tokio::test]
async fn a_binary_file_is_refused() {
    let app = spawn_app().await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01".to_vec();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "phone\r\n(415) 555-2671\r\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    for (file, name) in [(png, "dnc.png"), (utf16, "dnc.csv")] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name(name),
        );
        let resp = app
            .client
            .post(app.url("/api/suppression/import"))
            .bearer_auth(&app.admin_token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let reply = crate::helpers::Reply {
            status: resp.status(),
            body: resp.json().await.unwrap(),
        };
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], "file", "{name}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("not a text file"),
            "{error}"
        );
    }
    let list = app.get("/api/suppression", Some(&app.admin_token)).await;
    assert_eq!(list.body["pagination"]["total"], 0, "{:?}", list.body);

    let spec = app.get("/openapi.json", None).await;
    let operation = &spec.body["paths"]["/suppression/import"]["post"];
    assert!(
        operation["description"]
            .as_str()
            .is_some_and(|d| d.contains("NUL")),
        "{operation}"
    );
    let responses = &operation["responses"];
    assert_eq!(
        responses["422"]["content"]["application/json; charset=utf-8"]["schema"]["$ref"],
        "#/components/schemas/ErrorEnvelope"
    );
}

/// A campaign whose every contact is on the do-not-call list is not created: 409 (the file is
/// fine; the list as it is now stands in the way) with the import report. One bad row among
/// them makes it a 422 again.
#[tokio::test]
async fn a_campaign_of_listed_numbers_only_is_a_conflict() {
    let app = spawn_app().await;
    for phone in ["(415) 234-0000", "(415) 234-0001"] {
        let added = app
            .request(
                Method::POST,
                "/api/suppression",
                Some(&app.admin_token),
                Some(json!({ "phone": phone })),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    }
    let assistant = app.seed_assistant("Listed").await;
    let post = |csv: Vec<u8>| {
        app.post_campaign(
            &app.admin_token,
            crate::helpers::CampaignForm {
                csv,
                fields: vec![
                    ("name", "Listed only".to_owned()),
                    ("assistantId", assistant.to_string()),
                ],
            },
        )
    };
    let listed = post(crate::helpers::contacts_csv(2)).await;
    let error = assert_envelope(&listed, StatusCode::CONFLICT, "conflict");
    let report = &error["details"]["importReport"];
    assert_eq!(report["totalRows"], 2, "{error}");
    assert_eq!(report["skipped"][1]["reason"], "do-not-call", "{error}");

    let mut csv = crate::helpers::contacts_csv(2);
    csv.extend_from_slice(b"Nobody,Nowhere,12345\r\n");
    let mixed = post(csv).await;
    let error = assert_envelope(
        &mixed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(error["details"]["importReport"]["totalRows"], 3, "{error}");
}

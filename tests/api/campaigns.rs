//! Campaign creation from CSV, reading campaigns and contacts, the export, and isolation.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{CampaignForm, assert_envelope, contacts_csv, spawn_app, spawn_app_with};
use autolynx::store::entities::{campaign, contact};

const CLEAN: &[u8] = include_bytes!("../fixtures/clean_50.csv");
const MESSY: &[u8] = include_bytes!("../fixtures/messy_200.csv");
const EXTRA: &[u8] = include_bytes!("../fixtures/extra_30.csv");

fn reasons(report: &Value) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for s in report["skipped"].as_array().unwrap() {
        *out.entry(s["reason"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    out
}

#[tokio::test]
async fn generated_files_import_with_the_exact_report() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("Pitch").await;

    let clean = app
        .create_campaign(&app.admin_token, assistant, CLEAN, &[])
        .await;
    assert_eq!(clean["importReport"]["totalRows"], 50);
    assert_eq!(clean["importReport"]["accepted"], 50);
    assert_eq!(clean["importReport"]["skipped"], json!([]));
    assert_eq!(clean["campaign"]["status"], "CREATED");
    assert_eq!(clean["campaign"]["counters"]["totalContacts"], 50);
    assert_eq!(clean["campaign"]["counters"]["pending"], 50);
    assert_eq!(clean["campaign"]["assistantName"], "Pitch");

    let messy = app
        .create_campaign(&app.admin_token, assistant, MESSY, &[])
        .await;
    let report = &messy["importReport"];
    assert_eq!(report["totalRows"], 200);
    assert_eq!(report["accepted"], 158);
    assert_eq!(
        reasons(report),
        BTreeMap::from([
            ("duplicate".to_owned(), 3),
            ("empty-phone".to_owned(), 12),
            ("invalid-phone".to_owned(), 19),
            ("missing-name".to_owned(), 8),
        ])
    );
    let row22 = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["row"] == 22)
        .unwrap();
    assert_eq!(row22["reason"], "duplicate");
    assert_eq!(row22["detail"], "duplicate of row 20");
    assert!(
        row22["data"]["phone"].is_string(),
        "raw data is shown: {row22}"
    );
    let id = messy["campaignId"].as_str().unwrap();
    let stored = contact::Entity::find().all(&app.db).await.unwrap();
    let in_campaign = stored
        .iter()
        .filter(|c| c.campaign_id.to_string() == id)
        .count();
    assert_eq!(in_campaign, 158);

    let extra = app
        .create_campaign(&app.admin_token, assistant, EXTRA, &[])
        .await;
    assert_eq!(extra["importReport"]["accepted"], 30);
    let id = extra["campaignId"].as_str().unwrap();
    let contacts = app
        .get(
            &format!("/api/campaigns/{id}/contacts?limit=5"),
            Some(&app.admin_token),
        )
        .await;
    let vars = &contacts.body["items"][0]["variables"];
    for key in ["city", "timezone", "plan"] {
        assert!(vars[key].is_string(), "variable {key} kept: {vars}");
    }
}

#[tokio::test]
async fn every_skip_reason_is_reported_and_bom_crlf_are_handled() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let dnc = app
        .request(
            Method::POST,
            "/api/suppression",
            Some(&app.admin_token),
            Some(json!({ "phone": "(212) 555-0199", "reason": "asked" })),
        )
        .await;
    assert_eq!(dnc.status, StatusCode::CREATED, "{:?}", dnc.body);
    assert_eq!(dnc.body["phone"], "+12125550199");

    let csv = "\u{feff} Name ,BUSINESS_NAME, phone ,City\r\n\
               Ana,Acme,(415) 555-2671,SF\r\n\
               Ben,Bolt,,NY\r\n\
               Cy,Cog,12345,LA\r\n\
               ,Dyn,(415) 555-2672,SF\r\n\
               Eve,Eon,+1 415 555 2671,SF\r\n\
               Fay,Fox,212.555.0199,NY\r\n\
               Gus,Gem,(415) 555-2673\r\n\
               \"Hu, Jr.\",\"Hat, Inc.\",415-555-2674,\"Oakland, CA\"\r\n";
    let created = app
        .create_campaign(&app.admin_token, assistant, csv.as_bytes(), &[])
        .await;
    let report = &created["importReport"];
    assert_eq!(report["totalRows"], 8);
    assert_eq!(report["accepted"], 2, "{report}");
    let by_row: BTreeMap<u64, String> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["row"].as_u64().unwrap(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        by_row,
        BTreeMap::from([
            (2, "empty-phone".to_owned()),
            (3, "invalid-phone".to_owned()),
            (4, "missing-name".to_owned()),
            (5, "duplicate".to_owned()),
            (6, "do-not-call".to_owned()),
            (7, "wrong-column-count".to_owned()),
        ])
    );
    let id = created["campaignId"].as_str().unwrap();
    let contacts = app
        .get(
            &format!("/api/campaigns/{id}/contacts"),
            Some(&app.admin_token),
        )
        .await;
    let items = contacts.body["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "Ana");
    assert_eq!(items[0]["phone"], "+14155552671");
    assert_eq!(items[0]["variables"]["city"], "SF");
    assert_eq!(items[1]["name"], "Hu, Jr.");
    assert_eq!(items[1]["businessName"], "Hat, Inc.");
    assert_eq!(items[1]["variables"]["city"], "Oakland, CA");
}

#[tokio::test]
async fn batch_mode_assigns_batch_indexes() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &contacts_csv(7),
            &[("mode", "batch"), ("cap", "3")],
        )
        .await;
    assert_eq!(created["campaign"]["mode"], "batch");
    assert_eq!(created["campaign"]["cap"], 3);
    let id = created["campaignId"].as_str().unwrap();
    let contacts = app
        .get(
            &format!("/api/campaigns/{id}/contacts"),
            Some(&app.admin_token),
        )
        .await;
    let batches: Vec<u64> = contacts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["batchIndex"].as_u64().unwrap())
        .collect();
    assert_eq!(batches, vec![0, 0, 0, 1, 1, 1, 2]);
    let batch1 = app
        .get(
            &format!("/api/campaigns/{id}/contacts?batch=1"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(batch1.body["pagination"]["total"], 3);
}

#[tokio::test]
async fn invalid_forms_are_422_naming_the_field() {
    let app = spawn_app_with(&[
        ("AUTOLYNX__CAMPAIGNS__MAX_CONTACTS", "5"),
        ("VAPI_PHONE_NUMBER_ID", ""),
    ])
    .await;
    let assistant = app.seed_assistant("A").await;
    let ok_fields = || {
        vec![
            ("name", "X".to_owned()),
            ("assistantId", assistant.to_string()),
            ("phoneNumberId", "p".to_owned()),
        ]
    };
    // (form fields, file, the field the 422 must name)
    type Case<'a> = (Vec<(&'a str, String)>, Vec<u8>, &'a str);
    let cases: Vec<Case> = vec![
        (
            [ok_fields(), vec![("cap", "0".to_owned())]].concat(),
            contacts_csv(2),
            "cap",
        ),
        (
            [ok_fields(), vec![("cap", "51".to_owned())]].concat(),
            contacts_csv(2),
            "cap",
        ),
        (
            [ok_fields(), vec![("cap", "many".to_owned())]].concat(),
            contacts_csv(2),
            "cap",
        ),
        (
            [ok_fields(), vec![("mode", "random".to_owned())]].concat(),
            contacts_csv(2),
            "mode",
        ),
        (
            [ok_fields(), vec![("color", "blue".to_owned())]].concat(),
            contacts_csv(2),
            "color",
        ),
        (
            vec![("name", "X".to_owned()), ("phoneNumberId", "p".to_owned())],
            contacts_csv(2),
            "assistantId",
        ),
        (
            vec![
                ("assistantId", assistant.to_string()),
                ("name", "  ".to_owned()),
            ],
            contacts_csv(2),
            "name",
        ),
        (
            vec![
                ("name", "X".to_owned()),
                ("assistantId", assistant.to_string()),
            ],
            contacts_csv(2),
            "phoneNumberId",
        ),
        (
            ok_fields(),
            b"name,business_name,phone\r\n".to_vec(),
            "contactsCsv",
        ),
        (
            ok_fields(),
            b"name,business_name,phone\r\n,x,123\r\n".to_vec(),
            "contactsCsv",
        ),
        (
            ok_fields(),
            b"name,phone\r\nA,4155552671\r\n".to_vec(),
            "contactsCsv",
        ),
        (ok_fields(), contacts_csv(6), "contactsCsv"),
    ];
    for (fields, csv, field) in cases {
        let reply = app
            .post_campaign(&app.admin_token, CampaignForm { csv, fields })
            .await;
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], field, "{error}");
    }
    // The no-accepted-rows answer carries the report.
    let reply = app
        .post_campaign(
            &app.admin_token,
            CampaignForm {
                csv: b"name,business_name,phone\r\n,x,123\r\n".to_vec(),
                fields: ok_fields(),
            },
        )
        .await;
    assert_eq!(
        reply.body["error"]["details"]["importReport"]["totalRows"],
        1
    );
    assert_eq!(
        reply.body["error"]["details"]["importReport"]["skipped"][0]["reason"],
        "missing-name"
    );
    // Nothing was stored by any of these.
    assert_eq!(campaign::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(contact::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn inactive_assistants_cannot_be_used() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let model = autolynx::store::assistants::get(&app.db, assistant)
        .await
        .unwrap()
        .unwrap();
    let mut active: autolynx::store::entities::assistant::ActiveModel = model.into();
    active.active = sea_orm::Set(false);
    autolynx::store::assistants::save(&app.db, active)
        .await
        .unwrap();
    let reply = app
        .post_campaign(
            &app.admin_token,
            CampaignForm {
                csv: contacts_csv(2),
                fields: vec![
                    ("name", "X".to_owned()),
                    ("assistantId", assistant.to_string()),
                    ("phoneNumberId", "p".to_owned()),
                ],
            },
        )
        .await;
    let error = assert_envelope(&reply, StatusCode::CONFLICT, "conflict");
    assert_eq!(error["details"]["field"], "assistantId");
}

#[tokio::test]
async fn uploads_over_the_limit_are_413() {
    let app = spawn_app_with(&[("AUTOLYNX__SERVER__MAX_UPLOAD_BYTES", "2048")]).await;
    let assistant = app.seed_assistant("A").await;
    let reply = app
        .post_campaign(
            &app.admin_token,
            CampaignForm {
                csv: contacts_csv(200),
                fields: vec![
                    ("name", "X".to_owned()),
                    ("assistantId", assistant.to_string()),
                    ("phoneNumberId", "p".to_owned()),
                ],
            },
        )
        .await;
    assert_envelope(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(campaign::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn the_phone_line_defaults_to_the_configured_one() {
    let app = spawn_app_with(&[("VAPI_PHONE_NUMBER_ID", "pn-default")]).await;
    let assistant = app.seed_assistant("A").await;
    let reply = app
        .post_campaign(
            &app.admin_token,
            CampaignForm {
                csv: contacts_csv(2),
                fields: vec![
                    ("name", "X".to_owned()),
                    ("assistantId", assistant.to_string()),
                ],
            },
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(reply.body["campaign"]["phoneNumberId"], "pn-default");
    assert_eq!(
        reply.body["campaign"]["cap"], 8,
        "default cap from configuration"
    );
}

#[tokio::test]
async fn a_failure_mid_insert_leaves_nothing() {
    use autolynx::domain::campaign::CampaignMode;
    use autolynx::store::campaigns::{NewCampaign, NewContact, create_with_contacts};
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let me = app.get("/api/me", Some(&app.admin_token)).await;
    let owner: uuid::Uuid = serde_json::from_value(me.body["user"]["id"].clone()).unwrap();
    // 1,200 contacts: the duplicate phone sits in the third insert chunk.
    let contacts: Vec<NewContact> = (0..1200u64)
        .map(|i| NewContact {
            row_number: i + 1,
            name: format!("P{i}"),
            business_name: String::new(),
            phone_e164: if i == 1100 {
                "+14155550000".to_owned()
            } else {
                format!("+1415555{i:04}")
            },
            phone_original: String::new(),
            batch_index: 0,
            variables: BTreeMap::new(),
            timezone: None,
        })
        .collect();
    let result = create_with_contacts(
        &app.db,
        NewCampaign {
            name: "doomed".into(),
            mode: CampaignMode::Continuous,
            cap: 2,
            assistant_id: assistant,
            phone_number_id: "p".into(),
            line_quiet_gating: false,
            owner_id: owner,
            settings: json!({}),
        },
        contacts,
    )
    .await;
    assert!(result.is_err(), "the duplicate must fail the insert");
    assert_eq!(campaign::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(contact::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn listing_filters_and_paginates() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    for name in ["Spring promo", "Summer promo", "Renewals"] {
        app.create_campaign(
            &app.admin_token,
            assistant,
            &contacts_csv(3),
            &[("name", name)],
        )
        .await;
    }
    let all = app.get("/api/campaigns", Some(&app.admin_token)).await;
    assert_eq!(all.status, StatusCode::OK, "{:?}", all.body);
    assert_eq!(all.body["pagination"]["total"], 3);
    assert_eq!(all.body["items"][0]["name"], "Renewals", "newest first");
    assert_eq!(all.body["items"][0]["counters"]["totalContacts"], 3);

    let promo = app
        .get(
            "/api/campaigns?search=PROMO&limit=1&page=2",
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(promo.body["pagination"]["total"], 2);
    assert_eq!(promo.body["pagination"]["totalPages"], 2);
    assert_eq!(promo.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(promo.body["items"][0]["name"], "Spring promo");

    let created = app
        .get("/api/campaigns?status=CREATED", Some(&app.admin_token))
        .await;
    assert_eq!(created.body["pagination"]["total"], 3);
    let running = app
        .get("/api/campaigns?status=RUNNING", Some(&app.admin_token))
        .await;
    assert_eq!(running.body["pagination"]["total"], 0);

    for bad in ["limit=0", "limit=101", "page=0", "status=NOPE"] {
        let reply = app
            .get(&format!("/api/campaigns?{bad}"), Some(&app.admin_token))
            .await;
        assert!(
            reply.status == StatusCode::UNPROCESSABLE_ENTITY
                || reply.status == StatusCode::BAD_REQUEST,
            "{bad}: {:?}",
            reply.body
        );
        assert!(reply.body["error"].is_object());
    }
}

#[tokio::test]
async fn contacts_filter_by_search_and_status_and_paginate() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let created = app
        .create_campaign(&app.admin_token, assistant, &contacts_csv(30), &[])
        .await;
    let id = created["campaignId"].as_str().unwrap();
    let page = app
        .get(
            &format!("/api/campaigns/{id}/contacts?limit=10&page=3"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(page.body["pagination"]["total"], 30);
    assert_eq!(page.body["items"][0]["name"], "Person 20");
    assert_eq!(page.body["summary"]["PENDING"], 30);
    assert!(page.body["items"][0]["latestCall"].is_null());

    let by_name = app
        .get(
            &format!("/api/campaigns/{id}/contacts?search=person 17"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(by_name.body["pagination"]["total"], 1);
    let by_phone = app
        .get(
            &format!("/api/campaigns/{id}/contacts?search=234-0012"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(by_phone.body["pagination"]["total"], 1);
    assert_eq!(by_phone.body["items"][0]["name"], "Person 12");
    let done = app
        .get(
            &format!("/api/campaigns/{id}/contacts?status=DONE"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(done.body["pagination"]["total"], 0);
    let too_many = app
        .get(
            &format!("/api/campaigns/{id}/contacts?limit=501"),
            Some(&app.admin_token),
        )
        .await;
    assert_envelope(
        &too_many,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

#[tokio::test]
async fn detail_shows_settings_timeline_and_metrics() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant,
            EXTRA,
            &[("lineQuietGating", "true")],
        )
        .await;
    let id = created["campaignId"].as_str().unwrap();
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.status, StatusCode::OK, "{:?}", detail.body);
    assert_eq!(detail.body["id"], id);
    assert_eq!(detail.body["lineQuietGating"], true);
    assert_eq!(
        detail.body["settings"]["variableColumns"],
        json!(["city", "plan", "timezone"])
    );
    assert!(detail.body["timeline"]["createdAt"].is_string());
    assert!(detail.body["timeline"]["estimatedCompletionAt"].is_null());
    assert_eq!(detail.body["metrics"]["successRate"], 0.0);
    assert_eq!(detail.body["metrics"]["totalCost"], 0.0);
    assert_eq!(detail.body["metrics"]["contactsByStatus"]["PENDING"], 30);
}

#[tokio::test]
async fn operators_see_only_their_own_campaigns() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let (_, alice) = app.create_user("alice", "operator").await;
    let (_, bob) = app.create_user("bob", "operator").await;
    let created = app
        .create_campaign(&alice, assistant, &contacts_csv(3), &[])
        .await;
    let id = created["campaignId"].as_str().unwrap();

    for path in [
        format!("/api/campaigns/{id}"),
        format!("/api/campaigns/{id}/contacts"),
        format!("/api/campaigns/{id}/export.csv"),
    ] {
        assert_eq!(
            app.get(&path, Some(&alice)).await.status,
            StatusCode::OK,
            "{path}"
        );
        assert_envelope(
            &app.get(&path, Some(&bob)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_eq!(
            app.get(&path, Some(&app.admin_token)).await.status,
            StatusCode::OK
        );
    }
    let bobs = app.get("/api/campaigns", Some(&bob)).await;
    assert_eq!(bobs.body["pagination"]["total"], 0);
    let alices = app.get("/api/campaigns", Some(&alice)).await;
    assert_eq!(alices.body["pagination"]["total"], 1);
    let admins = app.get("/api/campaigns", Some(&app.admin_token)).await;
    assert_eq!(admins.body["pagination"]["total"], 1);
}

#[tokio::test]
async fn export_of_20000_contacts_streams_every_row() {
    let app = spawn_app_with(&[("AUTOLYNX__CAMPAIGNS__MAX_CONTACTS", "20000")]).await;
    let assistant = app.seed_assistant("A").await;
    let csv = contacts_csv(20_000);
    let created = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &csv,
            &[("name", "Big / export")],
        )
        .await;
    assert_eq!(created["importReport"]["accepted"], 20_000);
    let id = created["campaignId"].as_str().unwrap();
    let resp = app
        .client
        .get(app.url(&format!("/api/campaigns/{id}/export.csv")))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers().get("content-length").is_none(),
        "the export is streamed, not buffered"
    );
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("big-export-"), "{disposition}");
    let body = resp.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        vec![
            "name",
            "business_name",
            "phone",
            "call_status",
            "ended_reason",
            "cost_usd",
            "duration_seconds",
            "recording_url",
            "success_evaluation",
            "transcript_summary",
            "attempts"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut stored = contact::Entity::find().all(&app.db).await.unwrap();
    stored.sort_by_key(|c| c.row_number);
    assert_eq!(rows.len(), stored.len());
    assert_eq!(rows.len(), 20_000);
    for (row, c) in rows.iter().zip(&stored) {
        assert_eq!(&row[0], c.name);
        assert_eq!(&row[1], c.business_name);
        assert_eq!(&row[2], c.phone_e164);
        assert_eq!(&row[3], "PENDING");
        assert_eq!(&row[10], "0");
    }
}

#[tokio::test]
async fn export_quotes_fields_and_adds_variable_columns() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("A").await;
    let csv = "name,business_name,phone,note\r\n\
               \"Hu, Jr.\",\"Say \"\"hi\"\"\",415-555-2674,=cmd()\r\n";
    let created = app
        .create_campaign(&app.admin_token, assistant, csv.as_bytes(), &[])
        .await;
    let id = created["campaignId"].as_str().unwrap();
    let text = app
        .client
        .get(app.url(&format!("/api/campaigns/{id}/export.csv")))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",attempts,note"));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("\"Hu, Jr.\",\"Say \"\"hi\"\"\",+14155552674,PENDING,"),
        "{row}"
    );
    assert!(row.ends_with(",0,'=cmd()"), "formula defused: {row}");
}

#[tokio::test]
async fn a_json_body_imports_like_the_upload() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("Pitch").await;
    let post_json = |contacts: Value| {
        let app = &app;
        async move {
            app.request(
                reqwest::Method::POST,
                "/api/campaigns",
                Some(&app.admin_token),
                Some(json!({
                    "name": "From JSON",
                    "assistantId": assistant,
                    "phoneNumberId": "phone-test",
                    "contacts": contacts,
                })),
            )
            .await
        }
    };

    // The CSV as a string: the very report the multipart upload gives.
    let upload = app
        .create_campaign(&app.admin_token, assistant, MESSY, &[])
        .await;
    let text = post_json(json!(String::from_utf8(MESSY.to_vec()).unwrap())).await;
    assert_eq!(text.status, StatusCode::CREATED, "{:?}", text.body);
    assert_eq!(text.body["importReport"], upload["importReport"]);
    assert_eq!(text.body["campaign"]["status"], "CREATED");

    // Rows as objects with the CSV's columns; extra columns become variables.
    let rows = post_json(json!([
        {"name": "Ada", "business_name": "Engines", "phone": "(415) 555-2671", "city": "London"},
        {"name": "Bob", "business_name": "Builders", "phone": "not a number"},
        {"name": "Cy", "business_name": "Cycles", "phone": "+1 415 555 2672"},
    ]))
    .await;
    assert_eq!(rows.status, StatusCode::CREATED, "{:?}", rows.body);
    let report = &rows.body["importReport"];
    assert_eq!(report["totalRows"], 3);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["skipped"][0]["reason"], "invalid-phone");
    let id = rows.body["campaignId"].as_str().unwrap();
    let contacts = app
        .get(
            &format!("/api/campaigns/{id}/contacts"),
            Some(&app.admin_token),
        )
        .await;
    let ada = contacts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Ada")
        .unwrap()
        .clone();
    assert_eq!(ada["phone"], "+14155552671", "{ada:?}");

    // Neither rows nor text: the envelope names the field.
    let neither = post_json(json!(42)).await;
    assert_eq!(
        neither.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        neither.body
    );
    assert_eq!(neither.body["error"]["details"]["field"], "contacts");
    let empty = post_json(json!([])).await;
    assert_envelope(
        &empty,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

#[tokio::test]
async fn an_unknown_or_deleted_assistant_is_404() {
    let app = spawn_app().await;
    let form = |assistant: String| CampaignForm {
        csv: contacts_csv(2),
        fields: vec![
            ("name", "No assistant".to_owned()),
            ("assistantId", assistant),
            ("phoneNumberId", "phone-test".to_owned()),
        ],
    };
    let unknown = uuid::Uuid::new_v4();
    let reply = app
        .post_campaign(&app.admin_token, form(unknown.to_string()))
        .await;
    let error = assert_envelope(&reply, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(error["details"]["field"], "assistantId", "{error}");

    let assistant = app.seed_assistant("Gone").await;
    let model = autolynx::store::assistants::get(&app.db, assistant)
        .await
        .unwrap()
        .unwrap();
    autolynx::store::assistants::mark_deleted(&app.db, model)
        .await
        .unwrap();
    let reply = app
        .post_campaign(&app.admin_token, form(assistant.to_string()))
        .await;
    let error = assert_envelope(&reply, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(error["details"]["field"], "assistantId", "{error}");
}

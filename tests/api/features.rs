//! `[features]`: each optional feature works when on (the default) and is really off when
//! switched off, answering `feature_disabled`.

use reqwest::StatusCode;

use crate::helpers::{CampaignForm, assert_envelope, contacts_csv, spawn_app, spawn_app_with};

async fn export(app: &crate::helpers::TestApp) -> crate::helpers::Reply {
    let assistant = app.seed_assistant("Features").await;
    let created = app
        .create_campaign(&app.admin_token, assistant, &contacts_csv(2), &[])
        .await;
    let id = created["campaignId"].as_str().unwrap();
    let resp = app
        .client
        .get(app.url(&format!("/api/campaigns/{id}/export.csv")))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    crate::helpers::Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    }
}

#[tokio::test]
async fn export_off_is_404_feature_disabled() {
    let on = spawn_app().await;
    assert_eq!(export(&on).await.status, StatusCode::OK);
    let off = spawn_app_with(&[("AUTOLYNX__FEATURES__EXPORT", "false")]).await;
    let error = assert_envelope(
        &export(&off).await,
        StatusCode::NOT_FOUND,
        "feature_disabled",
    );
    assert_eq!(error["details"]["feature"], "features.export");
}

#[tokio::test]
async fn phone_line_health_check_off_is_404_feature_disabled() {
    let path = "/api/health/phone-line?phoneNumberId=phone-test";
    let on = spawn_app().await;
    assert_eq!(
        on.get(path, Some(&on.admin_token)).await.status,
        StatusCode::OK
    );
    let off = spawn_app_with(&[("AUTOLYNX__FEATURES__PHONE_LINE_HEALTH_CHECK", "false")]).await;
    let error = assert_envelope(
        &off.get(path, Some(&off.admin_token)).await,
        StatusCode::NOT_FOUND,
        "feature_disabled",
    );
    assert_eq!(
        error["details"]["feature"],
        "features.phone_line_health_check"
    );
}

#[tokio::test]
async fn strict_batching_off_refuses_batch_campaigns_only() {
    let app = spawn_app_with(&[("AUTOLYNX__FEATURES__STRICT_BATCHING", "false")]).await;
    let assistant = app.seed_assistant("Batching").await;
    let form = |mode: &str| CampaignForm {
        csv: contacts_csv(3),
        fields: vec![
            ("name", "Batch".to_owned()),
            ("assistantId", assistant.to_string()),
            ("phoneNumberId", "phone-test".to_owned()),
            ("mode", mode.to_owned()),
        ],
    };
    let refused = app.post_campaign(&app.admin_token, form("batch")).await;
    let error = assert_envelope(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "feature_disabled",
    );
    assert_eq!(error["details"]["feature"], "features.strict_batching");
    let list = app.get("/api/campaigns", Some(&app.admin_token)).await;
    assert_eq!(list.body["pagination"]["total"], 0, "{:?}", list.body);
    let continuous = app
        .post_campaign(&app.admin_token, form("continuous"))
        .await;
    assert_eq!(
        continuous.status,
        StatusCode::CREATED,
        "{:?}",
        continuous.body
    );

    let on = spawn_app().await;
    let assistant = on.seed_assistant("Batching").await;
    let batch = on
        .create_campaign(
            &on.admin_token,
            assistant,
            &contacts_csv(3),
            &[("mode", "batch")],
        )
        .await;
    assert_eq!(batch["campaign"]["mode"], "batch");
}

/// Runs a campaign of answered calls (with transcripts and costs) on `app` and returns its
/// calls and the payloads of their stored events.
async fn answered_calls(
    app: &crate::helpers::TestApp,
) -> (
    Vec<autolynx::store::entities::call::Model>,
    Vec<serde_json::Value>,
) {
    use sea_orm::EntityTrait;
    let id = app.start_campaign(3, &[]).await;
    app.wait_for_status(&id, "COMPLETED", std::time::Duration::from_secs(20))
        .await;
    // The end-of-call reports come after the end.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let calls = app.calls_of(&id).await;
        if calls.iter().all(|c| c.summary.is_some()) {
            let events = autolynx::store::entities::call_event::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.payload)
                .collect();
            return (calls, events);
        }
        assert!(tokio::time::Instant::now() < deadline, "{calls:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn answered_sim() -> autolynx::provider::simulator::SimulatorConfig {
    let mut config = autolynx::provider::simulator::SimulatorConfig::fast();
    config.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    config
}

fn has_key(value: &serde_json::Value, key: &str) -> bool {
    match value {
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k == key || has_key(v, key)),
        serde_json::Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

#[tokio::test]
async fn transcript_storage_off_keeps_no_transcript_anywhere() {
    let on = crate::helpers::spawn_app_with_sim(answered_sim(), &[]).await;
    let (calls, events) = answered_calls(&on).await;
    assert!(calls.iter().all(|c| c.transcript_json.is_some()));
    assert!(events.iter().any(|p| has_key(p, "transcript")));

    let off = crate::helpers::spawn_app_with_sim(
        answered_sim(),
        &[("AUTOLYNX__FEATURES__TRANSCRIPT_STORAGE", "false")],
    )
    .await;
    let (calls, events) = answered_calls(&off).await;
    assert!(
        calls.iter().all(|c| c.transcript_json.is_none()),
        "{calls:?}"
    );
    // The outcome and the summary are still kept.
    assert!(
        calls
            .iter()
            .all(|c| c.outcome.as_deref() == Some("answered") && c.summary.is_some())
    );
    for key in ["transcript", "messages", "messagesOpenAIFormatted"] {
        assert!(!events.iter().any(|p| has_key(p, key)), "{key} stored");
    }
}

#[tokio::test]
async fn cost_tracking_off_records_no_cost_anywhere() {
    let on = crate::helpers::spawn_app_with_sim(answered_sim(), &[]).await;
    let (calls, events) = answered_calls(&on).await;
    assert!(calls.iter().all(|c| c.cost.is_some_and(|c| c > 0.0)));
    assert!(events.iter().any(|p| has_key(p, "costs")));

    let off = crate::helpers::spawn_app_with_sim(
        answered_sim(),
        &[("AUTOLYNX__FEATURES__COST_TRACKING", "false")],
    )
    .await;
    let (calls, events) = answered_calls(&off).await;
    assert!(calls.iter().all(|c| c.cost.is_none()), "{calls:?}");
    for key in ["cost", "costs", "costBreakdown"] {
        assert!(!events.iter().any(|p| has_key(p, key)), "{key} stored");
    }
    // Everything else is.
    assert!(
        calls
            .iter()
            .all(|c| c.outcome.as_deref() == Some("answered"))
    );
}

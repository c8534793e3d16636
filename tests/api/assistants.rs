//! The assistant directory against the simulator: create, import, update, delete (with its
//! campaign guard), templates, filters and pagination, roles, and provider failures.

use autolynx::provider::simulator::Faults;
use autolynx::provider::vapi::{Timeouts, VapiClient};
use autolynx::provider::{Provider, ProviderError};
use autolynx::store::entities::{assistant, campaign};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_envelope, contacts_csv, spawn_app, spawn_app_with};

/// A Vapi client pointed at the app's simulator, to look behind the API.
fn vapi(app: &TestApp) -> VapiClient {
    VapiClient::with(app.sim.base_url(), app.sim.api_key(), Timeouts::default()).unwrap()
}

async fn create(app: &TestApp, body: Value) -> Value {
    let reply = app
        .request(
            Method::POST,
            "/api/assistants",
            Some(&app.admin_token),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

async fn patch(app: &TestApp, id: &str, body: Value) -> crate::helpers::Reply {
    app.request(
        Method::PATCH,
        &format!("/api/assistants/{id}"),
        Some(&app.admin_token),
        Some(body),
    )
    .await
}

async fn get(app: &TestApp, id: &str) -> Value {
    let reply = app
        .get(&format!("/api/assistants/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

fn provider_id_of(body: &Value) -> String {
    body["providerAssistantId"]
        .as_str()
        .expect("providerAssistantId")
        .to_owned()
}

#[tokio::test]
async fn create_makes_the_assistant_at_the_provider_and_stores_its_id() {
    let app = spawn_app().await;
    let created = create(
        &app,
        json!({
            "name": "  Pitch  ",
            "firstMessage": "Hi {{name}}",
            "systemPrompt": "Be brief.",
            "options": { "maxDurationSeconds": 90, "voicemailMessage": "Call us back" },
        }),
    )
    .await;
    assert_eq!(created["name"], "Pitch");
    assert_eq!(created["source"], "local");
    assert_eq!(created["templateKey"], Value::Null);
    assert_eq!(created["active"], true);
    assert_eq!(created["ephemeral"], false);
    assert_eq!(
        created["config"],
        json!({
            "name": "Pitch",
            "firstMessage": "Hi {{name}}",
            "model": {"provider": "openai", "model": "gpt-4o-mini",
                      "messages": [{"role": "system", "content": "Be brief."}]},
            "voice": {"provider": "vapi", "voiceId": "Elliot"},
            "maxDurationSeconds": 90,
            "voicemailMessage": "Call us back",
        })
    );
    let provider_id = provider_id_of(&created);

    let stored = assistant::Entity::find_by_id(id_of(&created).parse::<Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .expect("row stored");
    assert_eq!(stored.provider_assistant_id.as_deref(), Some(&*provider_id));
    assert_eq!(stored.config_json, created["config"]);

    let remote = vapi(&app).get_assistant(&provider_id).await.unwrap();
    assert_eq!(remote.name.as_deref(), Some("Pitch"));
    assert_eq!(remote.raw["firstMessage"], "Hi {{name}}");
    assert_eq!(remote.raw["maxDurationSeconds"], 90);
    assert_eq!(remote.raw["model"]["messages"][0]["content"], "Be brief.");

    // A custom model and voice are sent as given (plus the system prompt).
    let custom = create(
        &app,
        json!({
            "name": "Custom",
            "systemPrompt": "P",
            "model": {"provider": "anthropic", "model": "claude-x", "temperature": 0.2},
            "voice": {"provider": "11labs", "voiceId": "v1"},
        }),
    )
    .await;
    assert_eq!(
        custom["config"]["model"],
        json!({"provider": "anthropic", "model": "claude-x", "temperature": 0.2,
               "messages": [{"role": "system", "content": "P"}]})
    );
    assert_eq!(custom["config"]["voice"]["voiceId"], "v1");
}

#[tokio::test]
async fn create_validates_before_calling_the_provider() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({ "name": "   " }), "name"),
        (json!({ "name": "x".repeat(41) }), "name"),
        (json!({ "name": "A", "model": "gpt-4o" }), "model"),
        (json!({ "name": "A", "voice": [1] }), "voice"),
        (json!({ "name": "A", "options": 3 }), "options"),
        (
            json!({ "name": "A", "options": { "name": "sneaky" } }),
            "options",
        ),
        (
            json!({ "name": "A", "options": { "model": {} } }),
            "options",
        ),
    ] {
        let reply = app
            .request(
                Method::POST,
                "/api/assistants",
                Some(&app.admin_token),
                Some(body.clone()),
            )
            .await;
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], field, "{body}");
    }
    let count = assistant::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn list_filters_by_name_and_active_and_paginates() {
    let app = spawn_app().await;
    for name in ["Alpha pitch", "Beta PITCH", "Gamma", "Delta"] {
        app.seed_assistant(name).await;
    }
    let gamma = app
        .get("/api/assistants?q=gamma", Some(&app.admin_token))
        .await
        .body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // `active` alone is local: no provider round trip (the seeded ids are unknown there).
    let off = patch(&app, &gamma, json!({ "active": false })).await;
    assert_eq!(off.status, StatusCode::OK, "{:?}", off.body);
    assert_eq!(off.body["active"], false);

    let names = |reply: &Value| -> Vec<String> {
        reply["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = app.get("/api/assistants", Some(&app.admin_token)).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        names(&all.body),
        ["Alpha pitch", "Beta PITCH", "Delta", "Gamma"]
    );
    assert_eq!(
        all.body["pagination"],
        json!({"page": 1, "limit": 50, "total": 4, "totalPages": 1})
    );

    let pitch = app
        .get("/api/assistants?q=Pitch", Some(&app.admin_token))
        .await;
    assert_eq!(names(&pitch.body), ["Alpha pitch", "Beta PITCH"]);
    assert_eq!(pitch.body["pagination"]["total"], 2);

    let inactive = app
        .get("/api/assistants?active=false", Some(&app.admin_token))
        .await;
    assert_eq!(names(&inactive.body), ["Gamma"]);
    let active = app
        .get("/api/assistants?active=true&q=a", Some(&app.admin_token))
        .await;
    assert_eq!(names(&active.body), ["Alpha pitch", "Beta PITCH", "Delta"]);

    let page2 = app
        .get("/api/assistants?page=2&limit=3", Some(&app.admin_token))
        .await;
    assert_eq!(names(&page2.body), ["Gamma"]);
    assert_eq!(
        page2.body["pagination"],
        json!({"page": 2, "limit": 3, "total": 4, "totalPages": 2})
    );
    let beyond = app
        .get("/api/assistants?page=9&limit=3", Some(&app.admin_token))
        .await;
    assert_eq!(beyond.body["items"], json!([]));

    for (query, field) in [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("page=0", "page"),
    ] {
        let reply = app
            .get(&format!("/api/assistants?{query}"), Some(&app.admin_token))
            .await;
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], field);
    }
    let max = app
        .get("/api/assistants?limit=100", Some(&app.admin_token))
        .await;
    assert_eq!(max.status, StatusCode::OK);
}

#[tokio::test]
async fn get_returns_one_assistant_or_404() {
    let app = spawn_app().await;
    let created = create(&app, json!({ "name": "One" })).await;
    let found = get(&app, &id_of(&created)).await;
    assert_eq!(found, created);
    let missing = app
        .get(
            &format!("/api/assistants/{}", Uuid::new_v4()),
            Some(&app.admin_token),
        )
        .await;
    assert_envelope(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn import_validates_with_the_provider_and_upserts() {
    let app = spawn_app().await;
    let remote = vapi(&app)
        .create_assistant(&json!({ "name": "Remote", "firstMessage": "Hello there" }))
        .await
        .unwrap();

    let imported = app
        .request(
            Method::POST,
            "/api/assistants/import",
            Some(&app.admin_token),
            Some(json!({ "providerAssistantId": remote.id })),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{:?}", imported.body);
    assert_eq!(imported.body["source"], "imported");
    assert_eq!(imported.body["name"], "Remote");
    assert_eq!(imported.body["providerAssistantId"], remote.id.as_str());
    assert_eq!(imported.body["config"]["firstMessage"], "Hello there");
    assert_eq!(imported.body["ephemeral"], false);

    let again = app
        .request(
            Method::POST,
            "/api/assistants/import",
            Some(&app.admin_token),
            Some(json!({ "providerAssistantId": remote.id, "name": "Renamed here" })),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["id"], imported.body["id"]);
    assert_eq!(again.body["name"], "Renamed here");
    assert_eq!(assistant::Entity::find().count(&app.db).await.unwrap(), 1);

    let missing = app
        .request(
            Method::POST,
            "/api/assistants/import",
            Some(&app.admin_token),
            Some(json!({ "providerAssistantId": "no-such-assistant" })),
        )
        .await;
    let error = assert_envelope(&missing, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(error["details"]["field"], "providerAssistantId");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("the provider has no assistant with id no-such-assistant"),
        "{error}"
    );
    let blank = app
        .request(
            Method::POST,
            "/api/assistants/import",
            Some(&app.admin_token),
            Some(json!({ "providerAssistantId": " " })),
        )
        .await;
    assert_envelope(
        &blank,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(assistant::Entity::find().count(&app.db).await.unwrap(), 1);

    // A deleted import comes back when imported again.
    let id = id_of(&imported.body);
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/assistants/{id}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let revived = app
        .request(
            Method::POST,
            "/api/assistants/import",
            Some(&app.admin_token),
            Some(json!({ "providerAssistantId": remote.id })),
        )
        .await;
    assert_eq!(revived.status, StatusCode::OK, "{:?}", revived.body);
    assert_eq!(revived.body["id"], id.as_str());
    assert_eq!(get(&app, &id).await["name"], "Remote");
}

#[tokio::test]
async fn patch_changes_the_provider_then_the_row() {
    let app = spawn_app().await;
    let created = create(
        &app,
        json!({
            "name": "Before",
            "firstMessage": "Old hello",
            "systemPrompt": "Old prompt",
            "model": {"provider": "openai", "model": "gpt-4o"},
        }),
    )
    .await;
    let id = id_of(&created);
    let provider_id = provider_id_of(&created);

    let patched = patch(
        &app,
        &id,
        json!({
            "name": "After",
            "firstMessage": "New hello",
            "systemPrompt": "New prompt",
            "options": { "maxDurationSeconds": 60 },
        }),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.body["name"], "After");
    let config = &patched.body["config"];
    assert_eq!(config["name"], "After");
    assert_eq!(config["firstMessage"], "New hello");
    assert_eq!(config["maxDurationSeconds"], 60);
    // The model keeps what it had; only the system message changes.
    assert_eq!(
        config["model"],
        json!({"provider": "openai", "model": "gpt-4o",
               "messages": [{"role": "system", "content": "New prompt"}]})
    );
    assert_eq!(config["voice"], created["config"]["voice"]);
    assert_eq!(get(&app, &id).await, patched.body);

    let remote = vapi(&app).get_assistant(&provider_id).await.unwrap();
    assert_eq!(remote.name.as_deref(), Some("After"));
    assert_eq!(remote.raw["firstMessage"], "New hello");
    assert_eq!(remote.raw["maxDurationSeconds"], 60);
    assert_eq!(remote.raw["model"], config["model"]);

    // A new model keeps the system prompt.
    let remodel = patch(
        &app,
        &id,
        json!({ "model": {"provider": "openai", "model": "gpt-4.1"} }),
    )
    .await;
    assert_eq!(remodel.status, StatusCode::OK, "{:?}", remodel.body);
    assert_eq!(
        remodel.body["config"]["model"],
        json!({"provider": "openai", "model": "gpt-4.1",
               "messages": [{"role": "system", "content": "New prompt"}]})
    );
    let remote = vapi(&app).get_assistant(&provider_id).await.unwrap();
    assert_eq!(remote.raw["model"]["model"], "gpt-4.1");

    // Invalid input changes nothing anywhere.
    let bad = patch(&app, &id, json!({ "name": "", "firstMessage": "x" })).await;
    assert_envelope(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let remote = vapi(&app).get_assistant(&provider_id).await.unwrap();
    assert_eq!(remote.raw["firstMessage"], "New hello");

    let missing = patch(
        &app,
        &Uuid::new_v4().to_string(),
        json!({ "active": false }),
    )
    .await;
    assert_envelope(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn patch_refused_by_the_provider_leaves_the_row_unchanged() {
    let app = spawn_app().await;

    // The provider does not know this assistant: 404 there, 409 here.
    let unknown = app.seed_assistant("Unknown there").await.to_string();
    let before = get(&app, &unknown).await;
    let refused = patch(
        &app,
        &unknown,
        json!({ "name": "Renamed", "firstMessage": "x", "active": false }),
    )
    .await;
    let error = assert_envelope(&refused, StatusCode::CONFLICT, "conflict");
    assert_eq!(
        error["details"]["providerAssistantId"],
        before["providerAssistantId"]
    );
    assert_eq!(get(&app, &unknown).await, before);

    // The provider fails (5xx): 503 here, and neither side changed.
    let created = create(&app, json!({ "name": "Stable", "firstMessage": "Same" })).await;
    let id = id_of(&created);
    app.sim.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let failed = patch(
        &app,
        &id,
        json!({ "name": "Changed", "firstMessage": "New" }),
    )
    .await;
    assert_envelope(&failed, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    app.sim.set_faults(Faults::default());
    assert_eq!(get(&app, &id).await, created);
    let remote = vapi(&app)
        .get_assistant(&provider_id_of(&created))
        .await
        .unwrap();
    assert_eq!(remote.name.as_deref(), Some("Stable"));
    assert_eq!(remote.raw["firstMessage"], "Same");

    // 429 from the provider: 429 here with the wait.
    app.sim.set_faults(Faults {
        rate_limit_rate: 1.0,
        retry_after_secs: 7,
        ..Faults::default()
    });
    let limited = patch(&app, &id, json!({ "firstMessage": "New" })).await;
    let error = assert_envelope(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(error["details"]["retryAfterSeconds"], 7);
    app.sim.set_faults(Faults::default());
    assert_eq!(get(&app, &id).await, created);
}

#[tokio::test]
async fn a_refused_api_key_is_our_misconfiguration() {
    let app = spawn_app_with(&[("VAPI_API_KEY", "not-the-simulators-key")]).await;
    let reply = app
        .request(
            Method::POST,
            "/api/assistants",
            Some(&app.admin_token),
            Some(json!({ "name": "A" })),
        )
        .await;
    let error = assert_envelope(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert_eq!(error["message"], "the provider refused our API key");
    assert_eq!(assistant::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn active_flag_toggles_and_decides_campaign_use() {
    let app = spawn_app().await;
    let created = create(&app, json!({ "name": "Toggle" })).await;
    let id = id_of(&created);
    let assistant: Uuid = id.parse().unwrap();

    let off = patch(&app, &id, json!({ "active": false })).await;
    assert_eq!(off.status, StatusCode::OK, "{:?}", off.body);
    assert_eq!(off.body["active"], false);
    assert_eq!(off.body["config"], created["config"]);
    let refused = app
        .post_campaign(
            &app.admin_token,
            crate::helpers::CampaignForm {
                csv: contacts_csv(2),
                fields: vec![
                    ("name", "C".to_owned()),
                    ("assistantId", id.clone()),
                    ("phoneNumberId", "phone-test".to_owned()),
                ],
            },
        )
        .await;
    let error = assert_envelope(&refused, StatusCode::CONFLICT, "conflict");
    assert_eq!(error["details"]["field"], "assistantId");

    let on = patch(&app, &id, json!({ "active": true })).await;
    assert_eq!(on.body["active"], true);
    app.create_campaign(&app.admin_token, assistant, &contacts_csv(2), &[])
        .await;
}

#[tokio::test]
async fn delete_is_refused_while_an_unfinished_campaign_uses_it() {
    let app = spawn_app().await;
    let created = create(&app, json!({ "name": "Busy" })).await;
    let id = id_of(&created);
    let provider_id = provider_id_of(&created);
    let campaign = app
        .create_campaign(&app.admin_token, id.parse().unwrap(), &contacts_csv(3), &[])
        .await;
    let campaign_id: Uuid = campaign["campaignId"].as_str().unwrap().parse().unwrap();

    let path = format!("/api/assistants/{id}");
    let refused = app
        .request(Method::DELETE, &path, Some(&app.admin_token), None)
        .await;
    let error = assert_envelope(&refused, StatusCode::CONFLICT, "conflict");
    assert_eq!(error["details"]["campaigns"], 1);
    assert_eq!(get(&app, &id).await, created);

    let row = campaign::Entity::find_by_id(campaign_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: campaign::ActiveModel = row.into();
    row.status = Set(autolynx::domain::campaign::CampaignStatus::Completed);
    row.update(&app.db).await.unwrap();

    let deleted = app
        .request(Method::DELETE, &path, Some(&app.admin_token), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    assert_envelope(
        &app.get(&path, Some(&app.admin_token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let listed = app.get("/api/assistants", Some(&app.admin_token)).await;
    assert_eq!(listed.body["items"], json!([]));
    let again = app
        .request(Method::DELETE, &path, Some(&app.admin_token), None)
        .await;
    assert_envelope(&again, StatusCode::NOT_FOUND, "not_found");

    // The finished campaign still names it; the provider keeps a non-ephemeral assistant.
    let detail = app
        .get(
            &format!("/api/campaigns/{campaign_id}"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK, "{:?}", detail.body);
    assert_eq!(detail.body["assistantName"], "Busy");
    assert!(vapi(&app).get_assistant(&provider_id).await.is_ok());
}

#[tokio::test]
async fn deleting_an_ephemeral_assistant_deletes_it_at_the_provider() {
    let app = spawn_app().await;
    let created = create(&app, json!({ "name": "Throwaway", "ephemeral": true })).await;
    assert_eq!(created["ephemeral"], true);
    let provider_id = provider_id_of(&created);
    assert!(vapi(&app).get_assistant(&provider_id).await.is_ok());

    // While the provider fails, nothing is deleted on either side.
    app.sim.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let failed = app
        .request(
            Method::DELETE,
            &format!("/api/assistants/{}", id_of(&created)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_envelope(&failed, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    app.sim.set_faults(Faults::default());
    assert_eq!(get(&app, &id_of(&created)).await, created);

    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/assistants/{}", id_of(&created)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    assert_eq!(
        vapi(&app).get_assistant(&provider_id).await,
        Err(ProviderError::NotFound)
    );
}

#[tokio::test]
async fn templates_are_listed_and_cloned_into_real_assistants() {
    let app = spawn_app().await;
    let listed = app
        .get("/api/assistants/templates", Some(&app.admin_token))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let templates = listed.body.as_array().unwrap();
    let keys: Vec<_> = templates
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["voicemail-friendly", "short-pitch", "discovery"]);
    for t in templates {
        for field in ["name", "description", "firstMessage", "systemPrompt"] {
            assert!(t[field].as_str().is_some_and(|s| !s.is_empty()), "{t}");
        }
        assert!(t["systemPrompt"].as_str().unwrap().contains("{{name}}"));
    }
    let discovery = templates.iter().find(|t| t["key"] == "discovery").unwrap();

    let cloned = app
        .request(
            Method::POST,
            "/api/assistants/templates/discovery/clone",
            Some(&app.admin_token),
            Some(json!({ "name": "My discovery", "ephemeral": true })),
        )
        .await;
    assert_eq!(cloned.status, StatusCode::CREATED, "{:?}", cloned.body);
    assert_eq!(cloned.body["source"], "template");
    assert_eq!(cloned.body["templateKey"], "discovery");
    assert_eq!(cloned.body["name"], "My discovery");
    assert_eq!(cloned.body["ephemeral"], true);
    assert_eq!(
        cloned.body["config"]["firstMessage"],
        discovery["firstMessage"]
    );
    let remote = vapi(&app)
        .get_assistant(&provider_id_of(&cloned.body))
        .await
        .unwrap();
    assert_eq!(remote.name.as_deref(), Some("My discovery"));
    assert_eq!(
        remote.raw["model"]["messages"][0]["content"],
        discovery["systemPrompt"]
    );

    let default_name = app
        .request(
            Method::POST,
            "/api/assistants/templates/voicemail-friendly/clone",
            Some(&app.admin_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(default_name.status, StatusCode::CREATED);
    assert_eq!(default_name.body["name"], templates[0]["name"]);
    assert!(default_name.body["config"]["voicemailMessage"].is_string());

    let unknown = app
        .request(
            Method::POST,
            "/api/assistants/templates/nope/clone",
            Some(&app.admin_token),
            Some(json!({})),
        )
        .await;
    assert_envelope(&unknown, StatusCode::NOT_FOUND, "not_found");
    let listed = app
        .get("/api/assistants?q=discovery", Some(&app.admin_token))
        .await;
    assert_eq!(listed.body["pagination"]["total"], 1);
}

#[tokio::test]
async fn operators_read_and_use_assistants_but_do_not_manage_them() {
    let app = spawn_app().await;
    let (_, operator) = app.create_user("op", "operator").await;
    let created = create(&app, json!({ "name": "Shared" })).await;
    let id = id_of(&created);

    let listed = app.get("/api/assistants", Some(&operator)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    let one = app
        .get(&format!("/api/assistants/{id}"), Some(&operator))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let templates = app.get("/api/assistants/templates", Some(&operator)).await;
    assert_eq!(templates.status, StatusCode::OK);
    app.create_campaign(&operator, id.parse().unwrap(), &contacts_csv(1), &[])
        .await;

    for (method, path, body) in [
        (
            Method::POST,
            "/api/assistants".to_owned(),
            json!({ "name": "X" }),
        ),
        (
            Method::POST,
            "/api/assistants/import".to_owned(),
            json!({ "providerAssistantId": provider_id_of(&created) }),
        ),
        (
            Method::PATCH,
            format!("/api/assistants/{id}"),
            json!({ "active": false }),
        ),
        (Method::DELETE, format!("/api/assistants/{id}"), json!({})),
        (
            Method::POST,
            "/api/assistants/templates/discovery/clone".to_owned(),
            json!({}),
        ),
    ] {
        let reply = app
            .request(method, &path, Some(&operator), Some(body))
            .await;
        assert_envelope(&reply, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(get(&app, &id).await, created);
    assert_eq!(assistant::Entity::find().count(&app.db).await.unwrap(), 1);
}

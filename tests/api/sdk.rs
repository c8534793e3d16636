//! The main flows through the generated Rust client (`autolynx-client`), so the SDK is
//! exercised against the real server on every run: clone a template, create a campaign from
//! JSON, start, pause, resume, read the detail and contacts, stop, export.

use std::time::Duration;

use autolynx::provider::simulator::{MsRange, OutcomeMix, SimulatorConfig};
use autolynx_client::{Client, types};

use crate::helpers::spawn_app_with_sim;

fn client(base: &str, token: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    Client::new_with_client(base, http)
}

#[tokio::test]
async fn the_main_flow_through_the_rust_client() {
    let mut sim = SimulatorConfig::fast();
    // Calls long enough that the campaign is still running while it is paused and resumed.
    sim.outcomes = OutcomeMix::all_answered();
    sim.timings.call_ms = MsRange::new(300, 400);
    let app = spawn_app_with_sim(sim, &[]).await;
    let api = client(&app.url("/api"), &app.admin_token);

    let assistant = api
        .clone_assistant_template()
        .key("short-pitch")
        .body(types::CloneTemplateRequest {
            name: Some("SDK pitch".parse().unwrap()),
            ephemeral: None,
        })
        .send()
        .await
        .expect("clone")
        .into_inner();
    assert_eq!(assistant.template_key.as_deref(), Some("short-pitch"));

    let rows: Vec<_> = (0..6)
        .map(|i| {
            [
                ("name", format!("Person {i}")),
                ("business_name", format!("Business {i}")),
                ("phone", format!("+1415555{:04}", 2671 + i)),
                ("city", "Springfield".to_owned()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
        })
        .collect();
    let created = api
        .create_campaign()
        .body(types::CreateCampaignJson {
            name: "SDK campaign".parse().unwrap(),
            assistant_id: assistant.id,
            contacts: types::ContactsInput::Array(rows),
            cap: Some(2.try_into().unwrap()),
            mode: None,
            phone_number_id: None,
            line_quiet_gating: None,
            calling_hours: None,
            calling_days: None,
            timezone: None,
            max_attempts: None,
            redial_delay_seconds: None,
            redial_on: None,
            budget_usd: None,
            start_at: None,
            safety_brake_window: None,
            safety_brake_failure_share: None,
            safety_brake_failures_in_a_row: None,
        })
        .send()
        .await
        .expect("create from JSON")
        .into_inner();
    assert_eq!(created.import_report.accepted, 6);
    let id = created.campaign_id;

    let started = api.start_campaign().id(id).send().await.expect("start");
    assert_eq!(started.status().as_u16(), 200);
    app.wait_for_status(&id.to_string(), "RUNNING", Duration::from_secs(10))
        .await;
    api.pause_campaign().id(id).send().await.expect("pause");
    let paused = api.get_campaign().id(id).send().await.expect("detail");
    assert_eq!(paused.status, types::CampaignStatusDto::Paused);
    api.resume_campaign().id(id).send().await.expect("resume");

    let contacts = api
        .list_campaign_contacts()
        .id(id)
        .send()
        .await
        .expect("contacts")
        .into_inner();
    assert_eq!(contacts.pagination.total, 6);

    api.stop_campaign()
        .id(id)
        .body(types::StopRequest {
            mode: Some(types::StopModeDto::Finish),
        })
        .send()
        .await
        .expect("stop");
    app.wait_for_status(&id.to_string(), "STOPPED", Duration::from_secs(10))
        .await;
    let detail = api.get_campaign().id(id).send().await.unwrap().into_inner();
    assert_eq!(detail.status, types::CampaignStatusDto::Stopped);

    let export = api.export_campaign().id(id).send().await.expect("export");
    let mut body = export.into_inner();
    let mut csv = Vec::new();
    use futures_util::StreamExt;
    while let Some(chunk) = body.next().await {
        csv.extend_from_slice(&chunk.unwrap());
    }
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("name,business_name,phone,"), "{csv}");
    assert_eq!(csv.lines().count(), 7, "{csv}");

    // Errors come back typed, in the envelope.
    let missing = api
        .get_campaign()
        .id(uuid::Uuid::new_v4())
        .send()
        .await
        .expect_err("an unknown campaign");
    match missing {
        autolynx_client::Error::ErrorResponse(r) => {
            assert_eq!(r.status().as_u16(), 404);
            assert_eq!(r.error.code, "not_found");
        }
        other => panic!("expected the envelope, got {other:?}"),
    }
}

//! The actor runtime end to end: the real server dialing the simulator over HTTP.

use std::time::Duration;

use autolynx::provider::simulator::SimulatorConfig;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

use crate::helpers::spawn_app_with_sim;
use autolynx::store::entities::{call, contact};

#[tokio::test]
async fn a_campaign_dials_every_contact_once_within_its_cap_and_completes() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let id = app.start_campaign(20, &[("cap", "3")]).await;
    let detail = app
        .wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
        .await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 20, "{stats:?}");
    assert!(
        stats.dials_by_customer.values().all(|n| *n == 1),
        "{stats:?}"
    );
    assert!(
        stats.max_active_by_phone_number["phone-test"] <= 3,
        "cap exceeded: {stats:?}"
    );
    assert_eq!(detail["counters"]["completed"], 20);
    assert_eq!(detail["counters"]["active"], 0);
    assert!(detail["timeline"]["completedAt"].is_string());
    let contacts = contact::Entity::find().all(&app.db).await.unwrap();
    assert!(
        contacts
            .iter()
            .all(|c| c.status == "DONE" && c.outcome.is_some())
    );
    let calls = call::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(calls.len(), 20);
    assert!(calls.iter().all(|c| c.provider_call_id.is_some()));
    let _ = StatusCode::OK;
}

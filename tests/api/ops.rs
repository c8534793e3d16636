//! Operations in process: `/metrics` protection, request ids, health checks, the phone-line
//! check and the cron-compatible tick (which adopts a campaign whose supervisor was killed).

use std::time::Duration;

use autolynx::provider::simulator::{Faults, MsRange, SimulatorConfig};
use reqwest::{Method, StatusCode};
use uuid::Uuid;

use crate::helpers::{assert_envelope, spawn_app, spawn_app_with, spawn_app_with_sim};

const METRICS_TOKEN: &str = "scrape-token-0123456789";
const CRON_SECRET: &str = "cron-secret-for-tests";

#[tokio::test]
async fn metrics_answer_loopback_without_a_token_in_prometheus_text() {
    let app = spawn_app().await;
    let _ = app.get("/api/health", None).await;
    let resp = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = resp.text().await.unwrap();
    for needle in [
        "# TYPE autolynx_alert_threshold gauge",
        "autolynx_alert_threshold{alert=\"concurrency_warning\"} 0.75",
        "autolynx_alert_threshold{alert=\"concurrency_critical\"} 0.95",
        "autolynx_alert_threshold{alert=\"error_rate_warning\"} 0.05",
        "autolynx_alert_threshold{alert=\"error_rate_critical\"} 0.1",
        "autolynx_account_max_concurrent_calls",
        "autolynx_campaigns{status=\"RUNNING\"}",
        "autolynx_http_requests_total{",
        "route=\"/api/health\"",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[tokio::test]
async fn metrics_require_the_token_when_one_is_configured() {
    let app = spawn_app_with(&[("AUTOLYNX__METRICS__TOKEN", METRICS_TOKEN)]).await;
    let none = app.get("/metrics", None).await;
    assert_envelope(&none, StatusCode::UNAUTHORIZED, "unauthorized");
    let wrong = app.get("/metrics", Some("scrape-token-wrong-000000")).await;
    assert_envelope(&wrong, StatusCode::UNAUTHORIZED, "unauthorized");
    let resp = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("autolynx_alert_threshold")
    );
    // Not part of the API description.
    let spec = app.get("/openapi.json", None).await;
    assert!(spec.body["paths"].get("/metrics").is_none());
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let resp = app.client.get(app.url("/api/health")).send().await.unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(Uuid::parse_str(&id).is_ok(), "{id}");
    let resp = app
        .client
        .get(app.url("/api/nowhere"))
        .header("X-Request-Id", "caller-id-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(resp.headers()["x-request-id"], "caller-id-42");
    // A request id that could forge log lines is replaced.
    let resp = app
        .client
        .get(app.url("/api/health"))
        .header("X-Request-Id", "a b {\"level\":\"ERROR\"}")
        .send()
        .await
        .unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap();
    assert!(Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn health_reports_runtime_and_provider_checks() {
    let app = spawn_app().await;
    let reply = app.get("/api/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "healthy");
    let checks = &reply.body["checks"];
    assert_eq!(checks["runtime"]["status"], "healthy");
    assert!(checks["runtime"]["supervisors"].is_number());
    assert_eq!(checks["provider"]["status"], "healthy", "{checks}");
    assert!(checks["provider"]["latencyMs"].is_number());
    assert_eq!(checks["provider"]["cached"], false);
    // The provider's answer is reused.
    let again = app.get("/api/health", None).await;
    assert_eq!(again.body["checks"]["provider"]["cached"], true);
}

/// Every provider request answers 500/503 from now on.
fn provider_outage(app: &crate::helpers::TestApp) {
    app.sim.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
}

#[tokio::test]
async fn a_provider_outage_degrades_health_without_failing_it() {
    let app = spawn_app().await;
    provider_outage(&app);
    let reply = app.get("/api/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "degraded");
    assert_eq!(reply.body["checks"]["provider"]["status"], "unhealthy");
    assert!(reply.body["checks"]["provider"]["error"].is_string());
    assert_eq!(reply.body["checks"]["database"]["status"], "healthy");
}

#[tokio::test]
async fn phone_line_health_is_authenticated_validated_and_cached() {
    let app = spawn_app().await;
    let path = "/api/health/phone-line?phoneNumberId=phone-test";
    assert_envelope(
        &app.get(path, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let reply = app.get(path, Some(&app.admin_token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "healthy");
    assert_eq!(reply.body["liveCalls"], 0);
    assert_eq!(reply.body["phoneNumberId"], "phone-test");
    assert_eq!(reply.body["cached"], false);
    let again = app.get(path, Some(&app.admin_token)).await;
    assert_eq!(again.body["cached"], true);
    // Without a line named, the server's own line (VAPI_PHONE_NUMBER_ID) is checked.
    let default_line = app
        .get("/api/health/phone-line", Some(&app.admin_token))
        .await;
    assert_eq!(
        default_line.status,
        StatusCode::OK,
        "{:?}",
        default_line.body
    );
    assert_eq!(default_line.body["phoneNumberId"], "phone-test");
    assert_envelope(
        &app.get(
            &format!("/api/health/phone-line?campaignId={}", Uuid::new_v4()),
            Some(&app.admin_token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn phone_line_health_reports_busy_lines_and_provider_errors() {
    let mut sim = SimulatorConfig::fast();
    // Every call is answered and stays live long enough to be seen (a seeded no-answer or
    // error outcome would end it before the line is asked).
    sim.outcomes = autolynx::provider::simulator::OutcomeMix::all_answered();
    sim.timings.call_ms = MsRange::new(10_000, 10_000);
    let app = spawn_app_with_sim(sim, &[]).await;
    let id = app.start_campaign(2, &[("cap", "2")]).await;
    app.wait_for_status(&id, "RUNNING", Duration::from_secs(10))
        .await;
    let reply = app
        .get(
            &format!("/api/health/phone-line?campaignId={id}"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "busy", "{:?}", reply.body);
    assert!(reply.body["liveCalls"].as_u64().unwrap() >= 1);

    provider_outage(&app);
    let reply = app
        .get(
            "/api/health/phone-line?phoneNumberId=other-line",
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "error");
    assert!(reply.body["error"].is_string());
}

async fn tick(
    app: &crate::helpers::TestApp,
    query: &str,
    secret: Option<&str>,
) -> crate::helpers::Reply {
    app.request(
        Method::POST,
        &format!("/api/scheduler/tick{query}"),
        secret,
        None,
    )
    .await
}

#[tokio::test]
async fn tick_is_503_without_a_configured_cron_secret() {
    let app = spawn_app().await;
    assert_envelope(
        &tick(&app, "", Some("anything")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    );
}

#[tokio::test]
async fn tick_is_401_without_or_with_a_wrong_secret() {
    let app = spawn_app_with(&[("CRON_SHARED_SECRET", CRON_SECRET)]).await;
    assert_envelope(
        &tick(&app, "", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_envelope(
        &tick(&app, "", Some("cron-secret-for-test")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // The API's own tokens are not cron secrets.
    let admin = app.admin_token.clone();
    assert_envelope(
        &tick(&app, "", Some(&admin)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let ok = tick(&app, "", Some(CRON_SECRET)).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let processed = &ok.body["processed"];
    for key in ["campaigns", "callsLaunched", "callsActive", "callsQueued"] {
        assert!(processed[key].is_u64(), "{key} in {:?}", ok.body);
    }
    assert!(ok.body["details"].is_array());
    assert_envelope(
        &tick(
            &app,
            &format!("?campaignId={}", Uuid::new_v4()),
            Some(CRON_SECRET),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn the_tick_adopts_a_campaign_whose_supervisor_was_killed() {
    let mut sim = SimulatorConfig::fast();
    sim.timings.call_ms = MsRange::new(200, 400);
    let app = spawn_app_with_sim(
        sim,
        &[
            ("CRON_SHARED_SECRET", CRON_SECRET),
            // Dials cut off by the kill are searched for after this much.
            ("AUTOLYNX__VAPI__REQUEST_TIMEOUT_MS", "3000"),
            ("AUTOLYNX__RUNTIME__DIAL_SETTLE_MS", "3500"),
        ],
    )
    .await;
    let id = app.start_campaign(12, &[("cap", "3")]).await;
    app.wait_for_status(&id, "RUNNING", Duration::from_secs(10))
        .await;
    let campaign_id: Uuid = id.parse().unwrap();
    assert!(app.runtime.kill_supervisor_for_test(campaign_id).await);
    assert_eq!(app.runtime.supervisors().await, Some(0));

    // Nothing new is claimed or dialed while the campaign has no supervisor (a dial already
    // claimed before the kill may still land: its request was on its way).
    let claimed = || async {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        autolynx::store::entities::call::Entity::find()
            .filter(autolynx::store::entities::call::Column::CampaignId.eq(campaign_id))
            .count(&app.db)
            .await
            .unwrap()
    };
    // A claim already queued for the database before the kill still commits: count after it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = claimed().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(claimed().await, before, "claimed without a supervisor");
    assert!(
        app.sim.stats().calls_created <= before,
        "dialed without a claim"
    );

    let reply = tick(&app, &format!("?campaignId={id}"), Some(CRON_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["processed"]["campaigns"], 1, "{:?}", reply.body);
    let detail = &reply.body["details"][0];
    assert_eq!(detail["campaignId"], id.as_str());
    assert_eq!(detail["adopted"], true, "{:?}", reply.body);
    assert_eq!(app.runtime.supervisors().await, Some(1));

    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(30))
        .await;
    // At most one dial per contact. A dial cut off by the kill whose request timed out is
    // settled as dial-outcome-unknown rather than redialed, so "exactly 12" is not guaranteed
    // on a loaded machine.
    let stats = app.sim.stats();
    assert!(stats.calls_created <= 12, "{stats:?}");
    assert!(
        stats.dials_by_customer.values().all(|n| *n == 1),
        "{stats:?}"
    );

    // A second tick finds nothing to adopt.
    let reply = tick(&app, "", Some(CRON_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body["details"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["adopted"] == false),
        "{:?}",
        reply.body
    );
}

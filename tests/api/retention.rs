//! Retention: `autolynx retention run [--dry-run]` deletes finished campaigns past
//! `retention.campaign_days` (with their contacts, calls and events) and drops transcripts past
//! `retention.transcript_days`, keeping outcomes; unfinished work is never touched.

use std::time::Duration;

use autolynx::provider::simulator::{OutcomeMix, SimulatorConfig};
use autolynx::store::entities::{call, call_event, campaign, contact};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_app_with_sim};

/// Runs `autolynx retention run` on the app's database with `env` on top; returns stdout.
async fn retention(app: &TestApp, dry_run: bool, env: &[(&str, &str)]) -> String {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"));
    command
        .args(["retention", "run"])
        .env(
            "DATABASE_URL",
            secrecy::ExposeSecret::expose_secret(&app.settings.database.url),
        )
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .envs(env.iter().copied());
    if dry_run {
        command.arg("--dry-run");
    }
    let out = command.output().await.expect("run autolynx retention");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn count_events(app: &TestApp, calls: &[Uuid]) -> u64 {
    call_event::Entity::find()
        .filter(call_event::Column::CallId.is_in(calls.to_vec()))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn retention_deletes_old_finished_campaigns_and_transcripts_only() {
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(config, &[]).await;
    let old = app.start_campaign(3, &[]).await;
    app.wait_for_status(&old, "COMPLETED", Duration::from_secs(20))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !app
        .calls_of(&old)
        .await
        .iter()
        .all(|c| c.transcript_json.is_some())
    {
        assert!(tokio::time::Instant::now() < deadline, "no reports");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // An unfinished campaign, never touched.
    let assistant = app.seed_assistant("Kept").await;
    let kept = app
        .create_campaign(
            &app.admin_token,
            assistant,
            &crate::helpers::contacts_csv_from(100, 2),
            &[],
        )
        .await;
    let kept = kept["campaignId"].as_str().unwrap().to_owned();
    // The finished one ended ten days ago.
    let ten_days_ago = chrono::Utc::now() - chrono::Duration::days(10);
    let old_id: Uuid = old.parse().unwrap();
    campaign::Entity::update_many()
        .col_expr(campaign::Column::CompletedAt, Expr::value(ten_days_ago))
        .filter(campaign::Column::Id.eq(old_id))
        .exec(&app.db)
        .await
        .unwrap();
    call::Entity::update_many()
        .col_expr(call::Column::EndedAt, Expr::value(ten_days_ago))
        .filter(call::Column::CampaignId.eq(old_id))
        .exec(&app.db)
        .await
        .unwrap();
    let call_ids: Vec<Uuid> = app.calls_of(&old).await.iter().map(|c| c.id).collect();
    let events = count_events(&app, &call_ids).await;
    assert!(events >= 6);

    // Off by default.
    assert!(
        retention(&app, false, &[])
            .await
            .contains("retention is off")
    );

    // A dry run says what would go and deletes nothing.
    let both = [
        ("AUTOLYNX__RETENTION__CAMPAIGN_DAYS", "7"),
        ("AUTOLYNX__RETENTION__TRANSCRIPT_DAYS", "7"),
    ];
    let dry = retention(&app, true, &both).await;
    assert!(
        dry.contains(&format!(
            "would delete: 1 campaigns (3 contacts, 3 calls, {events} events); transcripts of 3 calls"
        )),
        "{dry}"
    );
    assert_eq!(app.calls_of(&old).await.len(), 3);

    // Transcripts past their days go; outcomes and summaries stay.
    let out = retention(
        &app,
        false,
        &[("AUTOLYNX__RETENTION__TRANSCRIPT_DAYS", "7")],
    )
    .await;
    assert!(out.contains("transcripts of 3 calls"), "{out}");
    let calls = app.calls_of(&old).await;
    assert!(calls.iter().all(|c| c.transcript_json.is_none()
        && c.outcome.as_deref() == Some("answered")
        && c.summary.is_some()));
    let payloads: Vec<String> = call_event::Entity::find()
        .filter(call_event::Column::CallId.is_in(call_ids.clone()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.payload.to_string())
        .collect();
    assert!(payloads.iter().all(|p| !p.contains("\"transcript\"")));
    assert_eq!(count_events(&app, &call_ids).await, events, "events kept");

    // Campaigns past their days go whole; the unfinished one stays.
    let out = retention(&app, false, &[("AUTOLYNX__RETENTION__CAMPAIGN_DAYS", "7")]).await;
    assert!(
        out.contains("deleted: 1 campaigns (3 contacts, 3 calls"),
        "{out}"
    );
    assert!(
        campaign::Entity::find_by_id(old_id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(app.calls_of(&old).await.is_empty());
    assert!(app.contacts_of(&old).await.is_empty());
    assert_eq!(count_events(&app, &call_ids).await, 0);
    assert_eq!(app.contacts_of(&kept).await.len(), 2);
    assert_eq!(
        contact::Entity::find().count(&app.db).await.unwrap(),
        2,
        "only the kept campaign's contacts remain"
    );
}

/// The runtime's sweep (its timer, or a cron tick) applies retention — once a day.
#[tokio::test]
async fn the_sweep_applies_retention_once_a_day() {
    const SECRET: &str = "cron-secret-for-retention";
    let mut config = SimulatorConfig::fast();
    config.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(
        config,
        &[
            ("CRON_SHARED_SECRET", SECRET),
            ("AUTOLYNX__RETENTION__CAMPAIGN_DAYS", "7"),
        ],
    )
    .await;
    let mut finished = Vec::new();
    for first in [0, 10] {
        let id = app
            .start_campaign_csv(&crate::helpers::contacts_csv_from(first, 2), &[])
            .await;
        app.wait_for_status(&id, "COMPLETED", Duration::from_secs(20))
            .await;
        finished.push(id.parse::<Uuid>().unwrap());
    }
    let backdate = |id: Uuid| {
        let db = app.db.clone();
        async move {
            campaign::Entity::update_many()
                .col_expr(
                    campaign::Column::CompletedAt,
                    Expr::value(chrono::Utc::now() - chrono::Duration::days(10)),
                )
                .filter(campaign::Column::Id.eq(id))
                .exec(&db)
                .await
                .unwrap();
        }
    };
    let exists = |id: Uuid| {
        let db = app.db.clone();
        async move {
            campaign::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .is_some()
        }
    };
    let tick = || {
        app.request(
            reqwest::Method::POST,
            "/api/scheduler/tick",
            Some(SECRET),
            None,
        )
    };
    backdate(finished[0]).await;
    assert_eq!(tick().await.status, reqwest::StatusCode::OK);
    assert!(!exists(finished[0]).await, "deleted by the first sweep");
    assert!(exists(finished[1]).await, "not past its days");
    // Past its days now, but retention already ran today.
    backdate(finished[1]).await;
    assert_eq!(tick().await.status, reqwest::StatusCode::OK);
    assert!(exists(finished[1]).await, "retention runs once a day");
}

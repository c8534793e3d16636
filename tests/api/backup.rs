//! `autolynx backup` and `backup verify` through the real binary: a copy taken while a
//! campaign runs verifies, and a second app started on it finds every campaign and call and
//! resumes the unfinished campaign. Bad copies make `verify` fail.

use std::process::{Command, Output};
use std::time::Duration;

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::provider::simulator::{MsRange, Simulator, SimulatorConfig};
use autolynx::startup::Application;
use autolynx::store::entities::call;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};
use secrecy::ExposeSecret;

use crate::helpers::{
    FAST_RUNTIME, POSTGRES_VAR, WEBHOOK_SECRET, spawn_app_with_sim, test_settings, with_database,
};

/// Runs the binary; awaited, so the app on this test's runtime keeps serving meanwhile.
async fn autolynx(db_url: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .await
        .expect("run autolynx")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The count `verify` printed for `table`.
fn printed_rows(report: &str, table: &str) -> u64 {
    report
        .lines()
        .find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some(table))
                .then(|| words.next())
                .flatten()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or_else(|| panic!("no row count for {table} in:\n{report}"))
}

/// A PostgreSQL database made for the restore, dropped with the guard.
struct ScratchDb {
    admin_url: String,
    name: String,
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                self.admin_url.as_str(),
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

#[tokio::test]
async fn a_backup_taken_while_a_campaign_runs_verifies_and_serves_a_second_app() {
    let mut sim = SimulatorConfig::fast();
    // Slow enough calls that the campaign is still running when the copy is taken.
    sim.timings.call_ms = MsRange::new(300, 600);
    let app = spawn_app_with_sim(sim, &[]).await;
    let campaign_id = app.start_campaign(24, &[("cap", "2")]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while call::Entity::find().count(&app.db).await.unwrap() < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no calls were placed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let dir = tempfile::tempdir().unwrap();
    let source_url = app.settings.database.url.expose_secret().to_owned();
    let postgres = std::env::var(POSTGRES_VAR).ok().filter(|u| !u.is_empty());
    let file = dir.path().join(if postgres.is_some() {
        "copy.dump"
    } else {
        "copy.db"
    });
    let file_arg = file.to_str().unwrap();

    // The backup, while the campaign dials.
    let out = autolynx(&source_url, &["backup", "--to", file_arg]).await;
    assert!(out.status.success(), "{}", text(&out));
    let status = app
        .get(
            &format!("/api/campaigns/{campaign_id}"),
            Some(&app.admin_token),
        )
        .await
        .body["status"]
        .clone();
    assert!(
        ["QUEUED", "DIALING", "RUNNING"].contains(&status.as_str().unwrap()),
        "the campaign should still run during the backup: {status}"
    );
    // A backup never overwrites.
    let again = autolynx(&source_url, &["backup", "--to", file_arg]).await;
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    // PostgreSQL: the archive is checked, then restored into a new database to be verified
    // and served; SQLite: the copy is a database file.
    let _scratch;
    let copy_url = match &postgres {
        Some(admin_url) => {
            let verified = autolynx(&source_url, &["backup", "verify", file_arg]).await;
            assert!(verified.status.success(), "{}", text(&verified));
            assert!(text(&verified).contains("campaigns"), "{}", text(&verified));
            let name = format!("autolynx_t_restore_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(admin_url.as_str()).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.ok();
            _scratch = ScratchDb {
                admin_url: admin_url.clone(),
                name: name.clone(),
            };
            let url = with_database(admin_url, &name);
            let restored = tokio::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", url.as_str(), file_arg])
                .output()
                .await
                .unwrap();
            assert!(restored.status.success(), "{}", text(&restored));
            url
        }
        None => format!("sqlite://{file_arg}?mode=rwc"),
    };
    let verify_target = if postgres.is_some() {
        copy_url.clone()
    } else {
        file_arg.to_owned()
    };
    let verified = autolynx(&source_url, &["backup", "verify", &verify_target]).await;
    let report = text(&verified);
    assert!(verified.status.success(), "{report}");
    assert!(report.contains("integrity:"), "{report}");
    assert!(report.contains("applied, this binary knows"), "{report}");
    assert!(report.contains("verdict: OK"), "{report}");
    assert_eq!(printed_rows(&report, "campaigns"), 1);
    assert_eq!(printed_rows(&report, "contacts"), 24);
    let calls_in_copy = printed_rows(&report, "calls");
    assert!(calls_in_copy >= 4, "{report}");
    assert!(printed_rows(&report, "call_events") > 0, "{report}");
    let newest = report
        .lines()
        .find(|l| l.starts_with("newest call event:"))
        .unwrap();
    assert!(!newest.ends_with("none"), "{report}");

    // A second app on the copy, with its own simulator.
    let mut sim_config = SimulatorConfig::fast();
    sim_config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(WEBHOOK_SECRET));
    let sim2 = Simulator::start(sim_config).await.unwrap();
    let mut env = vec![
        ("VAPI_BASE_URL", sim2.base_url()),
        ("VAPI_API_KEY", sim2.api_key()),
        ("VAPI_PHONE_NUMBER_ID", "phone-test"),
    ];
    env.extend_from_slice(FAST_RUNTIME);
    let second = Application::build(test_settings(&copy_url, &env))
        .await
        .expect("an app starts on the copy");
    let port = second.port();
    sim2.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
    let copy_db = second.db().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(second.run_with_shutdown(async move {
        let _ = rx.await;
    }));
    let client = reqwest::Client::new();
    // The copy holds the admin and its token too.
    let detail = client
        .get(format!(
            "http://127.0.0.1:{port}/api/campaigns/{campaign_id}"
        ))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(detail.status(), StatusCode::OK);
    let contacts: serde_json::Value = client
        .get(format!(
            "http://127.0.0.1:{port}/api/campaigns/{campaign_id}/contacts?limit=500"
        ))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        contacts["items"].as_array().unwrap().len(),
        24,
        "{contacts}"
    );
    assert!(call::Entity::find().count(&copy_db).await.unwrap() >= calls_in_copy);

    // The unfinished campaign resumes on the copy: its own simulator gets dials.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while sim2.stats().calls_created == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the copy's campaign never resumed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = tx.send(());
}

#[tokio::test]
async fn verify_fails_on_a_damaged_or_foreign_or_newer_copy() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("source.db").display()
    );
    let out = autolynx(&url, &["token", "create", "--name", "a", "--role", "admin"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let good = dir.path().join("good.db");
    let out = autolynx(&url, &["backup", "--to", good.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
    let verified = autolynx(&url, &["backup", "verify", good.to_str().unwrap()]).await;
    assert!(verified.status.success(), "{}", text(&verified));
    assert_eq!(printed_rows(&text(&verified), "users"), 1);

    // Not a database at all.
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "just some text, not a database").unwrap();
    let out = autolynx(&url, &["backup", "verify", foreign.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));

    // A missing file.
    let missing = dir.path().join("missing.db");
    let out = autolynx(&url, &["backup", "verify", missing.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));

    // Damaged: pages overwritten in the middle of the file.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len.min(4096 * 6)] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let out = autolynx(&url, &["backup", "verify", damaged.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("PROBLEM"), "{}", text(&out));

    // Made by a newer version: a migration this binary does not know.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    let db = Database::connect(format!("sqlite://{}?mode=rw", newer.display()))
        .await
        .unwrap();
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20990101_000001_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let out = autolynx(&url, &["backup", "verify", newer.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("m20990101_000001_future"),
        "{}",
        text(&out)
    );

    // A copy is never written over, and there is nothing to copy from a missing database.
    let out = autolynx(&url, &["backup", "--to", good.to_str().unwrap()]).await;
    assert!(!out.status.success());
    let nowhere = format!("sqlite://{}?mode=rwc", dir.path().join("none.db").display());
    let out = autolynx(
        &nowhere,
        &["backup", "--to", dir.path().join("x.db").to_str().unwrap()],
    )
    .await;
    assert!(!out.status.success());
    assert!(text(&out).contains("no database"), "{}", text(&out));
}

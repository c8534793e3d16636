//! The `autolynx` binary: token bootstrap, migrations, spec printing.

use std::process::{Command, Output};

use autolynx::startup::Application;
use reqwest::StatusCode;

use crate::helpers::{TestDb, test_settings};

fn autolynx(db_url: &str, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .expect("run autolynx");
    assert!(
        output.status.success(),
        "autolynx {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[tokio::test]
async fn token_create_bootstraps_a_working_admin() {
    let db = TestDb::new().await;
    let out = autolynx(
        &db.url,
        &["token", "create", "--name", "admin", "--role", "admin"],
    );
    let text = stdout(&out);
    let token = text.lines().last().unwrap().trim().to_owned();
    assert!(
        token.starts_with("alx_"),
        "last line is not a token: {text}"
    );

    // A second token for the same user does not create another user.
    let out = autolynx(
        &db.url,
        &["token", "create", "--name", "admin", "--role", "admin"],
    );
    assert!(stdout(&out).contains("allowlisted user admin"));

    let app = Application::build(test_settings(&db.url, &[]))
        .await
        .unwrap();
    let port = app.port();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_with_shutdown(async move {
        let _ = rx.await;
    }));
    let me = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let body: serde_json::Value = me.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
    let users = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let users: serde_json::Value = users.json().await.unwrap();
    assert_eq!(users.as_array().unwrap().len(), 1);
    let _ = tx.send(());
}

#[tokio::test]
async fn migrate_up_down_up_through_the_cli() {
    let db = TestDb::new().await;
    let status = stdout(&autolynx(&db.url, &["migrate", "status"]));
    assert!(status.lines().count() >= 4, "{status}");
    assert!(status.lines().all(|l| l.starts_with("pending")), "{status}");

    autolynx(&db.url, &["migrate", "up"]);
    let status = stdout(&autolynx(&db.url, &["migrate", "status"]));
    assert!(status.lines().all(|l| l.starts_with("applied")), "{status}");
    let total = status.lines().count();

    let down = stdout(&autolynx(&db.url, &["migrate", "down", "--yes"]));
    assert!(down.contains("rolled back 1"), "{down}");
    let status = stdout(&autolynx(&db.url, &["migrate", "status"]));
    assert_eq!(
        status.lines().filter(|l| l.starts_with("pending")).count(),
        1
    );

    let down = stdout(&autolynx(&db.url, &["migrate", "down", "--all", "--yes"]));
    assert!(
        down.contains(&format!("rolled back {}", total - 1)),
        "{down}"
    );
    let status = stdout(&autolynx(&db.url, &["migrate", "status"]));
    assert!(status.lines().all(|l| l.starts_with("pending")), "{status}");

    autolynx(&db.url, &["migrate", "up"]);
    let status = stdout(&autolynx(&db.url, &["migrate", "status"]));
    assert_eq!(
        status.lines().filter(|l| l.starts_with("applied")).count(),
        total
    );

    // The schema is usable after the round trip.
    let out = autolynx(
        &db.url,
        &["token", "create", "--name", "a", "--role", "operator"],
    );
    assert!(stdout(&out).lines().last().unwrap().starts_with("alx_"));
}

#[test]
fn openapi_command_needs_no_database() {
    let output = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .arg("openapi")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(output.status.success());
    let spec: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(spec["openapi"].as_str().unwrap().chars().next(), Some('3'));
}

#[test]
fn invalid_configuration_fails_at_start_naming_the_key() {
    let output = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["migrate", "status"])
        .env("DEFAULT_CONCURRENCY_CAP", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("campaigns.default_cap"), "{stderr}");
    assert!(stderr.contains("1–50"), "{stderr}");
}

#[test]
fn config_file_layer_applies_between_defaults_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("override.toml");
    std::fs::write(&file, "[campaigns]\ndefault_cap = 0\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["--config", file.to_str().unwrap(), "migrate", "status"])
        .env_remove("DEFAULT_CONCURRENCY_CAP")
        .output()
        .unwrap();
    assert!(!output.status.success(), "file value 0 must be refused");
    // The environment wins over the file.
    let db = dir.path().join("x.db");
    let output = Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["--config", file.to_str().unwrap(), "migrate", "status"])
        .env("DEFAULT_CONCURRENCY_CAP", "5")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

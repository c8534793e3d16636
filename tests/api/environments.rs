//! `AUTOLYNX_ENV`: `prod` refuses unsafe settings at start, each with what to do, and logs
//! JSON; `dev` (the default) keeps readable logs and starts as before.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use autolynx::provider::simulator::{Simulator, SimulatorConfig};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestDb, free_port};

fn serve(db_url: &str, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_autolynx"));
    command
        .arg("serve")
        .env_remove("AUTOLYNX_CONFIG")
        .env_remove("WEBHOOK_SHARED_SECRET")
        .env_remove("VAPI_API_KEY")
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "info");
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

#[tokio::test]
async fn prod_refuses_unsafe_settings_and_says_what_to_do() {
    let db = TestDb::new().await;
    let out = serve(
        &db.url,
        &[
            ("AUTOLYNX_ENV", "prod"),
            ("AUTOLYNX__WEBHOOK__ALLOW_UNSIGNED", "true"),
            // Checked before anything binds: the process never listens.
            ("AUTOLYNX__SERVER__BIND", "0.0.0.0:0"),
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for fix in [
        "AUTOLYNX_ENV=prod refuses to start",
        "set WEBHOOK_SHARED_SECRET",
        "webhook.allow_unsigned is on",
        "set VAPI_API_KEY",
        "set AUTOLYNX__METRICS__TOKEN",
    ] {
        assert!(stderr.contains(fix), "{fix}: {stderr}");
    }

    // Through the library too: one missing secret is enough to refuse.
    let refused = autolynx::startup::Application::build(crate::helpers::test_settings(
        &db.url,
        &[
            ("AUTOLYNX_ENV", "prod"),
            ("WEBHOOK_SHARED_SECRET", "whsec-for-prod"),
        ],
    ))
    .await
    .err()
    .expect("no Vapi key in prod");
    assert!(
        format!("{refused:#}").contains("VAPI_API_KEY"),
        "{refused:#}"
    );
}

#[tokio::test]
async fn prod_starts_with_safe_settings_and_logs_json() {
    let db = TestDb::new().await;
    let sim = Simulator::start(SimulatorConfig::fast()).await.unwrap();
    let port = free_port();
    let mut child = serve(
        &db.url,
        &[
            ("AUTOLYNX_ENV", "prod"),
            ("WEBHOOK_SHARED_SECRET", "whsec-for-prod"),
            ("VAPI_API_KEY", sim.api_key()),
            ("VAPI_BASE_URL", sim.base_url()),
            ("VAPI_PHONE_NUMBER_ID", "phone-test"),
            ("AUTOLYNX__SERVER__BIND", &format!("127.0.0.1:{port}")),
            ("AUTOLYNX__SERVER__SHUTDOWN_GRACE_SECS", "1"),
        ],
    )
    .stderr(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()
    .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .send()
            .await
            && r.status() == StatusCode::OK
        {
            break;
        }
        if tokio::time::Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("prod did not start: {:?}", reader.join().unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let lines = reader.join().unwrap();
    assert!(!lines.is_empty());
    for line in lines.iter().filter(|l| !l.trim().is_empty()) {
        let parsed: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(parsed["level"].is_string(), "{line}");
    }
}

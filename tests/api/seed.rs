//! `autolynx seed`: sample assistants and a sample campaign through a running server's API,
//! refused in prod.

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn seed_loads_sample_assistants_and_a_campaign_through_the_api() {
    let app = spawn_app().await;
    let db_url = app.settings.database.url.expose_secret().to_owned();
    // The server runs on this test's runtime: the child is awaited, never waited on blocking.
    let seed = |env: &[(&str, &str)]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"));
        command
            .args(["seed", "--url", &app.address, "--contacts", "12"])
            .env_remove("AUTOLYNX_CONFIG")
            .env("DATABASE_URL", &db_url)
            .env("LOG_LEVEL", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output()
    };

    let refused = seed(&[("AUTOLYNX_ENV", "prod")]).await.unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("AUTOLYNX_ENV=prod"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let out = seed(&[]).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let assistants = app.get("/api/assistants", Some(&app.admin_token)).await;
    let names: Vec<&str> = assistants.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Sample: ")), "{names:?}");

    let campaigns = app.get("/api/campaigns", Some(&app.admin_token)).await;
    let items = campaigns.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", campaigns.body);
    assert_eq!(items[0]["status"], "CREATED", "nothing dials until started");
    let id = items[0]["id"].as_str().unwrap();
    assert!(stdout.contains(id), "{stdout}");
    let contacts = app
        .get(
            &format!("/api/campaigns/{id}/contacts?limit=100"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(contacts.body["items"].as_array().unwrap().len(), 12);

    // Done as the seed admin, in the audit trail, whose token was for this run only.
    let audit = app.get("/api/audit", Some(&app.admin_token)).await;
    let seeded: Vec<&Value> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actorName"] == "seed")
        .collect();
    assert_eq!(seeded.len(), 4, "{:?}", audit.body);
    let seed_user = seeded[0]["actorUserId"].as_str().unwrap();
    let tokens = app
        .get(
            &format!("/api/users/{seed_user}/tokens"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK);
    assert!(
        tokens
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["revokedAt"].is_string()),
        "{:?}",
        tokens.body
    );
}

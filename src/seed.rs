//! `autolynx seed` (development only): sample data through a running server's API — one
//! assistant per stock template (created at the server's Vapi, the simulator in development)
//! and a sample campaign of generated contacts, left CREATED so nothing dials until someone
//! starts it. Going through the API keeps every rule of the real paths (validation, the
//! audit trail) and needs no second runtime on the database.

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::config::{AppEnv, Settings};
use crate::domain::auth::Role;
use crate::domain::templates::TEMPLATES;
use crate::store;

/// The name of the admin `seed` acts as (created or re-allowlisted on first use).
pub const SEED_ADMIN: &str = "seed";

/// Contacts of the sample campaign: generated, distinct, valid US numbers.
pub fn sample_contacts_csv(n: usize) -> String {
    const FIRST: [&str; 6] = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken"];
    const TRADE: [&str; 5] = ["Bakery", "Plumbing", "Dental", "Florist", "Garage"];
    let mut csv = String::from("name,business_name,phone\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{} Sample {i},{} {i},(415) 555-{:04}\n",
            FIRST[i % FIRST.len()],
            TRADE[i % TRADE.len()],
            1000 + i
        ));
    }
    csv
}

/// Seeds the server at `base_url` (e.g. `http://127.0.0.1:8080`) with `contacts` sample
/// contacts; prints what it made.
pub async fn run(settings: &Settings, base_url: &str, contacts: usize) -> anyhow::Result<()> {
    if settings.environment == AppEnv::Prod {
        bail!("autolynx seed loads sample data and is refused with AUTOLYNX_ENV=prod");
    }
    anyhow::ensure!(
        (1..=1000).contains(&contacts),
        "--contacts must be 1 to 1000"
    );
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    store::migrate(&db).await?;
    let (admin, _) = store::users::upsert_allowlisted(&db, SEED_ADMIN, None, Role::Admin).await?;
    let expires = chrono::Utc::now() + chrono::Duration::hours(1);
    let (token_row, token) =
        store::users::create_token_expiring(&db, admin.id, "seed", Some(expires)).await?;
    let seeded = seed(settings, base_url, contacts, token.expose()).await;
    // The token was for this run only.
    store::users::revoke_token(&db, admin.id, token_row.id).await?;
    db.close().await.ok();
    seeded
}

async fn seed(
    settings: &Settings,
    base_url: &str,
    contacts: usize,
    token: &str,
) -> anyhow::Result<()> {
    crate::startup::install_crypto_provider();
    let client = reqwest::Client::new();
    let base = base_url.trim_end_matches('/');
    let check = |what: &str, resp: reqwest::Response| {
        let what = what.to_owned();
        async move {
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            if !status.is_success() {
                bail!("{what} failed with {status}: {body}");
            }
            Ok::<Value, anyhow::Error>(body)
        }
    };

    let mut assistants = Vec::new();
    for template in TEMPLATES {
        let resp = client
            .post(format!(
                "{base}/api/assistants/templates/{}/clone",
                template.key
            ))
            .bearer_auth(token)
            .json(&json!({ "name": format!("Sample: {}", template.key) }))
            .send()
            .await
            .with_context(|| format!("is the server running at {base}?"))?;
        let body = check(&format!("cloning template {}", template.key), resp).await?;
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        println!(
            "assistant {id}  {}",
            body["name"].as_str().unwrap_or_default()
        );
        assistants.push(id);
    }

    let form = reqwest::multipart::Form::new()
        .part(
            "contactsCsv",
            reqwest::multipart::Part::bytes(sample_contacts_csv(contacts).into_bytes())
                .file_name("sample-contacts.csv")
                .mime_str("text/csv")?,
        )
        .text("name", "Sample campaign")
        .text("assistantId", assistants[0].clone());
    let form = match &settings.vapi.phone_number_id {
        Some(_) => form,
        None => form.text("phoneNumberId", "sample-phone"),
    };
    let resp = client
        .post(format!("{base}/api/campaigns"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?;
    let body = check("creating the sample campaign", resp).await?;
    let id = body["campaignId"].as_str().unwrap_or_default();
    println!(
        "campaign {id}  Sample campaign, {} contacts, CREATED (start it with POST /api/campaigns/{id}/start)",
        body["importReport"]["accepted"]
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_contacts_are_distinct() {
        let csv = super::sample_contacts_csv(50);
        let phones: std::collections::HashSet<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap())
            .collect();
        assert_eq!(phones.len(), 50);
    }
}

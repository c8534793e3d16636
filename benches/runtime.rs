//! Benchmarks that print numbers: CSV import speed, campaign throughput with many concurrent
//! call actors against the simulator, export speed, and peak memory. Run with
//! `cargo bench --bench runtime` (add `-- --quick` for a smaller run). With
//! `AUTOLYNX_BENCH_POSTGRES_URL` set (an admin URL), the campaign scenario runs on PostgreSQL too.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use autolynx::config::{ConfigSources, Settings, WebhookScheme, WebhookSettings};
use autolynx::domain::auth::Role;
use autolynx::domain::import::{ImportOptions, parse_contacts};
use autolynx::provider::simulator::{MsRange, OutcomeMix, Simulator, SimulatorConfig, Timings};
use autolynx::startup::Application;
use autolynx::store;

const SECRET: &str = "bench-webhook-secret";

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn contacts_csv(first: usize, n: usize) -> Vec<u8> {
    let mut csv = String::from("name,business_name,phone,city\r\n");
    for i in first..first + n {
        let area = [212, 312, 415, 503, 617, 702, 718, 917][i % 8];
        let exchange = 234 + (i / 10_000) % 700;
        csv.push_str(&format!(
            "Person {i},\"Business {i}, Inc.\",({area}) {exchange}-{:04},City {}\r\n",
            i % 10_000,
            i % 50
        ));
    }
    csv.into_bytes()
}

fn bench_import(rows: usize) {
    let csv = contacts_csv(0, rows);
    let options = ImportOptions {
        default_region: "US".parse().unwrap(),
        max_contacts: rows,
        batch_cap: None,
        require_valid_timezone: false,
    };
    let started = Instant::now();
    let report = parse_contacts(csv.as_slice(), &options, &|_| false).unwrap();
    let elapsed = started.elapsed();
    println!(
        "import      {rows:>7} rows  {:>6.2} MB  {:>7.0} ms  {:>9.0} rows/s  accepted {}",
        csv.len() as f64 / 1e6,
        elapsed.as_secs_f64() * 1e3,
        rows as f64 / elapsed.as_secs_f64(),
        report.accepted.len()
    );
}

/// A database for one scenario: a SQLite file in `dir`, or a fresh PostgreSQL database under
/// `AUTOLYNX_BENCH_POSTGRES_URL` (dropped afterwards by [`drop_postgres`]).
async fn database(dir: &std::path::Path, postgres: Option<&str>) -> (String, Option<String>) {
    use sea_orm::ConnectionTrait;
    match postgres {
        None => (
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            None,
        ),
        Some(admin_url) => {
            let name = format!("autolynx_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.ok();
            let mut url = reqwest::Url::parse(admin_url).unwrap();
            url.set_path(&format!("/{name}"));
            (url.to_string(), Some(name))
        }
    }
}

async fn drop_postgres(admin_url: &str, name: &str) {
    use sea_orm::ConnectionTrait;
    if let Ok(admin) = sea_orm::Database::connect(admin_url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        admin.close().await.ok();
    }
}

async fn bench_campaigns(campaigns: usize, contacts: usize, cap: u32, postgres: Option<&str>) {
    let mut sim_config = SimulatorConfig::fast();
    sim_config.webhook = WebhookSettings::new(WebhookScheme::Hmac, Some(SECRET));
    sim_config.concurrency_limit = 10_000;
    // Every call answered and lasting 200–400 ms, so the ideal makespan is well defined.
    sim_config.outcomes = OutcomeMix::all_answered();
    sim_config.timings = Timings {
        call_ms: MsRange::new(200, 400),
        ..Timings::fast()
    };
    let sim = Simulator::start(sim_config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db_url, pg_name) = database(dir.path(), postgres).await;
    let account = (campaigns as u32 * cap).to_string();
    let max_contacts = contacts.to_string();
    let env: HashMap<String, String> = [
        ("AUTOLYNX__SERVER__BIND", "127.0.0.1:0"),
        ("VAPI_BASE_URL", sim.base_url()),
        ("VAPI_API_KEY", sim.api_key()),
        ("VAPI_PHONE_NUMBER_ID", "bench-line"),
        ("WEBHOOK_SHARED_SECRET", SECRET),
        ("LOG_LEVEL", "error"),
        ("AUTOLYNX__PROVIDER__MAX_CONCURRENT_CALLS", account.as_str()),
        ("AUTOLYNX__CAMPAIGNS__MAX_CONTACTS", max_contacts.as_str()),
        ("AUTOLYNX__DATABASE__MAX_CONNECTIONS", "20"),
        ("AUTOLYNX__RATE_LIMITS__GENERAL_PER_MINUTE", "0"),
        ("AUTOLYNX__RATE_LIMITS__UPLOADS_PER_MINUTE", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain(std::iter::once(("DATABASE_URL".to_owned(), db_url.clone())))
    .collect();
    let settings = Settings::load_from(ConfigSources {
        file: None,
        env: Some(env),
    })
    .unwrap();
    let app = Application::build(settings).await.unwrap();
    let port = app.port();
    let db = app.db().clone();
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
    tokio::spawn(app.run_with_shutdown(std::future::pending()));
    let (admin, _) = store::users::upsert_allowlisted(&db, "bench", None, Role::Admin)
        .await
        .unwrap();
    let (_, token) = store::users::create_token(&db, admin.id, "bench")
        .await
        .unwrap();
    let token = token.expose().to_owned();
    let base = format!("http://127.0.0.1:{port}/api");
    let client = reqwest::Client::new();
    let assistant: serde_json::Value = client
        .post(format!("{base}/assistants/templates/short-pitch/clone"))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let assistant_id = assistant["id"].as_str().unwrap().to_owned();

    let mut ids = Vec::new();
    for c in 0..campaigns {
        let form = reqwest::multipart::Form::new()
            .part(
                "contactsCsv",
                reqwest::multipart::Part::bytes(contacts_csv(c * contacts, contacts))
                    .file_name("c.csv"),
            )
            .text("name", format!("bench {c}"))
            .text("assistantId", assistant_id.clone())
            .text("cap", cap.to_string());
        let created: serde_json::Value = client
            .post(format!("{base}/campaigns"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["campaignId"].as_str().unwrap().to_owned());
    }
    let started = Instant::now();
    for id in &ids {
        client
            .post(format!("{base}/campaigns/{id}/start"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
    }
    let mut done = 0;
    while done < ids.len() {
        done = 0;
        for id in &ids {
            let detail: serde_json::Value = client
                .get(format!("{base}/campaigns/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if detail["status"] == "COMPLETED" {
                done += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let makespan = started.elapsed();
    let stats = sim.stats();
    let total = campaigns * contacts;
    // The ideal: every slot busy back to back with calls of ~335 ms (queue + ring + talk).
    let ideal = total as f64 / (campaigns as f64 * f64::from(cap)) * 0.335;
    let twice = stats.dials_by_customer.values().filter(|d| **d > 1).count();
    let backend = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "campaigns   [{backend}] {campaigns} × {contacts} contacts, cap {cap}: {total} calls in \
         {:.1} s ({:.0} calls/s, ideal ≈ {ideal:.1} s); oracle max live {} (limit {}), dials {}, \
         dialed twice {twice}",
        makespan.as_secs_f64(),
        total as f64 / makespan.as_secs_f64(),
        stats.max_active_account,
        campaigns as u32 * cap,
        stats.calls_created,
    );

    let export_started = Instant::now();
    let body = client
        .get(format!("{base}/campaigns/{}/export.csv", ids[0]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "export      [{backend}] {contacts} rows, {:.2} MB in {:.0} ms",
        body.len() as f64 / 1e6,
        export_started.elapsed().as_secs_f64() * 1e3
    );
    if let (Some(admin), Some(name)) = (postgres, pg_name) {
        drop_postgres(admin, &name).await;
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    println!(
        "autolynx benchmarks ({} run)",
        if quick { "quick" } else { "full" }
    );
    bench_import(if quick { 20_000 } else { 150_000 });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // SQLite always; PostgreSQL too when AUTOLYNX_BENCH_POSTGRES_URL names an admin database.
    let postgres = std::env::var("AUTOLYNX_BENCH_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let mut backends = vec![None];
    if let Some(url) = postgres.as_deref() {
        backends.push(Some(url));
    }
    let (campaigns, contacts, cap) = if quick { (4, 200, 20) } else { (20, 500, 50) };
    for backend in backends {
        runtime.block_on(bench_campaigns(campaigns, contacts, cap, backend));
    }
    println!("peak memory {:.0} MiB (VmHWM)", peak_rss_mib());
}

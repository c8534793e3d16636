//! The nine scenarios of the throughput issue, each on one database, and `nodes`: `settled` on a
//! cluster of 1, 2 and 3 nodes sharing one PostgreSQL database.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use autolynx::config::{WebhookScheme, WebhookSettings};
use autolynx::domain::campaign::{CallStatus, ContactStatus};
use autolynx::provider::simulator::{MsRange, TimelineKind};
use autolynx::provider::verify::WebhookVerifier;
use autolynx::store::cluster::live_nodes;
use autolynx::store::entities::{call, call_event, contact};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Set, Statement, sea_query::Expr,
};
use serde_json::{Value, json};

use crate::harness::*;

/// How big each scenario is; `quick` is CI's smoke run.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub start_campaigns: usize,
    pub makespan_contacts: usize,
    pub settled: (usize, usize),
    pub webhook_calls: usize,
    pub webhook_transcripts: usize,
    pub webhook_senders: usize,
    pub import_rows: usize,
    pub export_rows: usize,
    pub scale: (usize, u32),
    pub recovery: (usize, u32),
}

impl Sizes {
    pub fn full() -> Self {
        Self {
            start_campaigns: 20,
            makespan_contacts: 10_000,
            settled: (20, 500),
            webhook_calls: 500,
            webhook_transcripts: 16,
            webhook_senders: 32,
            import_rows: 150_000,
            export_rows: 100_000,
            scale: (1_000, 10),
            recovery: (100, 10),
        }
    }

    pub fn quick() -> Self {
        Self {
            start_campaigns: 3,
            makespan_contacts: 300,
            settled: (4, 60),
            webhook_calls: 40,
            webhook_transcripts: 4,
            webhook_senders: 8,
            import_rows: 5_000,
            export_rows: 2_000,
            scale: (20, 5),
            recovery: (5, 4),
        }
    }
}

const CAP: u32 = 50;

async fn until<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 1. start

pub async fn start(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10_000)).await;
    let db = Database::create(backend).await;
    let server = InProcess::start(server_env(&db.url, &sim, 10_000, &[]), &sim, true).await;
    let mut samples = Vec::new();
    for i in 0..sizes.start_campaigns {
        let (id, _) = server
            .api
            .create_campaign(&format!("start {i}"), contacts_csv(i * 5, 5), 5)
            .await;
        let sent = Instant::now();
        server.api.start(&id).await;
        let mut first = None;
        until("the first dial", Duration::from_secs(30), || {
            first = sim
                .timeline()
                .iter()
                .find(|e| {
                    e.kind == TimelineKind::CallCreated && e.campaign_id.as_ref() == Some(&id)
                })
                .map(|e| e.at);
            std::future::ready(first.is_some())
        })
        .await;
        samples.push(first.expect("a first dial").saturating_duration_since(sent));
    }
    report.dist(
        "start",
        backend.label(),
        "POST /start → first POST /call",
        Dist::of(samples),
        Some(Target::at_most(On::Max, 50.0)),
        format!("{} campaigns, one at a time", sizes.start_campaigns),
    );
    server.stop().await;
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. refill and makespan (one campaign, cap 50, 200 ms calls)

pub async fn makespan(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let n = sizes.makespan_contacts;
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10_000)).await;
    let db = Database::create(backend).await;
    let server = InProcess::start(server_env(&db.url, &sim, CAP, &[]), &sim, true).await;
    let (id, _) = server
        .api
        .create_campaign("makespan", contacts_csv(0, n), CAP)
        .await;
    let started = Instant::now();
    server.api.start(&id).await;
    let done = server
        .api
        .wait_completed(std::slice::from_ref(&id), Duration::from_millis(20))
        .await;
    let makespan = done.duration_since(started).as_secs_f64();
    let rounds = n.div_ceil(CAP as usize);
    let bound = rounds as f64 * 0.2;
    let stats = sim.stats();
    let twice = stats.dials_by_customer.values().filter(|d| **d > 1).count();
    let timeline = by_campaign(&sim.timeline());
    let (creates, finals) = timeline.get(&id).cloned().unwrap_or_default();
    let refills = refill_latencies(&creates, &finals, CAP as usize);
    report.dist(
        "refill",
        backend.label(),
        "final status-update → next POST /call",
        Dist::of(refills),
        Some(Target::at_most(On::P99, 10.0)),
        format!("{n} contacts, cap {CAP}"),
    );
    report.value(
        ("makespan", backend.label()),
        format!("{n} × 200 ms calls, cap {CAP}: ratio"),
        makespan / bound,
        "×",
        Some(Target::at_most(On::Value, 1.05)),
        format!(
            "{makespan:.2} s vs bound {bound:.1} s; max live {} (cap {CAP}); dialed twice {twice}",
            stats.max_active_account
        ),
    );
    // The seed design: a cron tick every 60 s fills the free slots; 200 ms calls are over long
    // before the next tick, so each tick dials one round.
    let seed = (rounds as f64 - 1.0) * 60.0 + 0.2;
    report.value(
        ("makespan", backend.label()),
        "seed design (fill per 60 s tick)",
        seed,
        "s",
        None,
        format!(
            "{:.0}× autolynx's makespan (a model, not a run)",
            seed / makespan
        ),
    );
    server.stop().await;
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 4. settled calls per second

pub async fn settled(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let (campaigns, contacts) = sizes.settled;
    let account = campaigns as u32 * CAP;
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10_000)).await;
    let db = Database::create(backend).await;
    let server = InProcess::start(server_env(&db.url, &sim, account, &[]), &sim, true).await;
    let mut ids = Vec::new();
    for c in 0..campaigns {
        let (id, _) = server
            .api
            .create_campaign(
                &format!("settled {c}"),
                contacts_csv(c * contacts, contacts),
                CAP,
            )
            .await;
        ids.push(id);
    }
    let started = Instant::now();
    for id in &ids {
        server.api.start(id).await;
    }
    let done = server
        .api
        .wait_completed(&ids, Duration::from_millis(50))
        .await;
    let elapsed = done.duration_since(started).as_secs_f64();
    let total = campaigns * contacts;
    let stats = sim.stats();
    let twice = stats.dials_by_customer.values().filter(|d| **d > 1).count();
    let bound = total as f64 / (contacts.div_ceil(CAP as usize) as f64 * 0.2);
    report.value(
        ("settled", backend.label()),
        format!("{campaigns} × {contacts}, cap {CAP}, account {account}"),
        total as f64 / elapsed,
        "calls/s",
        Some(Target::at_least(1_000.0)),
        format!(
            "{total} calls in {elapsed:.1} s (physical bound {bound:.0}/s); max live {} \
             (limit {account}); dialed twice {twice}",
            stats.max_active_account
        ),
    );
    server.stop().await;
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 5. webhook ingestion

fn status_update(call: &Value, status: &str, at: i64) -> Value {
    let mut message = json!({
        "type": "status-update",
        "status": status,
        "timestamp": at,
        "call": call,
        "customer": call["customer"],
        "phoneNumber": {"id": call["phoneNumberId"]},
    });
    if status == "ended" {
        message["endedReason"] = json!("customer-ended-call");
    }
    json!({ "message": message })
}

fn transcript(call: &Value, i: usize, at: i64) -> Value {
    json!({ "message": {
        "type": "transcript",
        "role": if i.is_multiple_of(2) { "assistant" } else { "user" },
        "transcriptType": "final",
        "transcript": format!("Sentence number {i} of this conversation, about the offer."),
        "timestamp": at,
        "call": {"id": call["id"], "assistantOverrides": call["assistantOverrides"]},
    }})
}

fn end_of_call_report(call: &Value, at: i64) -> Value {
    let started = Utc::now() - chrono::Duration::seconds(95);
    json!({ "message": {
        "type": "end-of-call-report",
        "endedReason": "customer-ended-call",
        "timestamp": at,
        "call": call,
        "startedAt": started.to_rfc3339(),
        "endedAt": Utc::now().to_rfc3339(),
        "durationSeconds": 95.2,
        "cost": 0.1821,
        "costBreakdown": {"transport": 0.01, "stt": 0.02, "llm": 0.09, "tts": 0.05, "vapi": 0.0121},
        "artifact": {
            "transcript": "AI: Hi, this is Alex.\nUser: Hello.\nAI: Is now a good time?\nUser: Sure.",
            "messages": [
                {"role": "bot", "message": "Hi, this is Alex.", "time": at - 95_000, "secondsFromStart": 0.4},
                {"role": "user", "message": "Hello.", "time": at - 93_000, "secondsFromStart": 2.1},
            ],
            "recordingUrl": format!("https://storage.example.invalid/{}-mono.wav", call["id"].as_str().unwrap_or_default()),
        },
        "analysis": {
            "summary": "The customer listened and asked for an email with details.",
            "successEvaluation": "true",
            "structuredData": {"interested": true},
        },
    }})
}

pub async fn webhooks(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let calls = sizes.webhook_calls;
    let senders = sizes.webhook_senders;
    // Live calls that last far longer than the run and send no webhooks of their own: every
    // message comes from this scenario's senders.
    let sim = simulator(simulator_config(
        MsRange::new(3_600_000, 3_600_000),
        100_000,
    ))
    .await;
    let db = Database::create(backend).await;
    let server = InProcess::start(server_env(&db.url, &sim, calls as u32, &[]), &sim, false).await;
    // Campaigns of at most 50 (the largest cap) until `calls` are live.
    let mut campaign_ids = Vec::new();
    let mut first = 0;
    while first < calls {
        let n = (calls - first).min(CAP as usize);
        let (id, _) = server
            .api
            .create_campaign(
                &format!("webhooks {first}"),
                contacts_csv(first, n),
                n as u32,
            )
            .await;
        server.api.start(&id).await;
        campaign_ids.push(id.parse::<uuid::Uuid>().expect("campaign id"));
        first += n;
    }
    let conn = server.db.clone();
    let placed = || {
        call::Entity::find()
            .filter(call::Column::CampaignId.is_in(campaign_ids.clone()))
            .filter(call::Column::ProviderCallId.is_not_null())
    };
    until("every call placed", Duration::from_secs(120), || {
        let (conn, query) = (conn.clone(), placed());
        async move { query.count(&conn).await.unwrap_or(0) as usize == calls }
    })
    .await;
    let ours = placed().all(&server.db).await.expect("calls");
    // The provider's view of each call, as webhooks carry it.
    let mut provider_calls = Vec::new();
    for c in &ours {
        let provider_id = c.provider_call_id.clone().expect("placed");
        let shown: Value = server
            .api
            .client
            .get(format!("{}/call/{provider_id}", sim.base_url()))
            .bearer_auth(sim.api_key())
            .send()
            .await
            .expect("GET /call/{id}")
            .json()
            .await
            .expect("call JSON");
        provider_calls.push(shown);
    }
    let base_ms = Utc::now().timestamp_millis();
    // Each call's messages in order; a sender owns a set of calls and goes round them.
    let per_call: Vec<Vec<Vec<u8>>> = provider_calls
        .iter()
        .enumerate()
        .map(|(c, call)| {
            let at = |k: usize| base_ms + (c * 1_000 + k) as i64;
            let mut messages = vec![
                status_update(call, "ringing", at(0)),
                status_update(call, "in-progress", at(1)),
            ];
            for t in 0..sizes.webhook_transcripts {
                messages.push(transcript(call, t, at(2 + t)));
            }
            messages.push(status_update(call, "ended", at(900)));
            messages.push(end_of_call_report(call, at(901)));
            messages
                .into_iter()
                .map(|m| serde_json::to_vec(&m).expect("JSON"))
                .collect()
        })
        .collect();
    let total: usize = per_call.iter().map(Vec::len).sum();
    let signer = Arc::new(
        WebhookVerifier::from_settings(&WebhookSettings::new(WebhookScheme::Hmac, Some(SECRET)))
            .expect("signer"),
    );
    let url = format!("{}/webhooks/vapi", server.api.base);
    let per_call = Arc::new(per_call);
    let accepted = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for s in 0..senders {
        let per_call = per_call.clone();
        let signer = signer.clone();
        let client = server.api.client.clone();
        let url = url.clone();
        let accepted = accepted.clone();
        tasks.push(tokio::spawn(async move {
            let mine: Vec<usize> = (s..per_call.len()).step_by(senders).collect();
            let steps = per_call.first().map_or(0, Vec::len);
            let mut latencies = Vec::with_capacity(mine.len() * steps);
            for step in 0..steps {
                for &c in &mine {
                    let body = per_call[c][step].clone();
                    let mut request = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body.clone());
                    for (name, value) in signer
                        .sign("POST", "/api/webhooks/vapi", &body, Utc::now())
                        .expect("sign")
                    {
                        request = request.header(name, value);
                    }
                    let sent = Instant::now();
                    let response = request.send().await.expect("webhook POST");
                    latencies.push(sent.elapsed());
                    if response.status() == reqwest::StatusCode::OK {
                        accepted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("sender"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let accepted = accepted.load(Ordering::Relaxed);
    let ids: Vec<uuid::Uuid> = ours.iter().map(|c| c.id).collect();
    let stored = call_event::Entity::find()
        .filter(call_event::Column::CallId.is_in(ids.clone()))
        .count(&server.db)
        .await
        .expect("count events");
    let target = match backend {
        Backend::Sqlite => 5_000.0,
        Backend::Postgres(_) => 3_000.0,
    };
    report.value(
        ("webhooks", backend.label()),
        format!("{calls} live calls, {senders} senders: accepted"),
        accepted as f64 / elapsed,
        "msg/s",
        Some(Target::at_least(target)),
        format!(
            "{accepted} of {total} answered 200 in {elapsed:.2} s; stored {stored} ({})",
            if stored == accepted {
                "all"
            } else {
                "MISMATCH"
            }
        ),
    );
    report.dist(
        "webhooks",
        backend.label(),
        "webhook latency",
        Dist::of(latencies),
        Some(Target::at_most(On::P99, 25.0)),
        "",
    );
    server.stop().await;

    // The reference: the same number of event rows inserted straight into the same database,
    // one autocommit INSERT each, from as many concurrent tasks.
    let raw = sea_orm::Database::connect(db.url.as_str())
        .await
        .expect("connect");
    let raw_started = Instant::now();
    let mut tasks = Vec::new();
    for s in 0..senders {
        let raw = raw.clone();
        let ids = ids.clone();
        let per_call = per_call.clone();
        tasks.push(tokio::spawn(async move {
            let mut k = s;
            while k < total {
                let c = k % ids.len();
                let body: Value =
                    serde_json::from_slice(&per_call[c][k / ids.len()]).expect("JSON");
                let model = call_event::ActiveModel {
                    id: Set(uuid::Uuid::now_v7()),
                    call_id: Set(ids[c]),
                    event_type: Set("transcript".to_owned()),
                    status: Set(None),
                    payload: Set(body),
                    dedupe_key: Set(format!("raw:{k}")),
                    received_at: Set(Utc::now()),
                };
                call_event::Entity::insert(model)
                    .exec(&raw)
                    .await
                    .expect("raw insert");
                k += senders;
            }
        }));
    }
    for task in tasks {
        task.await.expect("raw inserter");
    }
    let raw_rate = total as f64 / raw_started.elapsed().as_secs_f64();
    report.value(
        ("webhooks", backend.label()),
        "reference: raw INSERT of the same rows",
        raw_rate,
        "rows/s",
        None,
        format!("one autocommit INSERT per row, {senders} tasks"),
    );
    raw.close().await.ok();
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 6. import and 7. export (server in a child process, so its memory is its own)

async fn child_server(
    db: &Database,
    sim: &autolynx::provider::simulator::Simulator,
    account: u32,
) -> (Child, Api) {
    let port = free_port();
    let env = server_env(&db.url, sim, account, &[]);
    let child = Child::start(&env, port).await;
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/api/webhooks/vapi"));
    let conn = sea_orm::Database::connect(db.url.as_str())
        .await
        .expect("connect");
    let token = admin_token(&conn).await;
    conn.close().await.ok();
    let api = Api::new(port, token).await;
    (child, api)
}

pub async fn import(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let rows = sizes.import_rows;
    let (csv, source) = match generated_csv(rows) {
        Some(csv) => (csv, "gen_contacts.py --seed 7 --extra"),
        None => (
            contacts_csv(0, rows),
            "built-in generator (gen_contacts.py not found)",
        ),
    };
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10)).await;
    let db = Database::create(backend).await;
    let (child, api) = child_server(&db, &sim, 10).await;
    let pid = child.pid();
    let before = proc_mib(Some(pid), "VmRSS:");
    let anon_before = proc_mib(Some(pid), "RssAnon:");
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let mb = csv.len() as f64 / 1e6;
    let anon = AnonPeak::start(pid);
    let started = Instant::now();
    let (_, import_report) = api.create_campaign("import", csv, 10).await;
    let elapsed = started.elapsed().as_secs_f64();
    let peak = proc_mib(Some(pid), "VmHWM:");
    let anon_peak = anon.stop().await;
    report.value(
        ("import", backend.label()),
        format!("{rows} rows ({mb:.1} MB) → report"),
        elapsed,
        "s",
        Some(Target::at_most(On::Value, 2.0)),
        format!(
            "accepted {}, skipped {}; {source}",
            import_report["accepted"],
            import_report["skipped"].as_array().map_or(0, Vec::len)
        ),
    );
    report.value(
        ("import", backend.label()),
        "peak RSS growth",
        peak - before,
        "MiB",
        Some(Target::at_most(On::Value, 64.0)),
        format!(
            "server process: {before:.0} → peak {peak:.0} MiB; of it anonymous (heap): \
             +{:.0} MiB",
            anon_peak - anon_before
        ),
    );
    child.sigkill().await;
    sim.shutdown().await;
    db.cleanup().await;
}

pub async fn export(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let rows = sizes.export_rows;
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10)).await;
    let db = Database::create(backend).await;
    let (child, api) = child_server(&db, &sim, 10).await;
    let (id, _) = api
        .create_campaign("export", contacts_csv(0, rows), 10)
        .await;
    let campaign_id: uuid::Uuid = id.parse().expect("campaign id");
    // Every contact called once: the rows written straight into the database.
    let conn = sea_orm::Database::connect(db.url.as_str())
        .await
        .expect("connect");
    let contacts: Vec<uuid::Uuid> = contact::Entity::find()
        .select_only()
        .column(contact::Column::Id)
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .all(&conn)
        .await
        .expect("contacts");
    let now = Utc::now();
    for chunk in contacts.chunks(500) {
        let models = chunk.iter().map(|contact_id| call::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            campaign_id: Set(campaign_id),
            contact_id: Set(*contact_id),
            attempt: Set(1),
            provider_call_id: Set(Some(uuid::Uuid::new_v4().to_string())),
            status: Set(CallStatus::Ended),
            outcome: Set(Some("answered".to_owned())),
            ended_reason: Set(Some("customer-ended-call".to_owned())),
            error_message: Set(None),
            control_url: Set(None),
            cost: Set(Some(0.1821)),
            duration_seconds: Set(Some(95.2)),
            recording_url: Set(Some(
                "https://storage.example.invalid/rec-mono.wav".to_owned(),
            )),
            transcript_json: Set(None),
            summary: Set(Some(
                "The customer listened and asked for an email with details.".to_owned(),
            )),
            success_evaluation: Set(Some("true".to_owned())),
            successful: Set(Some(true)),
            end_requested: Set(None),
            dial_intent_at: Set(now),
            dial_sent_at: Set(Some(now)),
            provider_created_at: Set(Some(now)),
            started_at: Set(Some(now)),
            ended_at: Set(Some(now)),
            last_event_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        });
        call::Entity::insert_many(models)
            .exec(&conn)
            .await
            .expect("calls");
    }
    contact::Entity::update_many()
        .col_expr(
            contact::Column::Status,
            Expr::value(ContactStatus::Done.as_str()),
        )
        .col_expr(contact::Column::Attempts, Expr::value(1))
        .col_expr(contact::Column::Outcome, Expr::value("answered"))
        .filter(contact::Column::CampaignId.eq(campaign_id))
        .exec(&conn)
        .await
        .expect("contacts done");
    // Rows this many, written in a second, are not what a campaign's months of writes leave
    // behind: PostgreSQL's autovacuum would analyse the tables within a minute, and until it
    // does the planner believes `calls` is empty (and scans it for every chunk).
    sea_orm::ConnectionTrait::execute_unprepared(&conn, "ANALYZE")
        .await
        .expect("analyze");
    conn.close().await.ok();

    let pid = child.pid();
    let before = proc_mib(Some(pid), "VmRSS:");
    let anon_before = proc_mib(Some(pid), "RssAnon:");
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let anon = AnonPeak::start(pid);
    let started = Instant::now();
    let mut response = api
        .client
        .get(format!("{}/campaigns/{id}/export.csv", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("export");
    assert!(
        response.status().is_success(),
        "export answered {}",
        response.status()
    );
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = response.chunk().await.expect("export body") {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = proc_mib(Some(pid), "VmHWM:");
    let anon_peak = anon.stop().await;
    report.value(
        ("export", backend.label()),
        format!("{rows} contacts with calls → CSV"),
        elapsed,
        "s",
        Some(Target::at_most(On::Value, 2.0)),
        format!(
            "{:.1} MB, {} data rows ({})",
            bytes as f64 / 1e6,
            lines.saturating_sub(1),
            if lines == rows + 1 { "all" } else { "MISMATCH" }
        ),
    );
    report.value(
        ("export", backend.label()),
        "peak RSS growth",
        peak - before,
        "MiB",
        Some(Target::at_most(On::Value, 64.0)),
        format!(
            "server process: {before:.0} → peak {peak:.0} MiB; of it anonymous (heap): +{:.0} MiB",
            anon_peak - anon_before
        ),
    );
    child.sigkill().await;
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 8. scale and 9. recovery

async fn create_and_start(api: &Api, campaigns: usize, contacts: usize, cap: u32) -> Vec<String> {
    let mut ids = Vec::new();
    for c in 0..campaigns {
        let (id, _) = api
            .create_campaign(&format!("c{c}"), contacts_csv(c * contacts, contacts), cap)
            .await;
        ids.push(id);
    }
    for id in &ids {
        api.start(id).await;
    }
    ids
}

pub async fn scale(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let (campaigns, cap) = sizes.scale;
    let live = campaigns as u32 * cap;
    let sim = simulator(simulator_config(MsRange::new(3_600_000, 3_600_000), live)).await;
    let db = Database::create(backend).await;
    let (child, api) = child_server(&db, &sim, live).await;
    let ids = create_and_start(&api, campaigns, cap as usize * 2, cap).await;
    until("every slot live", Duration::from_secs(300), || {
        std::future::ready(sim.active_calls() >= live)
    })
    .await;
    // The load to measure under is 10,000 calls in progress, not their start: wait until the
    // simulator has had an answer to every webhook of the burst (nothing in flight for 1 s).
    // (Polled every 100 ms: the simulator's statistics are a copy of maps 10,000 calls long.)
    let live_at = Instant::now();
    let mut last = (u64::MAX, Instant::now());
    loop {
        let stats = sim.stats();
        let answered = stats.webhooks_delivered + stats.webhooks_failed;
        if stats.webhooks_sent != answered || stats.webhooks_sent != last.0 {
            last = (stats.webhooks_sent, Instant::now());
        } else if last.1.elapsed() >= Duration::from_secs(1) {
            break;
        }
        assert!(
            live_at.elapsed() < Duration::from_secs(300),
            "timed out waiting for the burst's webhooks"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let absorbed = (last.1 - live_at).as_secs_f64();
    report.value(
        ("scale", backend.label()),
        "the starts' webhooks absorbed",
        absorbed,
        "s",
        None,
        format!(
            "after the {live}th call went live; {} webhooks sent in all",
            sim.stats().webhooks_sent
        ),
    );
    let rss = proc_mib(Some(child.pid()), "VmRSS:");
    let anon = proc_mib(Some(child.pid()), "RssAnon:");
    report.value(
        ("scale", backend.label()),
        format!("{campaigns} campaigns × cap {cap}: RSS"),
        rss,
        "MiB",
        Some(Target::at_most(On::Value, 300.0)),
        format!("{live} live call actors; anonymous (heap) {anon:.0} MiB"),
    );
    let requests = if campaigns >= 100 { 200 } else { 40 };
    let mut detail = Vec::new();
    for i in 0..requests {
        let id = &ids[(i * 7919) % ids.len()];
        let sent = Instant::now();
        let body = api.get(&format!("/campaigns/{id}")).await;
        detail.push(sent.elapsed());
        assert_eq!(body["id"].as_str(), Some(id.as_str()));
    }
    report.dist(
        "scale",
        backend.label(),
        "GET /api/campaigns/{id} under load",
        Dist::of(detail),
        Some(Target::at_most(On::P95, 20.0)),
        "",
    );
    let mut list = Vec::new();
    for _ in 0..requests {
        let sent = Instant::now();
        let body = api.get("/campaigns").await;
        list.push(sent.elapsed());
        assert!(
            body["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty())
        );
    }
    report.dist(
        "scale",
        backend.label(),
        "GET /api/campaigns under load",
        Dist::of(list),
        Some(Target::at_most(On::P95, 20.0)),
        "first page",
    );
    child.sigkill().await;
    sim.shutdown().await;
    db.cleanup().await;
}

pub async fn recovery(report: &mut Report, backend: &Backend, sizes: Sizes) {
    let (campaigns, cap) = sizes.recovery;
    let live = campaigns as u32 * cap;
    // Calls far longer than the scenario; the simulator keeps retrying webhooks for ~6 s.
    let mut config = simulator_config(MsRange::new(120_000, 120_000), live);
    config.webhook_delivery.max_retries = 7;
    config.webhook_delivery.backoff_ms = 100;
    let sim = simulator(config).await;
    let db = Database::create(backend).await;
    let (child, api) = child_server(&db, &sim, live).await;
    let port = child.port;
    create_and_start(&api, campaigns, cap as usize * 3, cap).await;
    until("every slot live", Duration::from_secs(120), || {
        std::future::ready(sim.active_calls() >= live)
    })
    .await;
    child.sigkill().await;
    let killed = Instant::now();
    // While it is down, one call of each campaign ends: the restarted process must notice and
    // dial into the freed slots.
    let conn = sea_orm::Database::connect(db.url.as_str())
        .await
        .expect("connect");
    let placed: Vec<(uuid::Uuid, Option<String>)> = call::Entity::find()
        .select_only()
        .column(call::Column::CampaignId)
        .column(call::Column::ProviderCallId)
        .filter(call::Column::ProviderCallId.is_not_null())
        .into_tuple()
        .all(&conn)
        .await
        .expect("calls");
    conn.close().await.ok();
    let mut seen = std::collections::HashSet::new();
    for (campaign, provider_id) in placed {
        if seen.insert(campaign)
            && let Some(id) = provider_id
        {
            let _ = api
                .client
                .post(format!("{}/_sim/calls/{id}/end", sim.base_url()))
                .json(&json!({"endedReason": "customer-ended-call"}))
                .send()
                .await;
        }
    }
    let env = server_env(&db.url, &sim, live, &[]);
    let spawned = Instant::now();
    let restarted = Child::start(&env, port).await;
    let ready = spawned.elapsed();
    let client = reqwest::Client::new();
    until("every campaign supervised", Duration::from_secs(60), || {
        let client = client.clone();
        async move { supervisors(&client, port).await == Some(campaigns as u64) }
    })
    .await;
    let supervised = spawned.elapsed();
    let mut first = None;
    until(
        "the first dial after the restart",
        Duration::from_secs(60),
        || {
            first = sim
                .timeline()
                .iter()
                .rev()
                .take_while(|e| e.at > spawned)
                .filter(|e| e.kind == TimelineKind::CallCreated)
                .map(|e| e.at)
                .min();
            std::future::ready(first.is_some())
        },
    )
    .await;
    let first = first.expect("a dial").duration_since(spawned);
    // Every freed slot refilled, and nothing placed twice.
    until("the freed slots refilled", Duration::from_secs(60), || {
        std::future::ready(sim.active_calls() >= live)
    })
    .await;
    let refilled = spawned.elapsed();
    let stats = sim.stats();
    let twice = stats.calls_by_call_id.values().filter(|n| **n > 1).count();
    let note = format!(
        "{live} live calls in {campaigns} campaigns, one per campaign ended while down; \
         serving {:.0} ms after the restart; all {campaigns} freed slots refilled after {:.0} ms; \
         account max live {} (limit {live}); calls placed twice {twice}; killed → restarted {:.0} ms",
        ready.as_secs_f64() * 1e3,
        refilled.as_secs_f64() * 1e3,
        stats.max_active_account,
        spawned.duration_since(killed).as_secs_f64() * 1e3,
    );
    report.value(
        ("recovery", backend.label()),
        "restart → every campaign supervised",
        supervised.as_secs_f64() * 1e3,
        "ms",
        Some(Target::at_most(On::Value, 2_000.0)),
        note,
    );
    report.value(
        ("recovery", backend.label()),
        "restart → first dial",
        first.as_secs_f64() * 1e3,
        "ms",
        Some(Target::at_most(On::Value, 2_000.0)),
        "",
    );
    restarted.sigkill().await;
    sim.shutdown().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// 10. nodes: `settled` on a cluster of 1, 2 and 3 nodes sharing one PostgreSQL database

/// `settled` (the same sizes, cap and account) run by 1, 2 and 3 autolynx nodes in this process
/// on one PostgreSQL database: the campaigns created and started through the nodes in turn, the
/// simulator's webhooks sent to the nodes in turn, the account's slots shared through the
/// database. One row per node count; no target. SQLite is one process: nothing to measure.
pub async fn nodes(report: &mut Report, backend: &Backend, sizes: Sizes) {
    if matches!(backend, Backend::Sqlite) {
        println!(
            "{:<10} {:<10} (no figures: a cluster of nodes needs PostgreSQL)",
            "nodes",
            backend.label()
        );
        return;
    }
    for n in 1..=3 {
        settled_on_nodes(report, backend, sizes, n).await;
    }
}

async fn settled_on_nodes(report: &mut Report, backend: &Backend, sizes: Sizes, n: usize) {
    let (campaigns, contacts) = sizes.settled;
    let account = campaigns as u32 * CAP;
    let sim = simulator(simulator_config(MsRange::new(200, 200), 10_000)).await;
    let db = Database::create(backend).await;
    let mut servers = Vec::new();
    for _ in 0..n {
        let env = server_env(&db.url, &sim, account, &[]);
        servers.push(InProcess::start(env, &sim, false).await);
    }
    let urls: Vec<String> = servers.iter().map(InProcess::webhook_url).collect();
    sim.set_webhook_urls(&urls);
    let conn = servers[0].db.clone();
    until("every node live", Duration::from_secs(30), || {
        let conn = conn.clone();
        async move { live_nodes(&conn).await.is_ok_and(|live| live.len() == n) }
    })
    .await;
    let mut ids = Vec::new();
    for c in 0..campaigns {
        let (id, _) = servers[c % n]
            .api
            .create_campaign(
                &format!("nodes {c}"),
                contacts_csv(c * contacts, contacts),
                CAP,
            )
            .await;
        ids.push(id);
    }
    let started = Instant::now();
    for (c, id) in ids.iter().enumerate() {
        servers[c % n].api.start(id).await;
    }
    let done = tokio::time::timeout(
        Duration::from_secs(600),
        servers[0]
            .api
            .wait_completed(&ids, Duration::from_millis(50)),
    )
    .await
    .unwrap_or_else(|_| panic!("{n} nodes: the campaigns did not complete in 10 minutes"));
    let elapsed = done.duration_since(started).as_secs_f64();
    let total = campaigns * contacts;
    let stats = sim.stats();
    let twice = stats.dials_by_customer.values().filter(|d| **d > 1).count();
    let bound = total as f64 / (contacts.div_ceil(CAP as usize) as f64 * 0.2);
    // Who ran what: a lease row stays after its campaign ends, naming its last holder; its
    // epoch counts the times it was taken (more than once: it moved between nodes).
    let mut per_node = vec![0i64; n];
    let mut moves = 0i64;
    let leases = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT node_id, count(*) AS campaigns, sum(epoch - 1)::bigint AS moves \
             FROM campaign_leases GROUP BY node_id",
        ))
        .await
        .expect("campaign leases");
    for row in leases {
        let node: uuid::Uuid = row.try_get("", "node_id").expect("node_id");
        let count: i64 = row.try_get("", "campaigns").expect("campaigns");
        moves += row.try_get::<i64>("", "moves").expect("moves");
        if let Some(i) = servers.iter().position(|s| s.node == Some(node)) {
            per_node[i] += count;
        }
    }
    let per_node = per_node
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join("/");
    report.value(
        ("nodes", backend.label()),
        format!(
            "settled, {n} node{}, {campaigns} × {contacts}, cap {CAP}",
            if n == 1 { "" } else { "s" }
        ),
        total as f64 / elapsed,
        "calls/s",
        None,
        format!(
            "{total} calls in {elapsed:.1} s (physical bound {bound:.0}/s); max live {} \
             (limit {account}); dialed twice {twice}; campaigns per node {per_node} \
             (lease moves {moves})",
            stats.max_active_account
        ),
    );
    for server in servers {
        server.stop().await;
    }
    sim.shutdown().await;
    db.cleanup().await;
}

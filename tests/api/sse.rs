//! Live progress over Server-Sent Events, read by a real HTTP client while real campaigns run
//! against the simulator.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use autolynx::domain::campaign::CallStatus;
use autolynx::provider::simulator::SimulatorConfig;
use autolynx::runtime::events::RuntimeEvent;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{TestApp, contacts_csv, spawn_app_with_sim};

/// One parsed event.
#[derive(Debug, Clone)]
pub(crate) struct SseEvent {
    pub(crate) event: String,
    pub(crate) data: Value,
}

/// A minimal `text/event-stream` reader.
pub(crate) struct SseClient {
    resp: reqwest::Response,
    buf: Vec<u8>,
    ready: VecDeque<SseEvent>,
}

impl SseClient {
    pub(crate) async fn connect(app: &TestApp, path: &str, token: &str) -> Self {
        let resp = app
            .client
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent");
        assert_eq!(resp.status(), StatusCode::OK);
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(ct.starts_with("text/event-stream"), "content type {ct}");
        Self {
            resp,
            buf: Vec::new(),
            ready: VecDeque::new(),
        }
    }

    /// The next event; `None` once the server ended the stream.
    pub(crate) async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(e) = self.ready.pop_front() {
                return Some(e);
            }
            match self.resp.chunk().await {
                Ok(Some(chunk)) => {
                    self.buf.extend_from_slice(&chunk);
                    self.parse();
                }
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// The next event within `timeout` (panics otherwise).
    async fn next_within(&mut self, timeout: Duration) -> Option<SseEvent> {
        tokio::time::timeout(timeout, self.next())
            .await
            .expect("an event or the end of the stream in time")
    }

    /// Every event until the stream ends (panics after `timeout`).
    async fn read_to_end(&mut self, timeout: Duration) -> Vec<SseEvent> {
        tokio::time::timeout(timeout, async {
            let mut all = Vec::new();
            while let Some(e) = self.next().await {
                all.push(e);
            }
            all
        })
        .await
        .expect("the stream ends in time")
    }

    fn parse(&mut self) {
        while let Some(pos) = self.buf.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = self.buf.drain(..pos + 2).collect();
            let text = String::from_utf8(block).expect("UTF-8 events");
            let mut event = String::from("message");
            let mut data = String::new();
            for line in text.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
            if !data.is_empty() {
                let data = serde_json::from_str(&data).expect("JSON data");
                self.ready.push_back(SseEvent { event, data });
            }
        }
    }
}

fn rank(status: &str) -> u8 {
    match status {
        "QUEUED" => 0,
        "RINGING" => 1,
        "IN_PROGRESS" => 2,
        "ENDED" | "FAILED" | "CANCELED" | "TIMEOUT" => 3,
        other => panic!("unknown call status {other}"),
    }
}

async fn create(app: &TestApp, token: &str, n: usize, cap: &str) -> String {
    let assistant = app.seed_assistant("SSE test").await;
    let created = app
        .create_campaign(token, assistant, &contacts_csv(n), &[("cap", cap)])
        .await;
    created["campaignId"].as_str().unwrap().to_owned()
}

async fn start(app: &TestApp, token: &str, id: &str) {
    let started = app
        .request(
            Method::POST,
            &format!("/api/campaigns/{id}/start"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
}

#[tokio::test]
async fn sse_a_client_sees_a_snapshot_then_every_calls_final_status_in_order_and_the_end() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let token = app.admin_token.clone();
    let id = create(&app, &token, 25, "3").await;
    // Another campaign runs at the same time: none of its events may leak into this stream.
    let other = create(&app, &token, 10, "2").await;

    let mut sse = SseClient::connect(&app, &format!("/api/campaigns/{id}/events"), &token).await;
    let snapshot = sse.next_within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(snapshot.event, "snapshot");
    assert_eq!(snapshot.data["type"], "snapshot");
    assert_eq!(snapshot.data["campaignId"], id.as_str());
    assert_eq!(snapshot.data["status"], "CREATED");
    assert_eq!(snapshot.data["counters"]["totalContacts"], 25);
    assert_eq!(snapshot.data["counters"]["pending"], 25);
    assert!(snapshot.data["callsByStatus"].is_object());

    start(&app, &token, &other).await;
    start(&app, &token, &id).await;
    let events = sse.read_to_end(Duration::from_secs(60)).await;

    assert!(
        events.iter().all(|e| e.data["campaignId"] == id.as_str()),
        "events of another campaign leaked"
    );
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    let n = names.len();
    assert!(n >= 3, "{names:?}");
    assert_eq!(names[n - 1], "end", "{names:?}");
    assert_eq!(events[n - 1].data["status"], "COMPLETED");
    assert_eq!(names[n - 2], "counters", "a final counters precedes end");
    assert_eq!(events[n - 2].data["completed"], 25);
    assert_eq!(events[n - 2].data["active"], 0);
    assert_eq!(events[n - 2].data["pending"], 0);
    assert!(
        names[..n - 2].contains(&"counters"),
        "counters while running"
    );

    let campaign_statuses: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "campaign")
        .map(|e| e.data["status"].as_str().unwrap())
        .collect();
    assert_eq!(campaign_statuses.first(), Some(&"QUEUED"));
    assert_eq!(campaign_statuses.last(), Some(&"COMPLETED"));
    assert!(
        campaign_statuses.contains(&"DIALING"),
        "{campaign_statuses:?}"
    );

    // Per call: statuses only move forward, and every contact's call reached a final status
    // with an outcome.
    let mut last: HashMap<String, u8> = HashMap::new();
    let mut final_by_contact: BTreeMap<String, Value> = BTreeMap::new();
    for e in events.iter().filter(|e| e.event == "call") {
        let call = e.data["callId"].as_str().unwrap().to_owned();
        let r = rank(e.data["status"].as_str().unwrap());
        let prev = last.insert(call.clone(), r);
        assert!(
            prev.is_none_or(|p| p <= r),
            "call {call} moved backwards: {:?}",
            e.data
        );
        assert!(e.data["at"].is_string());
        if r == 3 {
            final_by_contact.insert(
                e.data["contactId"].as_str().unwrap().to_owned(),
                e.data.clone(),
            );
        }
    }
    assert_eq!(final_by_contact.len(), 25, "every contact's final status");
    assert!(
        final_by_contact.values().all(|c| c["outcome"].is_string()),
        "{final_by_contact:?}"
    );
}

#[tokio::test]
async fn sse_a_late_client_starts_from_a_correct_snapshot() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let token = app.admin_token.clone();
    let id = create(&app, &token, 30, "3").await;
    start(&app, &token, &id).await;

    // Joins while calls are running: a snapshot of the present, then the rest, then the end.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut mid = SseClient::connect(&app, &format!("/api/campaigns/{id}/events"), &token).await;
    let snapshot = mid.next_within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(snapshot.event, "snapshot");
    let status = snapshot.data["status"].as_str().unwrap();
    assert!(
        ["QUEUED", "DIALING", "RUNNING"].contains(&status),
        "{status}"
    );
    let at_join = snapshot.data["counters"]["completed"].as_u64().unwrap();
    assert!(at_join < 30);
    let rest = mid.read_to_end(Duration::from_secs(60)).await;
    let end = rest.last().expect("an end event");
    assert_eq!(end.event, "end");
    assert_eq!(end.data["status"], "COMPLETED");
    let final_counters = &rest[rest.len() - 2];
    assert_eq!(final_counters.event, "counters");
    assert_eq!(final_counters.data["completed"], 30);

    // Joins after the end: the final snapshot, `end`, and the stream closes at once.
    let mut late = SseClient::connect(&app, &format!("/api/campaigns/{id}/events"), &token).await;
    let events = late.read_to_end(Duration::from_secs(5)).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].event, "snapshot");
    assert_eq!(events[0].data["status"], "COMPLETED");
    assert_eq!(events[0].data["counters"]["completed"], 30);
    assert_eq!(events[0].data["counters"]["active"], 0);
    let calls: u64 = events[0].data["callsByStatus"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(calls >= 30, "{:?}", events[0].data);
    assert_eq!(events[1].event, "end");
    assert_eq!(events[1].data["status"], "COMPLETED");
}

#[tokio::test]
async fn sse_operators_only_see_their_own_campaigns() {
    let app = spawn_app_with_sim(SimulatorConfig::fast(), &[]).await;
    let admin = app.admin_token.clone();
    let (_, operator) = app.create_user("Olga", "operator").await;
    let theirs = create(&app, &operator, 8, "2").await;
    let admins = create(&app, &admin, 8, "2").await;

    // Another operator's campaign is a 404, like every other campaign route.
    let resp = app
        .client
        .get(app.url(&format!("/api/campaigns/{admins}/events")))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let mut op_all = SseClient::connect(&app, "/api/events", &operator).await;
    let mut admin_all = SseClient::connect(&app, "/api/events", &admin).await;
    start(&app, &admin, &admins).await;
    start(&app, &operator, &theirs).await;

    let mut ended = Vec::new();
    let mut admin_seen = std::collections::HashSet::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while ended.len() < 2 {
            let e = admin_all
                .next()
                .await
                .expect("the all-campaigns stream stays open");
            admin_seen.insert(e.data["campaignId"].as_str().unwrap().to_owned());
            if e.event == "end" {
                ended.push(e.data["campaignId"].as_str().unwrap().to_owned());
            }
        }
    })
    .await
    .expect("both campaigns end");
    assert!(admin_seen.contains(&theirs) && admin_seen.contains(&admins));

    // The operator's stream carried their campaign to its end, and nothing of the admin's.
    let mut op_events = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let e = op_all
                .next()
                .await
                .expect("the all-campaigns stream stays open");
            let end = e.event == "end";
            op_events.push(e);
            if end {
                break;
            }
        }
    })
    .await
    .expect("the operator's campaign ends");
    assert!(
        op_events
            .iter()
            .all(|e| e.data["campaignId"] == theirs.as_str()),
        "an operator saw another's campaign"
    );
    assert!(op_events.iter().any(|e| e.event == "call"));
}

/// Marks the events [`flood`] publishes.
const FLOOD: &str = "flood";

/// Events of calls that do not exist, published on the app's bus for campaign `id`: the
/// volume of a campaign of several thousand contacts, without the wait. At most 200 events are
/// ever ahead of the client that reads (`read` counts the flood events it got) — less than a
/// stream's buffer (256 events) — so only a client that does not read falls behind.
async fn flood(app: &TestApp, id: &str, events: usize, read: &AtomicUsize) {
    let campaign_id: uuid::Uuid = id.parse().unwrap();
    let bus = &app.runtime.context().events;
    let mut published = 0;
    while published < events {
        while published - read.load(Ordering::Acquire) > 150 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for _ in 0..50 {
            bus.publish(RuntimeEvent::Call {
                campaign_id,
                call_id: uuid::Uuid::now_v7(),
                contact_id: uuid::Uuid::now_v7(),
                status: CallStatus::Ringing,
                outcome: None,
                ended_reason: Some(FLOOD.to_owned()),
                at: chrono::Utc::now(),
            });
        }
        published += 50;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn sse_a_slow_client_is_dropped_without_stalling_the_campaign() {
    // Throughput-sensitive (a flood of events must be read in time): run alone.
    let app = crate::helpers::spawn_app_on(
        crate::helpers::TestDb::exclusive().await,
        SimulatorConfig::fast(),
        &[],
    )
    .await;
    let token = app.admin_token.clone();
    let n = 300;
    let id = create(&app, &token, n, "10").await;
    let path = format!("/api/campaigns/{id}/events");
    // The slow client: its request is answered, then it reads nothing.
    let mut slow = SseClient::connect(&app, &path, &token).await;
    // A client that keeps up, for comparison.
    let mut fast = SseClient::connect(&app, &path, &token).await;
    let read = Arc::new(AtomicUsize::new(0));
    let counter = read.clone();
    let reader = tokio::spawn(async move {
        let mut all = Vec::new();
        while let Some(e) = fast.next_within(Duration::from_secs(60)).await {
            if e.data["endedReason"] == FLOOD {
                counter.fetch_add(1, Ordering::Release);
            }
            all.push(e);
        }
        all
    });

    let started = std::time::Instant::now();
    start(&app, &token, &id).await;
    // A few hundred real calls produce well under what socket buffers absorb (megabytes on
    // loopback), so the campaign's events are topped up with a flood larger than that.
    tokio::time::timeout(Duration::from_secs(60), flood(&app, &id, 24_000, &read))
        .await
        .expect("the client that reads keeps up with the flood");
    app.wait_for_status(&id, "COMPLETED", Duration::from_secs(60))
        .await;
    let elapsed = started.elapsed();
    // Normal time for 300 fast calls at cap 10 is a few seconds; a runtime that waited for
    // the client that never reads would never finish.
    assert!(elapsed < Duration::from_secs(45), "took {elapsed:?}");

    let fast_events = reader.await.unwrap();
    assert_eq!(
        fast_events.last().unwrap().event,
        "end",
        "the client that reads got everything"
    );
    assert!(fast_events.len() > 24_000);

    // The slow client's stream was closed by the server: reading it now gets what the socket
    // buffers held, then the end of the stream — never the campaign's `end`.
    let slow_events = slow.read_to_end(Duration::from_secs(20)).await;
    assert!(
        slow_events.iter().all(|e| e.event != "end"),
        "the slow client was not cut: it got all {} events",
        slow_events.len()
    );
    assert!(slow_events.len() < fast_events.len());
    eprintln!(
        "campaign of {n} calls took {elapsed:?}; the slow client got {} of {} events",
        slow_events.len(),
        fast_events.len()
    );
}

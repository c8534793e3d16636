//! Calling hours: contacts are dialed only inside their campaign's window, read in each
//! contact's own time zone, and never at the edge of it.

use std::time::Duration;

use autolynx::provider::simulator::{Faults, MsRange, OutcomeMix, SimulatorConfig};
use autolynx::store::entities::call;
use chrono::{Timelike, Utc};
use poem::http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::helpers::{CampaignForm, TestApp, assert_envelope, spawn_app, spawn_app_with_sim};

/// A zone twelve hours ahead of UTC all year (the `Etc` sign is inverted).
const FAR_ZONE: &str = "Etc/GMT-12";

/// `HH:MM:SS` of now + `secs` in UTC.
fn utc_clock(secs: i64) -> String {
    let t = Utc::now() + chrono::Duration::seconds(secs);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// A window open now in UTC (an hour back, two ahead) and closed twelve hours away.
fn window_open_in_utc() -> String {
    format!("{}-{}", utc_clock(-3_600), utc_clock(7_200))
}

fn csv_with_zones(rows: &[(usize, &str)]) -> Vec<u8> {
    let mut csv = String::from("name,business_name,phone,timezone\n");
    for (i, zone) in rows {
        csv.push_str(&format!("Person {i},Biz,(415) 234-{i:04},{zone}\n"));
    }
    csv.into_bytes()
}

fn number(i: usize) -> String {
    format!("+1415234{i:04}")
}

async fn post(app: &TestApp, path: &str, body: Option<serde_json::Value>) -> crate::helpers::Reply {
    app.request(Method::POST, path, Some(&app.admin_token), body)
        .await
}

#[tokio::test]
async fn calling_hours_are_validated_and_shown() {
    let app = spawn_app().await;
    let assistant = app.seed_assistant("Hours").await;
    let form = |extra: &[(&'static str, &str)]| {
        let mut fields = vec![
            ("name", "Hours".to_owned()),
            ("assistantId", assistant.to_string()),
            ("phoneNumberId", "phone-test".to_owned()),
        ];
        fields.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        CampaignForm {
            csv: csv_with_zones(&[(1, "Europe/Paris"), (2, "Eastern"), (3, "")]),
            fields,
        }
    };
    for (extra, field) in [
        (vec![("callingHours", "9am-5pm")], "callingHours"),
        (vec![("callingHours", "09:00-09:00")], "callingHours"),
        (
            vec![("callingHours", "09:00-17:00"), ("callingDays", "weekdays")],
            "callingDays",
        ),
        (vec![("callingDays", "mon-fri")], "callingDays"),
        (
            vec![
                ("callingHours", "09:00-17:00"),
                ("timezone", "Mars/Olympus"),
            ],
            "timezone",
        ),
    ] {
        let reply = app.post_campaign(&app.admin_token, form(&extra)).await;
        let error = assert_envelope(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(error["details"]["field"], field, "{extra:?}: {error}");
    }

    // Without hours every row is taken and a zone is kept only when it is one.
    let reply = app.post_campaign(&app.admin_token, form(&[])).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert!(reply.body["campaign"]["callingHours"].is_null());
    assert_eq!(reply.body["importReport"]["accepted"], 3);

    let reply = app
        .post_campaign(
            &app.admin_token,
            form(&[
                ("callingHours", "08:00-21:00"),
                ("callingDays", "mon-sat"),
                ("timezone", "America/Chicago"),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let hours = &reply.body["campaign"]["callingHours"];
    assert_eq!(hours["window"], "08:00-21:00");
    assert_eq!(
        hours["days"],
        serde_json::json!(["mon", "tue", "wed", "thu", "fri", "sat"])
    );
    assert_eq!(hours["timezone"], "America/Chicago");
    // With hours a zone that is not one cannot be honoured: the row is skipped, with why.
    let report = &reply.body["importReport"];
    assert_eq!(report["accepted"], 2, "{report}");
    assert_eq!(report["skipped"][0]["row"], 2);
    assert_eq!(report["skipped"][0]["reason"], "invalid-timezone");

    let id = reply.body["campaignId"].as_str().unwrap();
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["callingHours"], *hours);
    let page = app
        .get(
            &format!("/api/campaigns/{id}/contacts"),
            Some(&app.admin_token),
        )
        .await;
    let zones: Vec<_> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["timezone"].clone())
        .collect();
    assert_eq!(
        zones,
        [serde_json::json!("Europe/Paris"), serde_json::Value::Null]
    );
}

#[tokio::test]
async fn only_contacts_inside_their_hours_are_dialed() {
    let mut sim = SimulatorConfig::fast();
    sim.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(sim, &[]).await;
    // Even rows are in UTC (open now), rows divisible by 3 have no zone (the campaign's: UTC),
    // the rest are twelve hours ahead (closed).
    let rows: Vec<(usize, &str)> = (1..=24)
        .map(|i| match i {
            i if i % 2 == 0 => (i, "UTC"),
            i if i % 3 == 0 => (i, ""),
            i => (i, FAR_ZONE),
        })
        .collect();
    let closed: Vec<usize> = rows
        .iter()
        .filter(|(_, z)| *z == FAR_ZONE)
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(closed.len(), 8);
    let window = window_open_in_utc();
    let id = app
        .start_campaign_csv(
            &csv_with_zones(&rows),
            &[("cap", "4"), ("callingHours", &window), ("timezone", "UTC")],
        )
        .await;

    // Every open contact gets its call and a final outcome; the closed ones wait.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let all = app.contacts_of(&id).await;
        let done = all.iter().filter(|c| c.status == "DONE").count();
        if done == rows.len() - closed.len() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{all:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 16, "{stats:?}");
    for i in &closed {
        assert!(
            !stats.dials_by_customer.contains_key(&number(*i)),
            "{} was dialed outside its hours",
            number(*i)
        );
    }
    let waiting: Vec<_> = app
        .contacts_of(&id)
        .await
        .into_iter()
        .filter(|c| c.status == "PENDING")
        .map(|c| c.phone_e164)
        .collect();
    assert_eq!(waiting.len(), closed.len());
    // Not complete while contacts wait for their hours.
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["status"], "RUNNING", "{:?}", detail.body);
    assert_eq!(detail.body["callingHours"]["timezone"], "UTC");

    // Stopping settles the waiting contacts as not attempted.
    let stopped = post(
        &app,
        &format!("/api/campaigns/{id}/stop"),
        Some(serde_json::json!({ "mode": "finish" })),
    )
    .await;
    assert_eq!(stopped.status, StatusCode::OK, "{:?}", stopped.body);
    app.wait_for_status(&id, "STOPPED", Duration::from_secs(10))
        .await;
    let not_attempted = app
        .contacts_of(&id)
        .await
        .into_iter()
        .filter(|c| c.status == "NOT_ATTEMPTED")
        .count();
    assert_eq!(not_attempted, closed.len());
    assert_eq!(app.sim.stats().calls_created, 16);
}

#[tokio::test]
async fn hours_that_close_while_a_dial_waits_to_retry_leave_the_contact_waiting() {
    let mut sim = SimulatorConfig::fast();
    sim.timings.call_ms = MsRange::new(100, 100);
    // Every request is refused with 429 until the window has closed.
    sim.faults = Faults {
        rate_limit_rate: 1.0,
        retry_after_secs: 0,
        ..Faults::default()
    };
    let app = spawn_app_with_sim(
        sim,
        &[("AUTOLYNX__RUNTIME__DIAL_RETRY_DELAYS_MS", "5000,5000")],
    )
    .await;
    let window = format!("{}-{}", utc_clock(-3_600), utc_clock(3));
    let id = app
        .start_campaign_csv(
            &csv_with_zones(&[(1, "UTC")]),
            &[("callingHours", &window), ("timezone", "UTC")],
        )
        .await;
    // The first dial is refused inside the window.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while app.sim.stats().rate_limited == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no dial was tried");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.sim.set_faults(Faults::default());

    // The retry comes after the window closed: nothing is dialed, the contact waits.
    let campaign: Uuid = id.parse().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let canceled = loop {
        let calls = call::Entity::find()
            .filter(call::Column::CampaignId.eq(campaign))
            .all(&app.db)
            .await
            .unwrap();
        if let Some(c) = calls.iter().find(|c| c.status == "CANCELED") {
            break c.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "{calls:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        canceled.error_message.as_deref(),
        Some(autolynx::runtime::call::OUTSIDE_HOURS)
    );
    assert_eq!(canceled.provider_call_id, None);
    let waiting = app.contacts_of(&id).await;
    assert_eq!(waiting[0].status, "PENDING");
    assert_eq!(
        waiting[0].attempts, 0,
        "the undialed attempt is not counted"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.sim.stats().calls_created, 0);
    let detail = app
        .get(&format!("/api/campaigns/{id}"), Some(&app.admin_token))
        .await;
    assert_ne!(detail.body["status"], "COMPLETED");
}

/// An `Etc` zone where the local hour is now `hour` (the `Etc` sign is inverted: `Etc/GMT+2`
/// is two hours behind UTC).
fn zone_at_local_hour(hour: u32) -> String {
    let mut behind = (Utc::now().hour() as i32 - hour as i32).rem_euclid(24);
    if behind > 12 {
        behind -= 24;
    }
    match behind {
        0 => "Etc/GMT".to_owned(),
        b if b > 0 => format!("Etc/GMT+{b}"),
        b => format!("Etc/GMT{b}"),
    }
}

/// The legal floor: whatever a campaign's calling hours say (here all day, or none at all), no
/// contact is called at 22:00 in their local time — their own zone, else the campaign's —
/// while those at noon are.
#[tokio::test]
async fn the_legal_floor_holds_whatever_the_calling_hours_say() {
    let mut sim = SimulatorConfig::fast();
    sim.outcomes = OutcomeMix::all_answered();
    let app = spawn_app_with_sim(sim, &[("AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR", "true")]).await;
    let (night, noon) = (zone_at_local_hour(22), zone_at_local_hour(12));
    // Odd rows have no zone (the campaign's: 22:00), even rows are at noon.
    let rows: Vec<(usize, &str)> = (1..=8)
        .map(|i| (i, if i % 2 == 0 { noon.as_str() } else { "" }))
        .collect();
    let all_day = app
        .start_campaign_csv(
            &csv_with_zones(&rows),
            &[
                ("cap", "4"),
                ("callingHours", "00:00-23:59"),
                ("timezone", &night),
            ],
        )
        .await;
    // Without calling hours at all, the floor still applies, in the campaign's zone.
    let rows_b: Vec<(usize, &str)> = (11..=14).map(|i| (i, "")).collect();
    let no_hours = app
        .start_campaign_csv(&csv_with_zones(&rows_b), &[("timezone", &night)])
        .await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let done = app
            .contacts_of(&all_day)
            .await
            .iter()
            .filter(|c| c.status == "DONE")
            .count();
        if done == 4 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "noon contacts not called"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stats = app.sim.stats();
    assert_eq!(stats.calls_created, 4, "{stats:?}");
    for i in (1..=8).filter(|i| i % 2 == 1).chain(11..=14) {
        assert!(
            !stats.dials_by_customer.contains_key(&number(i)),
            "{} was dialed at 22:00 local",
            number(i)
        );
    }
    for id in [&all_day, &no_hours] {
        let waiting = app
            .contacts_of(id)
            .await
            .into_iter()
            .filter(|c| c.status == "PENDING" && c.attempts == 0)
            .count();
        assert_eq!(waiting, 4, "the night contacts wait, no attempt used");
    }
    // The campaign's own hours are shown as given; the floor is not written into them.
    let detail = app
        .get(&format!("/api/campaigns/{all_day}"), Some(&app.admin_token))
        .await;
    assert_eq!(detail.body["callingHours"]["window"], "00:00-23:59");
}

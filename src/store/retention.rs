//! Retention: finished campaigns older than `retention.campaign_days` are deleted with their
//! contacts, calls and events; ended calls older than `retention.transcript_days` lose their
//! transcripts and messages (on the call and in its stored events), keeping outcomes.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::config::RetentionSettings;
use crate::domain::call::scrub_payload;
use crate::domain::campaign::{CallStatus, CampaignStatus};
use crate::store::entities::{call, call_event, campaign, contact};

/// What a retention run removed (or, dry, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub campaigns: u64,
    pub contacts: u64,
    pub calls: u64,
    pub events: u64,
    /// Calls whose transcripts were dropped.
    pub transcripts: u64,
}

/// Applies the retention settings as of `now`; `dry_run` only counts.
pub async fn run<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<RetentionReport, DbErr> {
    let mut report = RetentionReport::default();
    if settings.campaign_days > 0 {
        let cutoff = now - Duration::days(settings.campaign_days.into());
        expire_campaigns(db, cutoff, dry_run, &mut report).await?;
    }
    if settings.transcript_days > 0 {
        let cutoff = now - Duration::days(settings.transcript_days.into());
        drop_transcripts(db, cutoff, dry_run, &mut report).await?;
    }
    Ok(report)
}

async fn expire_campaigns<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    dry_run: bool,
    report: &mut RetentionReport,
) -> Result<(), DbErr> {
    let finished = [
        CampaignStatus::Completed,
        CampaignStatus::Stopped,
        CampaignStatus::Failed,
    ];
    let candidates: Vec<Uuid> = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Id)
        .filter(campaign::Column::Status.is_in(finished.map(CampaignStatus::as_str)))
        .filter(campaign::Column::CompletedAt.lt(cutoff))
        .into_tuple()
        .all(db)
        .await?;
    for id in candidates {
        let txn = db.begin().await?;
        let calls: Vec<call::Model> = call::Entity::find()
            .filter(call::Column::CampaignId.eq(id))
            .all(&txn)
            .await?;
        // A stopped campaign's calls may still be live: it waits for them.
        if calls.iter().any(|c| CallStatus::LIVE.contains(&c.status)) {
            txn.rollback().await?;
            continue;
        }
        let call_ids: Vec<Uuid> = calls.iter().map(|c| c.id).collect();
        let events = call_event::Entity::find()
            .filter(call_event::Column::CallId.is_in(call_ids.clone()))
            .count(&txn)
            .await?;
        let contacts = contact::Entity::find()
            .filter(contact::Column::CampaignId.eq(id))
            .count(&txn)
            .await?;
        report.campaigns += 1;
        report.calls += calls.len() as u64;
        report.events += events;
        report.contacts += contacts;
        if dry_run {
            txn.rollback().await?;
            continue;
        }
        call_event::Entity::delete_many()
            .filter(call_event::Column::CallId.is_in(call_ids))
            .exec(&txn)
            .await?;
        call::Entity::delete_many()
            .filter(call::Column::CampaignId.eq(id))
            .exec(&txn)
            .await?;
        contact::Entity::delete_many()
            .filter(contact::Column::CampaignId.eq(id))
            .exec(&txn)
            .await?;
        campaign::Entity::delete_by_id(id).exec(&txn).await?;
        txn.commit().await?;
    }
    Ok(())
}

async fn drop_transcripts<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    dry_run: bool,
    report: &mut RetentionReport,
) -> Result<(), DbErr> {
    let calls: Vec<Uuid> = call::Entity::find()
        .select_only()
        .column(call::Column::Id)
        .filter(call::Column::EndedAt.lt(cutoff))
        .filter(call::Column::TranscriptJson.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    report.transcripts += calls.len() as u64;
    if dry_run {
        return Ok(());
    }
    for id in calls {
        let txn = db.begin().await?;
        call::Entity::update(call::ActiveModel {
            id: Set(id),
            transcript_json: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        for event in call_event::Entity::find()
            .filter(call_event::Column::CallId.eq(id))
            .all(&txn)
            .await?
        {
            let mut payload = event.payload.clone();
            scrub_payload(&mut payload, false, true);
            if payload != event.payload {
                call_event::Entity::update(call_event::ActiveModel {
                    id: Set(event.id),
                    payload: Set(payload),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
            }
        }
        txn.commit().await?;
    }
    Ok(())
}

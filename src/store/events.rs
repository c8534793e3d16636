//! `call_events`: every authenticated webhook about one of our calls, stored as received,
//! once per dedupe key.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, TryInsertResult};
use serde_json::Value;
use uuid::Uuid;

use crate::store::entities::call_event;

/// A webhook event about one of our calls, as received.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub call_id: Uuid,
    pub kind: &'a str,
    pub status: Option<&'a str>,
    pub payload: &'a Value,
    pub dedupe_key: &'a str,
}

/// Appends an event; `false` when one with the same dedupe key is already stored (a
/// duplicate delivery, which must change nothing).
pub async fn record(db: &impl ConnectionTrait, event: &NewEvent<'_>) -> Result<bool, DbErr> {
    let model = call_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        call_id: Set(event.call_id),
        event_type: Set(event.kind.to_owned()),
        status: Set(event.status.map(str::to_owned)),
        payload: Set(event.payload.clone()),
        dedupe_key: Set(event.dedupe_key.to_owned()),
        received_at: Set(Utc::now()),
    };
    let result = call_event::Entity::insert(model)
        .on_conflict_do_nothing_on([call_event::Column::DedupeKey])
        .exec(db)
        .await?;
    Ok(matches!(result, TryInsertResult::Inserted(_)))
}

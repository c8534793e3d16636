//! `call_events`: every authenticated webhook about one of our calls, stored as received,
//! once per dedupe key.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, TryInsertResult};
use serde_json::Value;
use uuid::Uuid;

use crate::store::entities::call_event;

/// Appends an event; `false` when one with the same dedupe key is already stored (a
/// duplicate delivery, which must change nothing).
pub async fn record(
    db: &impl ConnectionTrait,
    call_id: Uuid,
    kind: &str,
    status: Option<&str>,
    payload: &Value,
    dedupe_key: &str,
) -> Result<bool, DbErr> {
    let model = call_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        call_id: Set(call_id),
        event_type: Set(kind.to_owned()),
        status: Set(status.map(str::to_owned)),
        payload: Set(payload.clone()),
        dedupe_key: Set(dedupe_key.to_owned()),
        received_at: Set(Utc::now()),
    };
    let result = call_event::Entity::insert(model)
        .on_conflict_do_nothing_on([call_event::Column::DedupeKey])
        .exec(db)
        .await?;
    Ok(matches!(result, TryInsertResult::Inserted(_)))
}

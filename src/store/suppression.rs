//! The do-not-call list: E.164 numbers that are never imported or dialed.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::store::Page;
use crate::store::entities::suppression;

/// Adds a number; returns the entry and whether it was new (adding twice changes nothing).
pub async fn add(
    db: &impl ConnectionTrait,
    phone_e164: &str,
    reason: Option<String>,
    added_by: Option<Uuid>,
) -> Result<(suppression::Model, bool), DbErr> {
    if let Some(existing) = find(db, phone_e164).await? {
        return Ok((existing, false));
    }
    let model = suppression::ActiveModel {
        id: Set(Uuid::now_v7()),
        phone_e164: Set(phone_e164.to_owned()),
        reason: Set(reason),
        added_by: Set(added_by),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok((model, true))
}

pub async fn find(
    db: &impl ConnectionTrait,
    phone_e164: &str,
) -> Result<Option<suppression::Model>, DbErr> {
    suppression::Entity::find()
        .filter(suppression::Column::PhoneE164.eq(phone_e164))
        .one(db)
        .await
}

pub async fn is_suppressed(db: &impl ConnectionTrait, phone_e164: &str) -> Result<bool, DbErr> {
    Ok(find(db, phone_e164).await?.is_some())
}

/// Every listed number, for checking a whole import at once.
pub async fn all_numbers(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let numbers: Vec<String> = suppression::Entity::find()
        .select_only()
        .column(suppression::Column::PhoneE164)
        .into_tuple()
        .all(db)
        .await?;
    Ok(numbers.into_iter().collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    page: u64,
    limit: u64,
) -> Result<Page<suppression::Model>, DbErr> {
    let mut query = suppression::Entity::find();
    let digits: String = q
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() {
        query = query.filter(suppression::Column::PhoneE164.contains(&digits));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(suppression::Column::CreatedAt)
        .order_by_asc(suppression::Column::PhoneE164)
        .offset((page - 1) * limit)
        .limit(limit)
        .all(db)
        .await?;
    Ok(Page::new(items, page, limit, total))
}

/// Removes an entry; `false` when there was none.
pub async fn remove(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = suppression::Entity::delete_by_id(id).exec(db).await?;
    Ok(result.rows_affected > 0)
}

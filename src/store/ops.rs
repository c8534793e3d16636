//! Read-only queries for operations: metrics at scrape time and the sweep.

use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, ExprTrait, QuerySelect};

use crate::store::entities::campaign;

/// How many campaigns are in each status (statuses without campaigns are absent).
pub async fn campaigns_by_status(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbErr> {
    campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Status)
        .column_as(Expr::col(campaign::Column::Id).count(), "n")
        .group_by(campaign::Column::Status)
        .into_tuple()
        .all(db)
        .await
}

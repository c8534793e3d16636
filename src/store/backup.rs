//! The queries behind `autolynx backup` and `backup verify`: an online copy of a SQLite
//! database, and the checks run on a copy (integrity, applied migrations, row counts, the
//! newest call event).

use std::path::Path;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryOrder, Statement};

use crate::store::entities::call_event;

/// Writes a consistent copy of the whole SQLite database to `to` while it stays in use
/// (`VACUUM INTO` reads one snapshot; writers are not blocked in WAL mode). `to` must not
/// exist.
pub async fn vacuum_into(db: &impl ConnectionTrait, to: &Path) -> Result<(), DbErr> {
    let path = to
        .to_str()
        .ok_or_else(|| DbErr::Custom(format!("{} is not a UTF-8 path", to.display())))?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await?;
    Ok(())
}

/// Makes a SQLite file self-contained (rollback journal instead of WAL), so a copy is one
/// file that opens anywhere, read-only included.
pub async fn use_rollback_journal(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("PRAGMA journal_mode = DELETE")
        .await?;
    Ok(())
}

/// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else one line per problem.
pub async fn sqlite_integrity_check(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect()
}

/// The names of the migrations applied to the database, in order.
pub async fn applied_migrations(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "version"))
        .collect()
}

/// Rows in `table`, read in full. `table` must be one of the migrations' table names.
pub async fn count_rows(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    if !migration::TABLES.contains(&table) {
        return Err(DbErr::Custom(format!("{table} is not an autolynx table")));
    }
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM \"{table}\""),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("COUNT(*) returned no row".to_owned()))?;
    row.try_get::<i64>("", "n")
}

/// The most recently received call event.
pub async fn newest_call_event(
    db: &impl ConnectionTrait,
) -> Result<Option<call_event::Model>, DbErr> {
    call_event::Entity::find()
        .order_by_desc(call_event::Column::ReceivedAt)
        .one(db)
        .await
}

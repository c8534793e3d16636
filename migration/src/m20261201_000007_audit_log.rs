//! `audit_log`: an append-only record of who changed what through the API (users, tokens,
//! assistants, the do-not-call list, campaigns). The actor's name is copied so an entry still
//! reads right after the user is renamed; no foreign keys, so nothing done to other tables
//! can remove or rewrite an entry. Triggers make the database itself refuse to update or
//! delete an entry (and, on PostgreSQL, to truncate the table); dropping the table (this
//! migration's `down`) still works.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

const SQLITE_TRIGGERS: &[&str] = &[
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
];

const POSTGRES_TRIGGERS: &[&str] = &[
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log \
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorUserId,
    ActorName,
    Action,
    TargetType,
    TargetId,
    Details,
    RequestId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::ActorName, 200))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::TargetType, 32))
                    .col(string_len_null(AuditLog::TargetId, 64))
                    .col(json_binary(AuditLog::Details))
                    .col(string_len_null(AuditLog::RequestId, 128))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_audit_log_created_at", vec![AuditLog::CreatedAt]),
            (
                "ix_audit_log_actor",
                vec![AuditLog::ActorUserId, AuditLog::CreatedAt],
            ),
            (
                "ix_audit_log_action",
                vec![AuditLog::Action, AuditLog::CreatedAt],
            ),
            (
                "ix_audit_log_target",
                vec![AuditLog::TargetType, AuditLog::TargetId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        let triggers = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => SQLITE_TRIGGERS,
            DatabaseBackend::Postgres => POSTGRES_TRIGGERS,
            other => {
                return Err(DbErr::Migration(format!(
                    "no append-only triggers for {other:?}"
                )));
            }
        };
        let db = manager.get_connection();
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The triggers go with the table; the PostgreSQL function does not.
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()")
                .await?;
        }
        Ok(())
    }
}

//! `audit_log`: an append-only record of who changed what through the API (users, tokens,
//! assistants, the do-not-call list, campaigns). The actor's name is copied so an entry still
//! reads right after the user is renamed; no foreign keys, so nothing done to other tables
//! can remove or rewrite an entry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}

//! `suppression_list`: phone numbers that must never be dialled (do-not-call).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SuppressionList {
    Table,
    Id,
    PhoneE164,
    Reason,
    AddedBy,
    CreatedAt,
}

const UQ_SUPPRESSION_LIST_PHONE_E164: &str = "uq_suppression_list_phone_e164";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SuppressionList::Table)
                    .col(pk_uuid(SuppressionList::Id))
                    .col(string(SuppressionList::PhoneE164))
                    .col(text_null(SuppressionList::Reason))
                    .col(uuid_null(SuppressionList::AddedBy))
                    .col(timestamp_with_time_zone(SuppressionList::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_suppression_list_added_by")
                            .from(SuppressionList::Table, SuppressionList::AddedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UQ_SUPPRESSION_LIST_PHONE_E164)
                    .table(SuppressionList::Table)
                    .col(SuppressionList::PhoneE164)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UQ_SUPPRESSION_LIST_PHONE_E164)
                    .table(SuppressionList::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SuppressionList::Table).to_owned())
            .await
    }
}

//! Where a do-not-call entry came from — `suppression_list.source` (`manual`, `import`,
//! `opt-out`), and for an opt-out the campaign and call it was heard on — and
//! `suppression_imports`, one row per list file imported, with its date (the health check
//! warns when the newest is older than the national registry's 31 days).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SuppressionList {
    Table,
    Source,
    CampaignId,
    CallId,
}

#[derive(DeriveIden)]
enum SuppressionImports {
    Table,
    Id,
    FileName,
    TotalRows,
    Added,
    ImportedBy,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(SuppressionList::Table)
                    .add_column(
                        ColumnDef::new(SuppressionList::Source)
                            .string_len(16)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [SuppressionList::CampaignId, SuppressionList::CallId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SuppressionList::Table)
                        .add_column(ColumnDef::new(column).uuid().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SuppressionImports::Table)
                    .col(pk_uuid(SuppressionImports::Id))
                    .col(text_null(SuppressionImports::FileName))
                    .col(big_integer(SuppressionImports::TotalRows))
                    .col(big_integer(SuppressionImports::Added))
                    .col(uuid_null(SuppressionImports::ImportedBy))
                    .col(timestamp_with_time_zone(SuppressionImports::ImportedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SuppressionImports::Table).to_owned())
            .await?;
        for column in [
            SuppressionList::CallId,
            SuppressionList::CampaignId,
            SuppressionList::Source,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SuppressionList::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

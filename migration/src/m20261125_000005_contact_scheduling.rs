//! When a contact may be called: `contacts.timezone`, its own IANA time zone from the CSV (for
//! calling hours in local time), and `contacts.next_attempt_at`, the earliest time of its next
//! attempt (for redials).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Timezone,
    NextAttemptAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(ColumnDef::new(Contacts::Timezone).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(timestamp_with_time_zone_null(Contacts::NextAttemptAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Contacts::NextAttemptAt, Contacts::Timezone] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Contacts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

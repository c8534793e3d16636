//! `runtime_leases`: which process runs the campaigns of a PostgreSQL database. One row per
//! lease (today only `runtime`): the holding node, an epoch raised at every takeover, and an
//! expiry judged by the database's clock. A process runs campaigns only while it holds the
//! lease, and its dial intents and markers are written only while the lease (with its epoch)
//! is still its own: a process that was paused or cut off and comes back cannot dial.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RuntimeLeases {
    Table,
    Name,
    NodeId,
    Epoch,
    Holder,
    AcquiredAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RuntimeLeases::Table)
                    .if_not_exists()
                    .col(string_len(RuntimeLeases::Name, 32).primary_key())
                    .col(uuid(RuntimeLeases::NodeId))
                    .col(big_integer(RuntimeLeases::Epoch))
                    .col(string_len(RuntimeLeases::Holder, 255))
                    .col(timestamp_with_time_zone(RuntimeLeases::AcquiredAt))
                    .col(timestamp_with_time_zone(RuntimeLeases::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RuntimeLeases::Table).to_owned())
            .await
    }
}

//! Several processes (nodes) on one PostgreSQL database, each running some of the campaigns.
//!
//! - `cluster_nodes`: every live node, with a heartbeat judged by the database's clock; the
//!   live ones divide the running campaigns into fair shares.
//! - `campaign_leases`: which node runs a campaign. An epoch is raised at every takeover and
//!   the owner's claims, dial markers and status changes are written only while the lease
//!   (with its epoch) is still its own: a node that was paused or cut off and comes back cannot
//!   dial for a campaign it lost.
//! - `account_slots`: the provider account's concurrency limit, shared by every node: one row
//!   per call the account may have live, taken with the claim of the call it is for and freed
//!   in the transaction that stores the call's end.
//!
//! `runtime_leases` (one lease for the whole runtime, a single active node) is replaced; `down`
//! brings it back, empty.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClusterNodes {
    Table,
    NodeId,
    Holder,
    StartedAt,
    ExpiresAt,
    Campaigns,
    WantsSlots,
    Dials,
}

#[derive(DeriveIden)]
enum CampaignLeases {
    Table,
    CampaignId,
    NodeId,
    Epoch,
    AcquiredAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AccountSlots {
    Table,
    Slot,
    CallId,
    NodeId,
    TakenAt,
}

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
                    .table(ClusterNodes::Table)
                    .if_not_exists()
                    .col(uuid(ClusterNodes::NodeId).primary_key())
                    .col(string_len(ClusterNodes::Holder, 255))
                    .col(timestamp_with_time_zone(ClusterNodes::StartedAt))
                    .col(timestamp_with_time_zone(ClusterNodes::ExpiresAt))
                    .col(integer(ClusterNodes::Campaigns).default(0))
                    .col(boolean(ClusterNodes::WantsSlots).default(false))
                    .col(boolean(ClusterNodes::Dials).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignLeases::Table)
                    .if_not_exists()
                    .col(uuid(CampaignLeases::CampaignId).primary_key())
                    .col(uuid(CampaignLeases::NodeId))
                    .col(big_integer(CampaignLeases::Epoch))
                    .col(timestamp_with_time_zone(CampaignLeases::AcquiredAt))
                    .col(timestamp_with_time_zone(CampaignLeases::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_campaign_leases_node")
                    .table(CampaignLeases::Table)
                    .col(CampaignLeases::NodeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountSlots::Table)
                    .if_not_exists()
                    .col(integer(AccountSlots::Slot).primary_key())
                    .col(uuid_null(AccountSlots::CallId).unique_key())
                    .col(uuid_null(AccountSlots::NodeId))
                    .col(timestamp_with_time_zone_null(AccountSlots::TakenAt))
                    .to_owned(),
            )
            .await?;
        // A claim looks for free slots in order: only the free ones are indexed.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_account_slots_free ON account_slots (slot) \
                 WHERE call_id IS NULL",
            )
            .await?;
        // Every node asks each round which campaigns have live calls (they must be run even
        // when finished): a partial index keeps that cheap however many calls are stored.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_calls_live_campaign ON calls (campaign_id) \
                 WHERE status IN ('QUEUED', 'RINGING', 'IN_PROGRESS')",
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(RuntimeLeases::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_calls_live_campaign")
            .await?;
        for table in [
            AccountSlots::Table.into_iden(),
            CampaignLeases::Table.into_iden(),
            ClusterNodes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
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
}

//! `contacts`, `calls` and the append-only `call_events`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    CampaignId,
    RowNumber,
    Name,
    BusinessName,
    PhoneE164,
    PhoneOriginal,
    BatchIndex,
    VariablesJson,
    Status,
    Attempts,
    Outcome,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Calls {
    Table,
    Id,
    CampaignId,
    ContactId,
    Attempt,
    ProviderCallId,
    Status,
    Outcome,
    EndedReason,
    ErrorMessage,
    ControlUrl,
    Cost,
    DurationSeconds,
    RecordingUrl,
    TranscriptJson,
    Summary,
    SuccessEvaluation,
    Successful,
    EndRequested,
    DialIntentAt,
    DialSentAt,
    ProviderCreatedAt,
    StartedAt,
    EndedAt,
    LastEventAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CallEvents {
    Table,
    Id,
    CallId,
    EventType,
    Status,
    Payload,
    DedupeKey,
    ReceivedAt,
}

const UQ_CONTACTS_CAMPAIGN_PHONE: &str = "uq_contacts_campaign_phone";
const IDX_CONTACTS_CAMPAIGN_STATUS_ROW: &str = "idx_contacts_campaign_status_row";
const IDX_CONTACTS_CAMPAIGN_BATCH: &str = "idx_contacts_campaign_batch";
const UQ_CALLS_PROVIDER_CALL_ID: &str = "uq_calls_provider_call_id";
const IDX_CALLS_CAMPAIGN_STATUS: &str = "idx_calls_campaign_status";
const IDX_CALLS_CONTACT_ID: &str = "idx_calls_contact_id";
const UQ_CALL_EVENTS_DEDUPE_KEY: &str = "uq_call_events_dedupe_key";
const IDX_CALL_EVENTS_CALL_RECEIVED: &str = "idx_call_events_call_received";

const CONTACT_STATUSES: [&str; 4] = ["PENDING", "DIALING", "DONE", "NOT_ATTEMPTED"];
const CALL_STATUSES: [&str; 7] = [
    "QUEUED",
    "RINGING",
    "IN_PROGRESS",
    "ENDED",
    "FAILED",
    "CANCELED",
    "TIMEOUT",
];

fn index<T, C>(name: &str, table: T, cols: C, unique: bool) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIterator,
    C::Item: IntoIndexColumn,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    stmt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(pk_uuid(Contacts::Id))
                    .col(uuid(Contacts::CampaignId))
                    .col(integer(Contacts::RowNumber))
                    .col(string(Contacts::Name))
                    .col(string(Contacts::BusinessName))
                    .col(string(Contacts::PhoneE164))
                    .col(string(Contacts::PhoneOriginal))
                    .col(integer(Contacts::BatchIndex).default(0))
                    .col(json_binary(Contacts::VariablesJson))
                    .col(string(Contacts::Status).check((
                        "ck_contacts_status",
                        Expr::col(Contacts::Status).is_in(CONTACT_STATUSES),
                    )))
                    .col(integer(Contacts::Attempts).default(0))
                    .col(string_null(Contacts::Outcome))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .col(timestamp_with_time_zone(Contacts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contacts_campaign_id")
                            .from(Contacts::Table, Contacts::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                UQ_CONTACTS_CAMPAIGN_PHONE,
                Contacts::Table,
                [Contacts::CampaignId, Contacts::PhoneE164],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                IDX_CONTACTS_CAMPAIGN_STATUS_ROW,
                Contacts::Table,
                [Contacts::CampaignId, Contacts::Status, Contacts::RowNumber],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                IDX_CONTACTS_CAMPAIGN_BATCH,
                Contacts::Table,
                [Contacts::CampaignId, Contacts::BatchIndex],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Calls::Table)
                    .col(pk_uuid(Calls::Id))
                    .col(uuid(Calls::CampaignId))
                    .col(uuid(Calls::ContactId))
                    .col(integer(Calls::Attempt).default(1))
                    .col(string_null(Calls::ProviderCallId))
                    .col(string(Calls::Status).check((
                        "ck_calls_status",
                        Expr::col(Calls::Status).is_in(CALL_STATUSES),
                    )))
                    .col(string_null(Calls::Outcome))
                    .col(text_null(Calls::EndedReason))
                    .col(text_null(Calls::ErrorMessage))
                    .col(text_null(Calls::ControlUrl))
                    .col(double_null(Calls::Cost))
                    .col(double_null(Calls::DurationSeconds))
                    .col(text_null(Calls::RecordingUrl))
                    .col(json_binary_null(Calls::TranscriptJson))
                    .col(text_null(Calls::Summary))
                    .col(text_null(Calls::SuccessEvaluation))
                    .col(boolean_null(Calls::Successful))
                    .col(string_null(Calls::EndRequested))
                    .col(timestamp_with_time_zone(Calls::DialIntentAt))
                    .col(timestamp_with_time_zone_null(Calls::DialSentAt))
                    .col(timestamp_with_time_zone_null(Calls::ProviderCreatedAt))
                    .col(timestamp_with_time_zone_null(Calls::StartedAt))
                    .col(timestamp_with_time_zone_null(Calls::EndedAt))
                    .col(timestamp_with_time_zone_null(Calls::LastEventAt))
                    .col(timestamp_with_time_zone(Calls::CreatedAt))
                    .col(timestamp_with_time_zone(Calls::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_calls_campaign_id")
                            .from(Calls::Table, Calls::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_calls_contact_id")
                            .from(Calls::Table, Calls::ContactId)
                            .to(Contacts::Table, Contacts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                UQ_CALLS_PROVIDER_CALL_ID,
                Calls::Table,
                [Calls::ProviderCallId],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                IDX_CALLS_CAMPAIGN_STATUS,
                Calls::Table,
                [Calls::CampaignId, Calls::Status],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                IDX_CALLS_CONTACT_ID,
                Calls::Table,
                [Calls::ContactId],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CallEvents::Table)
                    .col(pk_uuid(CallEvents::Id))
                    .col(uuid(CallEvents::CallId))
                    .col(string(CallEvents::EventType))
                    .col(string_null(CallEvents::Status))
                    .col(json_binary(CallEvents::Payload))
                    .col(string(CallEvents::DedupeKey))
                    .col(timestamp_with_time_zone(CallEvents::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_call_events_call_id")
                            .from(CallEvents::Table, CallEvents::CallId)
                            .to(Calls::Table, Calls::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                UQ_CALL_EVENTS_DEDUPE_KEY,
                CallEvents::Table,
                [CallEvents::DedupeKey],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                IDX_CALL_EVENTS_CALL_RECEIVED,
                CallEvents::Table,
                [CallEvents::CallId, CallEvents::ReceivedAt],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let groups = [
            (
                CallEvents::Table.into_iden(),
                &[IDX_CALL_EVENTS_CALL_RECEIVED, UQ_CALL_EVENTS_DEDUPE_KEY][..],
            ),
            (
                Calls::Table.into_iden(),
                &[
                    IDX_CALLS_CONTACT_ID,
                    IDX_CALLS_CAMPAIGN_STATUS,
                    UQ_CALLS_PROVIDER_CALL_ID,
                ][..],
            ),
            (
                Contacts::Table.into_iden(),
                &[
                    IDX_CONTACTS_CAMPAIGN_BATCH,
                    IDX_CONTACTS_CAMPAIGN_STATUS_ROW,
                    UQ_CONTACTS_CAMPAIGN_PHONE,
                ][..],
            ),
        ];
        for (table, indexes) in groups {
            for name in indexes {
                manager
                    .drop_index(Index::drop().name(*name).table(table.clone()).to_owned())
                    .await?;
            }
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

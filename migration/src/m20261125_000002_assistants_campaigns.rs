//! `assistants` (the assistant directory) and `campaigns`.

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
enum Assistants {
    Table,
    Id,
    ProviderAssistantId,
    Name,
    Source,
    TemplateKey,
    ConfigJson,
    Active,
    Ephemeral,
    DeletedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    Mode,
    Cap,
    AssistantId,
    PhoneNumberId,
    LineQuietGating,
    Status,
    OwnerId,
    SettingsJson,
    TotalContacts,
    FailureReason,
    StopMode,
    LeaseOwner,
    LeaseExpiresAt,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    FirstDialAt,
    CompletedAt,
}

const UQ_ASSISTANTS_PROVIDER_ASSISTANT_ID: &str = "uq_assistants_provider_assistant_id";
const IDX_ASSISTANTS_NAME: &str = "idx_assistants_name";
const IDX_CAMPAIGNS_STATUS: &str = "idx_campaigns_status";
const IDX_CAMPAIGNS_OWNER_ID: &str = "idx_campaigns_owner_id";
const IDX_CAMPAIGNS_ASSISTANT_ID: &str = "idx_campaigns_assistant_id";

const CAMPAIGN_STATUSES: [&str; 8] = [
    "CREATED",
    "QUEUED",
    "DIALING",
    "RUNNING",
    "PAUSED",
    "COMPLETED",
    "STOPPED",
    "FAILED",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assistants::Table)
                    .col(pk_uuid(Assistants::Id))
                    .col(string_null(Assistants::ProviderAssistantId))
                    .col(string(Assistants::Name))
                    .col(string(Assistants::Source).check((
                        "ck_assistants_source",
                        Expr::col(Assistants::Source).is_in(["local", "imported", "template"]),
                    )))
                    .col(string_null(Assistants::TemplateKey))
                    .col(json_binary(Assistants::ConfigJson))
                    .col(boolean(Assistants::Active).default(true))
                    .col(boolean(Assistants::Ephemeral).default(false))
                    .col(uuid_null(Assistants::CreatedBy))
                    .col(timestamp_with_time_zone(Assistants::CreatedAt))
                    .col(timestamp_with_time_zone(Assistants::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Assistants::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assistants_created_by")
                            .from(Assistants::Table, Assistants::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UQ_ASSISTANTS_PROVIDER_ASSISTANT_ID)
                    .table(Assistants::Table)
                    .col(Assistants::ProviderAssistantId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_ASSISTANTS_NAME)
                    .table(Assistants::Table)
                    .col(Assistants::Name)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(pk_uuid(Campaigns::Id))
                    .col(string(Campaigns::Name))
                    .col(string(Campaigns::Mode).check((
                        "ck_campaigns_mode",
                        Expr::col(Campaigns::Mode).is_in(["continuous", "batch"]),
                    )))
                    .col(
                        integer(Campaigns::Cap)
                            .check(("ck_campaigns_cap", Expr::col(Campaigns::Cap).between(1, 50))),
                    )
                    .col(uuid(Campaigns::AssistantId))
                    .col(string(Campaigns::PhoneNumberId))
                    .col(boolean(Campaigns::LineQuietGating).default(false))
                    .col(string(Campaigns::Status).check((
                        "ck_campaigns_status",
                        Expr::col(Campaigns::Status).is_in(CAMPAIGN_STATUSES),
                    )))
                    .col(uuid(Campaigns::OwnerId))
                    .col(json_binary(Campaigns::SettingsJson))
                    .col(integer(Campaigns::TotalContacts).default(0))
                    .col(text_null(Campaigns::FailureReason))
                    .col(string_null(Campaigns::StopMode))
                    .col(string_null(Campaigns::LeaseOwner))
                    .col(timestamp_with_time_zone_null(Campaigns::LeaseExpiresAt))
                    .col(timestamp_with_time_zone(Campaigns::CreatedAt))
                    .col(timestamp_with_time_zone(Campaigns::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Campaigns::StartedAt))
                    .col(timestamp_with_time_zone_null(Campaigns::FirstDialAt))
                    .col(timestamp_with_time_zone_null(Campaigns::CompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_campaigns_assistant_id")
                            .from(Campaigns::Table, Campaigns::AssistantId)
                            .to(Assistants::Table, Assistants::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_campaigns_owner_id")
                            .from(Campaigns::Table, Campaigns::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            (IDX_CAMPAIGNS_STATUS, Campaigns::Status),
            (IDX_CAMPAIGNS_OWNER_ID, Campaigns::OwnerId),
            (IDX_CAMPAIGNS_ASSISTANT_ID, Campaigns::AssistantId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Campaigns::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            IDX_CAMPAIGNS_ASSISTANT_ID,
            IDX_CAMPAIGNS_OWNER_ID,
            IDX_CAMPAIGNS_STATUS,
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Campaigns::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Campaigns::Table).to_owned())
            .await?;
        for name in [IDX_ASSISTANTS_NAME, UQ_ASSISTANTS_PROVIDER_ASSISTANT_ID] {
            manager
                .drop_index(Index::drop().name(name).table(Assistants::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Assistants::Table).to_owned())
            .await
    }
}

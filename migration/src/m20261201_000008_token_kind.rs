//! `api_tokens.kind`: what a token is for. `api` — a bearer token for the API (every token issued
//! before this migration); `session` — the console's session behind an HttpOnly cookie;
//! `login_link` — a one-time sign-in link, never accepted as a bearer token.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Kind,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(string_len(ApiTokens::Kind, 16).default("api"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .drop_column(ApiTokens::Kind)
                    .to_owned(),
            )
            .await
    }
}

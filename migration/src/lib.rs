//! Database schema migrations for autolynx (sea-orm-migration; portable between SQLite and
//! PostgreSQL).
//!
//! Every migration names its tables through local `DeriveIden` enums and never depends on the
//! application's entities, so old migrations keep compiling when the entities change.

pub use sea_orm_migration::MigratorTrait;
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_users_tokens;
mod m20261125_000002_assistants_campaigns;
mod m20261125_000003_contacts_calls_events;
mod m20261125_000004_suppression;
mod m20261125_000005_contact_scheduling;
mod m20261201_000006_token_expiry;
mod m20261201_000007_audit_log;
mod m20261201_000008_token_kind;
mod m20261202_000009_pause_reason;
mod m20261202_000010_opt_outs;
mod m20261202_000011_contact_row_order;
mod m20261202_000012_runtime_lease;
mod m20261203_000013_cluster;

/// Names of every table the migrations create, in creation (foreign-key) order.
pub const TABLES: [&str; 13] = [
    "users",
    "api_tokens",
    "assistants",
    "campaigns",
    "contacts",
    "calls",
    "call_events",
    "suppression_list",
    "audit_log",
    "suppression_imports",
    "cluster_nodes",
    "campaign_leases",
    "account_slots",
];

/// The ordered list of autolynx migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_users_tokens::Migration),
            Box::new(m20261125_000002_assistants_campaigns::Migration),
            Box::new(m20261125_000003_contacts_calls_events::Migration),
            Box::new(m20261125_000004_suppression::Migration),
            Box::new(m20261125_000005_contact_scheduling::Migration),
            Box::new(m20261201_000006_token_expiry::Migration),
            Box::new(m20261201_000007_audit_log::Migration),
            Box::new(m20261201_000008_token_kind::Migration),
            Box::new(m20261202_000009_pause_reason::Migration),
            Box::new(m20261202_000010_opt_outs::Migration),
            Box::new(m20261202_000011_contact_row_order::Migration),
            Box::new(m20261202_000012_runtime_lease::Migration),
            Box::new(m20261203_000013_cluster::Migration),
        ]
    }
}

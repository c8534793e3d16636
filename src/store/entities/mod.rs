//! SeaORM entities (compact `DeriveEntityModel` format), one module per table created by the
//! `migration` crate. Status columns are plain `String`s here; the domain layer owns the enums.

pub mod api_token;
pub mod assistant;
pub mod audit_log;
pub mod call;
pub mod call_event;
pub mod campaign;
pub mod contact;
pub mod suppression;
pub mod suppression_import;
pub mod user;

/// `use crate::store::entities::prelude::*` brings every entity in under a distinct name.
pub mod prelude {
    pub use super::api_token::Entity as ApiToken;
    pub use super::assistant::Entity as Assistant;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::call::Entity as Call;
    pub use super::call_event::Entity as CallEvent;
    pub use super::campaign::Entity as Campaign;
    pub use super::contact::Entity as Contact;
    pub use super::suppression::Entity as Suppression;
    pub use super::user::Entity as User;
}

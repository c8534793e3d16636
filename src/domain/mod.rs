//! Pure types and rules of the product, with no I/O: roles, tokens, statuses.

pub mod auth;
pub mod campaign;
pub mod import;

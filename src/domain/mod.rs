//! Pure types and rules of the product, with no I/O: roles, tokens, statuses, ended reasons.

pub mod auth;
pub mod ended_reason;

//! Pure types and rules of the product, with no I/O: roles, tokens, statuses, a call's
//! transitions, the CSV import, ended-reason classes, calling hours, redials, stock assistant
//! templates, scheduled starts.

pub mod auth;
pub mod brake;
pub mod budget;
pub mod call;
pub mod campaign;
pub mod ended_reason;
pub mod hours;
pub mod import;
pub mod redial;
pub mod start;
pub mod templates;

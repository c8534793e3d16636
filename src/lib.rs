//! autolynx: a runtime for outbound AI voice-calling campaigns over the Vapi API.
//!
//! A map of the crate: `http` serves the API (Vapi's webhooks arrive at
//! `POST /api/webhooks/vapi`, `http::webhooks`); `runtime` runs one supervisor actor per
//! campaign with a bounded pool of call actors (the cap); every piece of news about a call —
//! a webhook, a `GET /call` answer, the runtime's own decision — becomes a
//! `domain::call::CallUpdate` and goes through the one transition function
//! `domain::call::plan`, which `store::calls` writes conditionally; `provider` speaks Vapi (and
//! simulates it); `store` is the only place with SQL.

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod metrics;
pub mod provider;
pub mod runtime;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;

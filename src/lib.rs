//! autolynx: a runtime for outbound AI voice-calling campaigns over the Vapi API.

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

//! Black-box tests: the real server over real sockets, on SQLite by default and on PostgreSQL
//! when AUTOLYNX_TEST_POSTGRES_URL is set.

mod assistants;
mod audit;
mod auth;
mod backup;
mod campaigns;
mod chaos;
mod cli;
mod demo;
mod deploy;
mod environments;
mod errors;
mod exactly_once;
mod features;
mod headers;
mod healing;
mod health;
mod helpers;
mod hours;
mod migrations;
mod observability;
mod openapi;
mod ops;
mod provider;
mod ratelimit;
mod readme;
mod redial;
mod retention;
mod rotation;
mod runtime;
mod sdk;
mod seed;
mod sse;
mod suppression;
mod users;
mod webhooks;

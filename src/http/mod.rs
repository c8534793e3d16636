//! The HTTP API: poem-openapi services under `/api`, the spec at `/openapi.json`, Swagger UI at
//! `/docs`. Every error leaves through the envelope in [`error`].

pub mod allow;
pub mod assistants;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod common;
pub mod console;
pub mod error;
pub mod examples;
pub mod export;
pub mod headers;
pub mod health;
pub mod limit;
pub mod live;
pub mod metrics;
pub mod observe;
pub mod ratelimit;
pub mod scheduler;
pub mod session;
pub mod spec;
pub mod suppression;
pub mod users;
pub mod webhooks;

use std::sync::Arc;
use std::time::Instant;

use poem::{Endpoint, EndpointExt, Route, get};
use poem_openapi::{OpenApiService, Tags};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::provider::Provider;
use crate::provider::verify::WebhookVerifier;
use crate::runtime::Runtime;
use crate::runtime::sweep::Sweeper;

/// Shared state handed to every handler through `Data<&AppState>`.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Vapi (or the simulator, in tests and demos).
    pub provider: Arc<dyn Provider>,
    /// Built once from the webhook settings.
    pub verifier: Arc<WebhookVerifier>,
    pub runtime: Runtime,
    /// Per-user request budgets.
    pub rate_limits: Arc<ratelimit::RateLimits>,
    pub started_at: Instant,
    /// Runs the sweep for the tick endpoint (the periodic timer shares it).
    pub sweeper: Arc<Sweeper>,
    /// Cached provider and phone-line checks.
    pub health: Arc<health::HealthCache>,
    /// What the previous `/metrics` scrape emitted per campaign.
    pub scrape: Arc<metrics::ScrapeState>,
}

#[derive(Tags)]
pub enum ApiTags {
    /// Health and operations.
    Operations,
    /// Users, roles and API tokens.
    Users,
    /// Campaigns, their contacts and exports.
    Campaigns,
    /// The do-not-call list.
    Suppression,
    /// The assistant directory.
    Assistants,
    /// Inbound provider webhooks (public, authenticated by signature).
    Webhooks,
    /// The audit trail of changes made through the API.
    Audit,
}

type Apis = (
    health::HealthApi,
    users::UsersApi,
    campaigns::CampaignsApi,
    live::LiveApi,
    suppression::SuppressionApi,
    assistants::AssistantsApi,
    webhooks::WebhooksApi,
    scheduler::SchedulerApi,
    audit::AuditApi,
    session::LoginLinksApi,
);

/// The OpenAPI service; builds without a database so `autolynx openapi` works anywhere.
pub fn api_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            health::HealthApi,
            users::UsersApi,
            campaigns::CampaignsApi,
            live::LiveApi,
            suppression::SuppressionApi,
            assistants::AssistantsApi,
            webhooks::WebhooksApi,
            scheduler::SchedulerApi,
            audit::AuditApi,
            session::LoginLinksApi,
        ),
        "autolynx",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Outbound AI voice-calling campaigns over the Vapi API. Authenticate with \
         `Authorization: Bearer <token>`; errors use the envelope \
         `{\"error\": {\"code\", \"message\", \"details\", \"timestamp\"}}`.",
    )
    .server("/api")
}

/// The OpenAPI document: poem-openapi's, with [`spec::refine`]'s additions and the examples.
pub fn openapi_document() -> serde_json::Value {
    let mut spec: serde_json::Value =
        serde_json::from_str(&api_service().spec()).expect("poem-openapi writes JSON");
    spec::refine(&mut spec);
    examples::add(&mut spec);
    spec
}

/// The OpenAPI document as pretty JSON (what `openapi/openapi.json` holds and
/// `/openapi.json` serves).
pub fn spec_json() -> String {
    static SPEC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::to_string_pretty(&openapi_document()).expect("a JSON value serializes")
    })
    .clone()
}

/// The whole HTTP application.
pub fn app(state: AppState) -> impl Endpoint {
    let api = api_service();
    let docs = api.swagger_ui();
    let limit = state.settings.server.max_upload_bytes;
    Route::new()
        .nest("/api", api.with(session::SessionCookie))
        .at("/session", session::routes())
        .at("/", get(console::index))
        .at("/console/*path", get(console::asset))
        .nest("/docs", docs)
        .at(
            "/openapi.json",
            get(poem::endpoint::make_sync(|_| {
                poem::IntoResponse::with_content_type(spec_json(), "application/json")
            })),
        )
        .at("/metrics", get(metrics::scrape))
        .with(limit::BodyLimit::new(limit))
        .data(state)
        .catch_all_error(error::catch_all)
        .around(allow::add_allow)
        .with(headers::SecurityHeaders)
        .with(observe::Observe)
}

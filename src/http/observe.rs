//! The outermost middleware: a request id on every request (taken from `X-Request-Id` when the
//! caller sent a sane one, else a new UUID, and echoed in the response), a `request` span
//! carrying it so every log line of the request has it, one log line per request, and the
//! `autolynx_http_requests_total` / duration metrics labelled by route *pattern* (bounded
//! cardinality). Query strings are never logged: they can hold search terms such as phone
//! numbers.

use std::sync::LazyLock;
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id, in the request's extensions for handlers that record it (the audit trail).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub struct Observe;

impl<E: Endpoint> Middleware<E> for Observe {
    type Output = ObserveEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        ObserveEndpoint { inner }
    }
}

pub struct ObserveEndpoint<E> {
    inner: E,
}

/// A caller's request id is kept only when it is short and plain (it goes into every log line).
fn sane_request_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

impl<E: Endpoint> Endpoint for ObserveEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        let request_id = req
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| sane_request_id(v))
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let route = route_pattern(req.uri().path());
        let method = req.method().as_str().to_owned();
        let span = tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %method,
            route = %route,
        );
        req.extensions_mut().insert(RequestId(request_id.clone()));
        let started = Instant::now();
        let result = self.inner.call(req).instrument(span.clone()).await;
        let mut response = match result {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        let status = response.status().as_u16();
        let elapsed = started.elapsed();
        crate::metrics::http_request(route, &method, status, elapsed);
        span.in_scope(|| {
            let latency_ms = (elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
            if status >= 500 {
                tracing::warn!(status, latency_ms, "request finished");
            } else {
                tracing::info!(status, latency_ms, "request finished");
            }
        });
        Ok(response)
    }
}

/// Path templates of every API operation, from the OpenAPI document (`/api/campaigns/{id}`...).
static API_ROUTES: LazyLock<Vec<(String, Vec<String>)>> = LazyLock::new(|| {
    let spec: serde_json::Value =
        serde_json::from_str(&crate::http::spec_json()).unwrap_or_default();
    let mut routes: Vec<(String, Vec<String>)> = spec["paths"]
        .as_object()
        .map(|paths| {
            paths
                .keys()
                .map(|p| {
                    let full = format!("/api{p}");
                    let segments = full.split('/').map(str::to_owned).collect();
                    (full, segments)
                })
                .collect()
        })
        .unwrap_or_default();
    // Literal segments win over parameters: `/assistants/templates` before `/assistants/{id}`.
    routes.sort_by_key(|(_, segs)| {
        std::cmp::Reverse(segs.iter().filter(|s| !s.starts_with('{')).count())
    });
    routes
});

/// The route pattern a path belongs to, for metric labels; `unmatched` for anything unknown.
pub fn route_pattern(path: &str) -> &'static str {
    match path {
        "/metrics" => return "/metrics",
        "/openapi.json" => return "/openapi.json",
        _ => {}
    }
    if path == "/docs" || path.starts_with("/docs/") {
        return "/docs";
    }
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    API_ROUTES
        .iter()
        .find(|(_, template)| {
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        .map(|(full, _)| full.as_str())
        .unwrap_or("unmatched")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_route_pattern() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(route_pattern("/api/health"), "/api/health");
        assert_eq!(
            route_pattern(&format!("/api/campaigns/{id}")),
            "/api/campaigns/{id}"
        );
        assert_eq!(
            route_pattern(&format!("/api/campaigns/{id}/start")),
            "/api/campaigns/{id}/start"
        );
        assert_eq!(
            route_pattern("/api/assistants/templates"),
            "/api/assistants/templates"
        );
        assert_eq!(route_pattern("/metrics"), "/metrics");
        assert_eq!(route_pattern("/docs/index.css"), "/docs");
        assert_eq!(route_pattern("/wp-login.php"), "unmatched");
        assert_eq!(route_pattern(&format!("/api/nope/{id}")), "unmatched");
    }

    #[test]
    fn only_plain_request_ids_are_kept() {
        assert!(sane_request_id("3f1c9a2e-0b7d-4c55-9e0f-7f3a1d2b4c6e"));
        assert!(sane_request_id("req_123.abc:1"));
        assert!(!sane_request_id(""));
        assert!(!sane_request_id("a b"));
        assert!(!sane_request_id("x\n{\"level\":\"ERROR\"}"));
        assert!(!sane_request_id(&"a".repeat(200)));
    }
}

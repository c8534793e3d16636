//! Security headers on every response, errors included: `X-Content-Type-Options: nosniff`
//! (a browser never second-guesses our content types), `X-Frame-Options: DENY` (nothing of
//! ours is meant to be framed) and `Cache-Control: no-store` on JSON and on everything under
//! `/api` (answers carry personal data and tokens; no proxy or browser should keep a copy).
//! A `Cache-Control` a handler set itself is left alone.

use poem::http::HeaderValue;
use poem::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

pub struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SecurityHeadersEndpoint { inner }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    inner: E,
}

/// `application/json`, `application/problem+json` and the like.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"))
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Self::Output> {
        let under_api = req.uri().path().starts_with("/api/") || req.uri().path() == "/api";
        let mut response = match self.inner.call(req).await {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        let headers = response.headers_mut();
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if (under_api || is_json(headers.get(CONTENT_TYPE))) && !headers.contains_key(CACHE_CONTROL)
        {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_are_recognised() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
        ] {
            assert!(is_json(Some(&HeaderValue::from_static(json))), "{json}");
        }
        for other in ["text/csv", "text/html; charset=utf-8", "text/event-stream"] {
            assert!(!is_json(Some(&HeaderValue::from_static(other))), "{other}");
        }
        assert!(!is_json(None));
    }
}

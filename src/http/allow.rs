//! `405 Method Not Allowed` answers say which methods the path does take (`Allow`, RFC 9110
//! §15.5.6). The router knows only that the method did not match, so the methods are read
//! once from the OpenAPI document, which is built from the same routes.

use std::sync::OnceLock;

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

/// Path templates under `/api` (`/campaigns/{id}`), split into segments, with their methods.
type Table = Vec<(Vec<String>, String)>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let spec: serde_json::Value =
            serde_json::from_str(&super::spec_json()).expect("the spec is JSON");
        let mut table = Table::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            let mut methods: Vec<String> = item
                .as_object()
                .into_iter()
                .flatten()
                .map(|(method, _)| method.to_ascii_uppercase())
                .collect();
            if methods.iter().any(|m| m == "GET") {
                methods.push("HEAD".to_owned());
            }
            let segments = path.split('/').map(str::to_owned).collect();
            table.push((segments, methods.join(", ")));
        }
        table
    })
}

/// The `Allow` value for a request path (`/api/...`), if it names an API route.
pub fn allowed(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("/api")?;
    let wanted: Vec<&str> = rest.split('/').collect();
    table()
        .iter()
        .find(|(segments, _)| {
            segments.len() == wanted.len()
                && segments
                    .iter()
                    .zip(&wanted)
                    .all(|(s, w)| (s.starts_with('{') && !w.is_empty()) || s == w)
        })
        .map(|(_, methods)| methods.as_str())
}

/// Adds `Allow` to every 405 answer.
pub async fn add_allow<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await?.into_response();
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(methods) = allowed(&path)
    {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(methods));
    }
    Ok(response)
}

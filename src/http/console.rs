//! The operator's console: plain HTML, CSS and JavaScript modules from `web/console/`, embedded
//! in the binary at compile time and served at `/` (the page) and `/console/*` (its modules and
//! styles). The console speaks only the public API (with the session cookie, see `session`).
//!
//! Every answer carries an ETag (the file's SHA-256) and `Cache-Control: no-cache`, so a browser
//! revalidates and gets `304 Not Modified` until the binary changes: an upgrade never mixes old
//! and new modules. Pages get a Content-Security-Policy that allows only our own scripts, styles
//! and connections (no inline script, no framing) and send no referrer.

use poem::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, REFERRER_POLICY,
};
use poem::http::{HeaderValue, StatusCode};
use poem::web::Path;
use poem::{IntoResponse, Request, Response, handler};

use crate::http::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "web/console/"]
struct Assets;

/// The console's Content-Security-Policy.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

fn serve(req: &Request, path: &str) -> Response {
    let Some(file) = Assets::get(path) else {
        return poem::error::ResponseError::as_response(&ApiError::not_found(format!(
            "console file {path:?}"
        )));
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = file.data.into_owned().into_response();
        if let Ok(mime) = HeaderValue::from_str(file.metadata.mimetype()) {
            r.headers_mut().insert(CONTENT_TYPE, mime);
        }
        r
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, etag);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// `GET /`: the console's page.
#[handler]
pub fn index(req: &Request) -> Response {
    serve(req, "index.html")
}

/// `GET /console/*path`: its modules, styles and images.
#[handler]
pub fn asset(req: &Request, Path(path): Path<String>) -> Response {
    serve(req, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_entry_module_are_embedded() {
        let page = Assets::get("index.html").expect("index.html is embedded");
        let html = String::from_utf8(page.data.into_owned()).unwrap();
        assert!(html.contains("/console/app.js"), "the page loads app.js");
        assert!(
            !html.contains("<script>"),
            "no inline script (the CSP forbids it)"
        );
        assert!(Assets::get("app.js").is_some());
    }
}

//! The console's files: served from the binary with ETags, revalidation and security headers.

use reqwest::StatusCode;

use crate::helpers::{assert_envelope, spawn_app};

#[tokio::test]
async fn the_console_page_is_served_with_security_and_cache_headers() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(
        header("content-type").starts_with("text/html"),
        "{}",
        header("content-type")
    );
    let csp = header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("cache-control"), "no-cache");
    let etag = header("etag");
    assert!(etag.starts_with('"') && etag.len() > 60, "{etag}");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<script type="module" src="/console/app.js">"#));

    // Unchanged: the browser keeps its copy.
    let again = app
        .client
        .get(app.url("/"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    let other = app
        .client
        .get(app.url("/"))
        .header("If-None-Match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);

    let module = app
        .client
        .get(app.url("/console/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(module.status(), StatusCode::OK);
    assert!(
        module.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(module.headers().contains_key("content-security-policy"));
    let css = app
        .client
        .get(app.url("/console/style.css"))
        .send()
        .await
        .unwrap();
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn a_missing_console_file_is_a_404_in_the_envelope() {
    let app = spawn_app().await;
    for path in [
        "/console/nope.js",
        "/console/../Cargo.toml",
        "/console/tests/package.json",
    ] {
        let reply = app.get(path, None).await;
        assert_envelope(&reply, StatusCode::NOT_FOUND, "not_found");
    }
}

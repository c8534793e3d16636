//! The console's sessions: one-time sign-in links, the session cookie's attributes, expiry,
//! revocation, sign-out and CSRF refusal.

use autolynx::store::entities::api_token;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Reply, TestApp, assert_envelope, spawn_app};

/// A browser's view of one answer: status, body and the `Set-Cookie` header.
struct Answer {
    reply: Reply,
    set_cookie: Option<String>,
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut req = app.client.request(method, app.url(path));
    if let Some(cookie) = cookie {
        req = req.header("Cookie", format!("autolynx_session={cookie}"));
    }
    if let Some(csrf) = csrf {
        req = req.header("X-CSRF-Token", csrf);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status();
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    Answer {
        reply: Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        },
        set_cookie,
    }
}

/// Issues a sign-in link for `user` as the admin; returns the link's secret.
async fn login_link(app: &TestApp, user: Uuid) -> String {
    let link = app
        .request(
            Method::POST,
            &format!("/api/users/{user}/login-link"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{:?}", link.body);
    let url = link.body["url"].as_str().expect("url");
    assert!(url.starts_with(&app.address), "{url}");
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(link.body["expiresAt"].clone()).unwrap();
    let minutes = (expires - chrono::Utc::now()).num_minutes();
    assert!(
        (13..=15).contains(&minutes),
        "default 15 minutes, got {minutes}"
    );
    url.split_once("#signin=")
        .expect("secret in the fragment")
        .1
        .to_owned()
}

/// The cookie's value from a `Set-Cookie` header.
fn cookie_value(set_cookie: &str) -> String {
    let first = set_cookie.split(';').next().unwrap();
    first.strip_prefix("autolynx_session=").unwrap().to_owned()
}

/// Signs in with a fresh link for `user`; returns (cookie, csrf token).
async fn signed_in(app: &TestApp, user: Uuid) -> (String, String) {
    let link = login_link(app, user).await;
    let answer = send(
        app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": link })),
        &[],
    )
    .await;
    assert_eq!(
        answer.reply.status,
        StatusCode::CREATED,
        "{:?}",
        answer.reply.body
    );
    let cookie = cookie_value(answer.set_cookie.as_deref().expect("a cookie is set"));
    let csrf = answer.reply.body["csrfToken"].as_str().unwrap().to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn a_login_link_signs_in_once_with_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let (ana, _) = app.create_user("Ana", "operator").await;
    let link = login_link(&app, ana).await;

    let first = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": link })),
        &[],
    )
    .await;
    assert_eq!(
        first.reply.status,
        StatusCode::CREATED,
        "{:?}",
        first.reply.body
    );
    assert_eq!(first.reply.body["user"]["name"], "Ana");
    assert_eq!(first.reply.body["user"]["role"], "operator");
    let set_cookie = first.set_cookie.expect("a session cookie");
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert!(attributes.contains(&"HttpOnly"), "{set_cookie}");
    assert!(attributes.contains(&"SameSite=Strict"), "{set_cookie}");
    assert!(attributes.contains(&"Path=/"), "{set_cookie}");
    assert!(
        attributes.contains(&"Max-Age=43200"),
        "12 hours: {set_cookie}"
    );
    assert!(!attributes.contains(&"Secure"), "plain HTTP: {set_cookie}");
    let cookie = cookie_value(&set_cookie);
    assert_ne!(cookie, link, "the session is a new secret");

    // The cookie authenticates the public API as that user.
    let me = send(&app, Method::GET, "/api/me", Some(&cookie), None, None, &[]).await;
    assert_eq!(me.reply.status, StatusCode::OK, "{:?}", me.reply.body);
    assert_eq!(me.reply.body["user"]["name"], "Ana");
    let session = send(
        &app,
        Method::GET,
        "/session",
        Some(&cookie),
        None,
        None,
        &[],
    )
    .await;
    assert_eq!(session.reply.status, StatusCode::OK);
    assert_eq!(
        session.reply.body["csrfToken"],
        first.reply.body["csrfToken"]
    );

    // The same link again is refused, and says why.
    let again = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": link })),
        &[],
    )
    .await;
    let error = assert_envelope(&again.reply, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(error["details"]["reason"], "used");
    assert!(again.set_cookie.is_none());

    // A link is not a bearer token, even before it is used.
    let unused = login_link(&app, ana).await;
    let as_bearer = app.get("/api/me", Some(&unused)).await;
    assert_envelope(&as_bearer, StatusCode::UNAUTHORIZED, "unauthorized");

    let unknown = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": "alx_nope" })),
        &[],
    )
    .await;
    let error = assert_envelope(&unknown.reply, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(error["details"]["reason"], "unknown");
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = spawn_app().await;
    let (ana, _) = app.create_user("Ana", "operator").await;
    let link = login_link(&app, ana).await;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(api_token::Column::Kind.eq("login_link"))
        .exec(&app.db)
        .await
        .unwrap();
    let answer = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": link })),
        &[],
    )
    .await;
    let error = assert_envelope(&answer.reply, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(error["details"]["reason"], "expired");
    assert!(answer.set_cookie.is_none());
}

#[tokio::test]
async fn the_cookie_is_secure_behind_https() {
    let app = spawn_app().await;
    let answer = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "token": app.admin_token })),
        &[("X-Forwarded-Proto", "https")],
    )
    .await;
    assert_eq!(
        answer.reply.status,
        StatusCode::CREATED,
        "{:?}",
        answer.reply.body
    );
    let set_cookie = answer.set_cookie.unwrap();
    assert!(
        set_cookie.split(';').any(|a| a.trim() == "Secure"),
        "{set_cookie}"
    );
    // The cookie holds a session, never the pasted API token.
    assert_ne!(cookie_value(&set_cookie), app.admin_token);
}

#[tokio::test]
async fn bad_sign_in_requests_are_answered_in_the_envelope() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({ "token": "alx_wrong" }),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({ "token": app.admin_token, "link": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({ "password": "x" }),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (json!([1, 2]), StatusCode::BAD_REQUEST, "bad_request"),
    ];
    for (body, status, code) in cases {
        let answer = send(&app, Method::POST, "/session", None, None, Some(body), &[]).await;
        assert_envelope(&answer.reply, status, code);
        assert!(answer.set_cookie.is_none());
    }
    // Another site's form cannot send JSON, and a browser names the other site in Origin.
    let form = app
        .client
        .post(app.url("/session"))
        .header("Content-Type", "text/plain")
        .body(json!({ "token": app.admin_token }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(form.headers().get("set-cookie").is_none());
    let foreign = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "token": app.admin_token })),
        &[("Origin", "https://evil.example")],
    )
    .await;
    let error = assert_envelope(&foreign.reply, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(error["details"]["reason"], "csrf");
    assert!(foreign.set_cookie.is_none());
    let own_origin = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "token": app.admin_token })),
        &[("Origin", &app.address)],
    )
    .await;
    assert_eq!(
        own_origin.reply.status,
        StatusCode::CREATED,
        "{:?}",
        own_origin.reply.body
    );

    let none = send(&app, Method::GET, "/session", None, None, None, &[]).await;
    assert_envelope(&none.reply, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let app = spawn_app().await;
    let admin = app.get("/api/me", Some(&app.admin_token)).await;
    let admin_id: Uuid = serde_json::from_value(admin.body["user"]["id"].clone()).unwrap();
    let (cookie, csrf) = signed_in(&app, admin_id).await;
    let create = |name: &str| json!({ "name": name, "role": "operator" });

    // Reads need no token.
    let list = send(
        &app,
        Method::GET,
        "/api/users",
        Some(&cookie),
        None,
        None,
        &[],
    )
    .await;
    assert_eq!(list.reply.status, StatusCode::OK);

    for wrong in [
        None,
        Some("0".repeat(64)),
        Some(csrf.replace(|c: char| c.is_ascii_digit(), "a")),
    ] {
        let refused = send(
            &app,
            Method::POST,
            "/api/users",
            Some(&cookie),
            wrong.as_deref(),
            Some(create("Eve")),
            &[],
        )
        .await;
        let error = assert_envelope(&refused.reply, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(error["details"]["reason"], "csrf", "{wrong:?}");
    }
    let users = app.get("/api/users", Some(&app.admin_token)).await;
    assert!(
        users
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["name"] != "Eve"),
        "a refused request changed nothing"
    );

    let accepted = send(
        &app,
        Method::POST,
        "/api/users",
        Some(&cookie),
        Some(&csrf),
        Some(create("Bo")),
        &[],
    )
    .await;
    assert_eq!(
        accepted.reply.status,
        StatusCode::CREATED,
        "{:?}",
        accepted.reply.body
    );

    // Another session's token does not fit this session.
    let (_, other_csrf) = signed_in(&app, admin_id).await;
    let crossed = send(
        &app,
        Method::POST,
        "/api/users",
        Some(&cookie),
        Some(&other_csrf),
        Some(create("Cy")),
        &[],
    )
    .await;
    assert_envelope(&crossed.reply, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn sign_out_and_revocation_end_a_session_on_the_server() {
    let app = spawn_app().await;
    let (ana, _) = app.create_user("Ana", "operator").await;
    let (cookie, csrf) = signed_in(&app, ana).await;

    // Signing out is state-changing too.
    let forged = send(
        &app,
        Method::DELETE,
        "/session",
        Some(&cookie),
        None,
        None,
        &[],
    )
    .await;
    assert_envelope(&forged.reply, StatusCode::FORBIDDEN, "forbidden");
    let still = send(&app, Method::GET, "/api/me", Some(&cookie), None, None, &[]).await;
    assert_eq!(still.reply.status, StatusCode::OK);

    let out = send(
        &app,
        Method::DELETE,
        "/session",
        Some(&cookie),
        Some(&csrf),
        None,
        &[],
    )
    .await;
    assert_eq!(out.reply.status, StatusCode::NO_CONTENT);
    let cleared = out.set_cookie.expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie value no longer works, even if the browser kept it.
    let after = send(&app, Method::GET, "/api/me", Some(&cookie), None, None, &[]).await;
    assert_envelope(&after.reply, StatusCode::UNAUTHORIZED, "unauthorized");
    let session = send(
        &app,
        Method::GET,
        "/session",
        Some(&cookie),
        None,
        None,
        &[],
    )
    .await;
    assert_envelope(&session.reply, StatusCode::UNAUTHORIZED, "unauthorized");

    // An admin revokes a session from the user's token list.
    let (cookie, _) = signed_in(&app, ana).await;
    let tokens = app
        .get(&format!("/api/users/{ana}/tokens"), Some(&app.admin_token))
        .await;
    let live_session = tokens
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "console session" && t["revokedAt"].is_null())
        .expect("the session is listed")
        .clone();
    let revoked = app
        .request(
            Method::DELETE,
            &format!(
                "/api/users/{ana}/tokens/{}",
                live_session["id"].as_str().unwrap()
            ),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{:?}", revoked.body);
    let after = send(&app, Method::GET, "/api/me", Some(&cookie), None, None, &[]).await;
    assert_envelope(&after.reply, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn_app().await;
    let (ana, _) = app.create_user("Ana", "operator").await;
    let (cookie, _) = signed_in(&app, ana).await;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(api_token::Column::Kind.eq("session"))
        .exec(&app.db)
        .await
        .unwrap();
    let session = send(
        &app,
        Method::GET,
        "/session",
        Some(&cookie),
        None,
        None,
        &[],
    )
    .await;
    let error = assert_envelope(&session.reply, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(error["message"].as_str().unwrap().contains("expired"));
    let me = send(&app, Method::GET, "/api/me", Some(&cookie), None, None, &[]).await;
    assert_envelope(&me.reply, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn only_admins_issue_login_links() {
    let app = spawn_app().await;
    let (ana, ana_token) = app.create_user("Ana", "operator").await;
    let refused = app
        .request(
            Method::POST,
            &format!("/api/users/{ana}/login-link"),
            Some(&ana_token),
            None,
        )
        .await;
    assert_envelope(&refused, StatusCode::FORBIDDEN, "forbidden");
    let missing = app
        .request(
            Method::POST,
            &format!("/api/users/{}/login-link", Uuid::new_v4()),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_envelope(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_cli_prints_a_working_login_link() {
    let app = spawn_app().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args([
            "login-link",
            "--name",
            "Cli Op",
            "--role",
            "operator",
            "--url",
            &app.address,
        ])
        .env("DATABASE_URL", app.settings.database.url.expose_secret())
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .expect("run autolynx login-link");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let url = stdout.lines().last().unwrap().trim();
    assert!(
        url.starts_with(&format!("{}/#signin=", app.address)),
        "{stdout}"
    );
    let link = url.split_once("#signin=").unwrap().1;
    let answer = send(
        &app,
        Method::POST,
        "/session",
        None,
        None,
        Some(json!({ "link": link })),
        &[],
    )
    .await;
    assert_eq!(
        answer.reply.status,
        StatusCode::CREATED,
        "{:?}",
        answer.reply.body
    );
    assert_eq!(answer.reply.body["user"]["name"], "Cli Op");

    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["login-link", "--name", "Nobody"])
        .env("DATABASE_URL", app.settings.database.url.expose_secret())
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user named"));
}

#[tokio::test]
async fn signing_in_prunes_the_users_long_expired_sessions_and_links() {
    let app = spawn_app().await;
    let (ana, _) = app.create_user("Ana", "operator").await;
    let (bo, _) = app.create_user("Bo", "operator").await;
    signed_in(&app, ana).await;
    signed_in(&app, bo).await;
    login_link(&app, ana).await;
    // Ana's session and unused link expired two days ago; Bo's session too.
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::days(2)),
        )
        .filter(api_token::Column::Kind.is_in(["session", "login_link"]))
        .exec(&app.db)
        .await
        .unwrap();
    let count = |user: Uuid| {
        let db = app.db.clone();
        async move {
            api_token::Entity::find()
                .filter(api_token::Column::UserId.eq(user))
                .filter(api_token::Column::Kind.is_in(["session", "login_link"]))
                .all(&db)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(
        count(ana).await,
        3,
        "two used or unused links and a session"
    );
    signed_in(&app, ana).await;
    assert_eq!(
        count(ana).await,
        2,
        "only the new link and session are left"
    );
    assert_eq!(count(bo).await, 2, "another user's are left alone");
    // API tokens are never pruned.
    let tokens = app
        .get(&format!("/api/users/{ana}/tokens"), Some(&app.admin_token))
        .await;
    assert!(
        tokens
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "t")
    );
}

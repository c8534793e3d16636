//! The console's sessions. A browser signs in by opening a one-time link (or by pasting an API
//! token once) and from then on holds only an HttpOnly, SameSite=Strict cookie whose value is a
//! `session` token (see `store::sessions`): it expires on the server, is revoked by signing out
//! or by revoking it from the token list, and never reaches JavaScript.
//!
//! The console speaks the public API with that cookie: [`SessionCookie`] turns it into the
//! `Authorization` header the API expects, so every operation keeps its own authorization and
//! roles. A request that changes something must also carry `X-CSRF-Token`, a value derived from
//! the session that only a page of our origin can learn (from `GET /session`); a form or fetch
//! from another site cannot, so it is refused before any handler runs.
//!
//! Routes: `POST /session` (sign in with `{"link"}` or `{"token"}`), `GET /session` (who is
//! signed in, and the CSRF token), `DELETE /session` (sign out), and for admins the API operation
//! `POST /api/users/{id}/login-link`.

use chrono::{DateTime, Utc};
use poem::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, ORIGIN, SET_COOKIE};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::web::Data;
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response, handler};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::domain::auth::TokenHash;
use crate::http::audit;
use crate::http::auth::BearerAuth;
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::store;
use crate::store::sessions::{KIND_SESSION, Redeemed};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "autolynx_session";
/// The header a state-changing console request carries.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: a hash of the session's secret, so it needs no storage, and
/// a page that cannot read the HttpOnly cookie learns it only from `GET /session`.
pub fn csrf_token(session: &str) -> String {
    hex::encode(Sha256::digest(
        format!("autolynx-csrf\0{session}").as_bytes(),
    ))
}

/// The link a person opens to sign in. The secret sits in the fragment, which browsers never
/// send to a server: it stays out of access logs and `Referer` headers; the page posts it.
pub fn login_url(base: &str, link_token: &str) -> String {
    format!("{}/#signin={link_token}", base.trim_end_matches('/'))
}

/// The session cookie's value, if the request carries one.
fn session_cookie(req: &Request) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether the browser reached us over HTTPS (directly or through a proxy that says so), in
/// which case the cookie is marked `Secure`.
fn behind_https(req: &Request, state: &AppState) -> bool {
    req.uri().scheme_str() == Some("https")
        || req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        || state
            .settings
            .server
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
}

fn set_cookie(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("cookie values are base64url")
}

/// The base URL the console is reached at: `server.public_url`, else the request's host.
fn base_url(req: &Request, state: &AppState) -> String {
    if let Some(url) = &state.settings.server.public_url {
        return url.clone();
    }
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| state.settings.server.bind.to_string());
    let scheme = if behind_https(req, state) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// Turns the session cookie into the API's bearer authentication; refuses a state-changing
/// request whose CSRF token is missing or wrong. Requests with their own `Authorization` are
/// left alone (a header cannot be forged by another site).
pub struct SessionCookie;

impl<E: Endpoint> Middleware<E> for SessionCookie {
    type Output = SessionCookieEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SessionCookieEndpoint { inner }
    }
}

pub struct SessionCookieEndpoint<E> {
    inner: E,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn csrf_matches(req: &Request, session: &str) -> bool {
    let Some(sent) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let expected = csrf_token(session);
    sent.len() == expected.len() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

fn csrf_refused() -> ApiError {
    ApiError::forbidden(
        "this request did not come from a page of the console (missing or wrong CSRF token); \
         reload the console and try again",
    )
    .with_details(json!({ "reason": "csrf", "header": "X-CSRF-Token" }))
}

impl<E: Endpoint> Endpoint for SessionCookieEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        if !req.headers().contains_key(AUTHORIZATION)
            && let Some(session) = session_cookie(&req)
        {
            if !is_safe(req.method()) && !csrf_matches(&req, &session) {
                return Ok(csrf_refused().as_response_ext());
            }
            if let Ok(value) = HeaderValue::from_str(&format!("Bearer {session}")) {
                req.headers_mut().insert(AUTHORIZATION, value);
            }
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

trait AsResponseExt {
    fn as_response_ext(&self) -> Response;
}

impl AsResponseExt for ApiError {
    fn as_response_ext(&self) -> Response {
        poem::error::ResponseError::as_response(self)
    }
}

/// The signed-in user of a session token, or why there is none.
async fn session_user(
    state: &AppState,
    session: &str,
) -> Result<
    (
        store::entities::user::Model,
        store::entities::api_token::Model,
    ),
    ApiError,
> {
    let found = store::users::find_by_token(&state.db, &TokenHash::of(session)).await?;
    let Some((user, token)) = found.filter(|(_, t)| t.kind == KIND_SESSION) else {
        return Err(ApiError::unauthorized(
            "not signed in (or the session was signed out or revoked)",
        ));
    };
    if token.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ApiError::unauthorized(
            "the session has expired: sign in again",
        ));
    }
    check_user(&user)?;
    Ok((user, token))
}

fn check_user(user: &store::entities::user::Model) -> Result<(), ApiError> {
    if user.disabled {
        return Err(ApiError::unauthorized("this user is disabled"));
    }
    if !user.allowlisted {
        return Err(ApiError::unauthorized("this user is not allowlisted"));
    }
    Ok(())
}

fn session_body(
    user: &store::entities::user::Model,
    session: &str,
    expires_at: Option<DateTime<Utc>>,
) -> serde_json::Value {
    json!({
        "user": { "id": user.id, "name": user.name, "email": user.email, "role": user.role },
        "csrfToken": csrf_token(session),
        "expiresAt": expires_at,
    })
}

/// What `POST /session` accepts: exactly one of the two.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignIn {
    /// The secret of a one-time sign-in link (the part after `#signin=`).
    link: Option<String>,
    /// An API token, exchanged for a session (the cookie never holds the API token).
    token: Option<String>,
}

/// Whether a browser says the request comes from another site: its `Origin` is neither the
/// host it asked for (`Host`, or `X-Forwarded-Host` behind a proxy) nor `server.public_url`.
/// Signing in is refused then, so another site cannot sign a visitor in to an account of its
/// choosing (login CSRF).
fn cross_site(req: &Request, state: &AppState) -> bool {
    let Some(origin) = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let ours = [header("host"), header("x-forwarded-host")]
        .into_iter()
        .flatten()
        .any(|h| origin_host == Some(h));
    let public = state
        .settings
        .server
        .public_url
        .as_deref()
        .is_some_and(|u| u.trim_end_matches('/') == origin);
    !(ours || public)
}

/// `POST /session`: signs in with a one-time link or an API token and sets the cookie.
#[handler]
pub async fn sign_in(req: &Request, state: Data<&AppState>, body: Body) -> poem::Result<Response> {
    let state = *state;
    if cross_site(req, state) {
        return Err(csrf_refused().into());
    }
    // A JSON content type cannot be sent by another site's form, only by our page's fetch.
    let json = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the sign-in as JSON (Content-Type: application/json)",
        )
        .into());
    }
    let bytes = body
        .into_bytes()
        .await
        .map_err(|_| ApiError::bad_request("could not read the request body"))?;
    let input: SignIn = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "expected a JSON object with \"link\" or \"token\": {e}"
        ))
    })?;
    let now = Utc::now();
    let user = match (input.link.as_deref(), input.token.as_deref()) {
        (Some(link), None) => {
            match store::sessions::redeem_login_link(&state.db, &TokenHash::of(link.trim()), now)
                .await
                .map_err(ApiError::from)?
            {
                Redeemed::User(user) => user,
                Redeemed::Unknown => {
                    return Err(ApiError::unauthorized("this sign-in link is not valid")
                        .with_details(json!({ "field": "link", "reason": "unknown" }))
                        .into());
                }
                Redeemed::Used => {
                    return Err(ApiError::unauthorized(
                        "this sign-in link has already been used: ask for a new one",
                    )
                    .with_details(json!({ "field": "link", "reason": "used" }))
                    .into());
                }
                Redeemed::Expired => {
                    return Err(ApiError::unauthorized(
                        "this sign-in link has expired: ask for a new one",
                    )
                    .with_details(json!({ "field": "link", "reason": "expired" }))
                    .into());
                }
            }
        }
        (None, Some(token)) => {
            let found = store::users::find_by_token(&state.db, &TokenHash::of(token.trim()))
                .await
                .map_err(ApiError::from)?
                .filter(|(_, t)| t.kind == store::sessions::KIND_API);
            let Some((user, token)) = found else {
                return Err(ApiError::unauthorized("invalid or revoked token")
                    .with_details(json!({ "field": "token" }))
                    .into());
            };
            if token.expires_at.is_some_and(|at| at <= now) {
                return Err(ApiError::unauthorized("this token has expired")
                    .with_details(json!({ "field": "token" }))
                    .into());
            }
            user
        }
        _ => {
            return Err(ApiError::validation("link", "give either a link or a token").into());
        }
    };
    check_user(&user)?;
    let hours = i64::from(state.settings.console.session_hours);
    let expires_at = now + chrono::Duration::hours(hours);
    let (info, session) = store::sessions::create_session(&state.db, user.id, expires_at)
        .await
        .map_err(ApiError::from)?;
    tracing::info!(user_id = %user.id, session_id = %info.id, "console session started");
    // Housekeeping on the way: what expired a day ago is of no use to anyone.
    if let Err(e) =
        store::sessions::prune_expired(&state.db, user.id, now - chrono::Duration::days(1)).await
    {
        tracing::warn!(error = %e, "could not prune expired console sessions");
    }
    let mut response = poem::web::Json(session_body(&user, session.expose(), Some(expires_at)))
        .with_status(StatusCode::CREATED)
        .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        set_cookie(session.expose(), hours * 3600, behind_https(req, state)),
    );
    Ok(response)
}

/// `GET /session`: who is signed in, the session's expiry and its CSRF token.
#[handler]
pub async fn current(req: &Request, state: Data<&AppState>) -> poem::Result<Response> {
    let Some(session) = session_cookie(req) else {
        return Err(ApiError::unauthorized("not signed in").into());
    };
    let (user, token) = session_user(*state, &session).await?;
    Ok(poem::web::Json(session_body(&user, &session, token.expires_at)).into_response())
}

/// `DELETE /session`: signs out; the session is revoked on the server and the cookie cleared.
#[handler]
pub async fn sign_out(req: &Request, state: Data<&AppState>) -> poem::Result<Response> {
    if let Some(session) = session_cookie(req) {
        if !csrf_matches(req, &session) {
            return Err(csrf_refused().into());
        }
        store::sessions::revoke_session(&state.db, &TokenHash::of(&session))
            .await
            .map_err(ApiError::from)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, set_cookie("", 0, behind_https(req, *state)));
    Ok(response)
}

/// The session routes, mounted at `/session`.
pub fn routes() -> impl Endpoint {
    poem::get(current).post(sign_in).delete(sign_out)
}

pub struct LoginLinksApi;

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct LoginLinkDto {
    /// Open this in a browser to sign in to the console; it works once.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(ApiResponse)]
pub enum LoginLinkResponse {
    #[oai(status = 201)]
    Created(Json<LoginLinkDto>),
}

#[OpenApi(tag = "ApiTags::Users")]
impl LoginLinksApi {
    /// Issue a one-time console sign-in link for a user (admin); it expires after
    /// `console.login_link_minutes`.
    ///
    /// Inviting someone is creating the user, then this.
    #[oai(
        path = "/users/:id/login-link",
        method = "post",
        operation_id = "createLoginLink"
    )]
    async fn create_login_link(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        req: &Request,
        id: Path<Uuid>,
    ) -> ApiResult<LoginLinkResponse> {
        auth.0.require_admin()?;
        let user = store::users::get(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))?;
        if user.disabled || !user.allowlisted {
            return Err(ApiError::conflict(
                "this user is disabled or not allowlisted: enable them first",
            ));
        }
        let base = base_url(req, &state);
        let (url, expires_at) =
            issue_login_link(&state.db, &state.settings.console, &base, user.id).await?;
        audit::record(
            &state,
            &auth.0,
            "login_link.create",
            "user",
            Some(user.id.to_string()),
            json!({ "expiresAt": expires_at }),
        )
        .await;
        Ok(LoginLinkResponse::Created(Json(LoginLinkDto {
            url,
            expires_at,
        })))
    }
}

/// Creates a sign-in link for a user and returns its URL under `base` and its expiry.
pub async fn issue_login_link(
    db: &impl sea_orm::ConnectionTrait,
    settings: &crate::config::ConsoleSettings,
    base: &str,
    user_id: Uuid,
) -> Result<(String, DateTime<Utc>), sea_orm::DbErr> {
    let expires_at = Utc::now() + chrono::Duration::minutes(settings.login_link_minutes.into());
    let (_, link) = store::sessions::create_login_link(db, user_id, expires_at).await?;
    Ok((login_url(base, link.expose()), expires_at))
}

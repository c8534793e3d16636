//! The Vapi HTTP client: the [`Provider`] trait over reqwest, with every failure classified into
//! a [`ProviderError`] (status codes, Vapi's NestJS error bodies, the three concurrency-limit
//! behaviours, timeouts and connection errors).

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use super::{
    CreateCall, METADATA_CALL_ID, METADATA_CAMPAIGN_ID, Provider, ProviderAssistant, ProviderCall,
    ProviderError, ProviderPhoneNumber, ProviderResult, str_at,
};
use crate::config::VapiSettings;

/// Calls asked for per `GET /call` page (Vapi's maximum).
const LIST_PAGE: usize = 1000;
/// Pages read at most by one listing.
const LIST_MAX_PAGES: usize = 20;

/// Connect and whole-request timeouts of the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(15),
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum VapiClientError {
    #[error("vapi.api_key (VAPI_API_KEY) is not set")]
    MissingApiKey,
    #[error("vapi.base_url {0:?} is not a valid http(s) URL")]
    InvalidBaseUrl(String),
    #[error("could not build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The real Vapi client. Cheap to clone (reqwest's client is shared).
#[derive(Clone)]
pub struct VapiClient {
    http: reqwest::Client,
    /// Without a trailing slash; paths are appended to it.
    base_url: String,
    api_key: SecretString,
}

impl std::fmt::Debug for VapiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapiClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl VapiClient {
    /// The client the service uses, from `[vapi]` settings.
    pub fn new(settings: &VapiSettings) -> Result<Self, VapiClientError> {
        let key = settings
            .api_key
            .as_ref()
            .ok_or(VapiClientError::MissingApiKey)?;
        Self::with(
            &settings.base_url,
            key.expose_secret(),
            Timeouts {
                connect: Duration::from_millis(settings.connect_timeout_ms),
                request: Duration::from_millis(settings.request_timeout_ms),
            },
        )
    }

    /// A client for any base URL (the simulator in tests).
    pub fn with(
        base_url: &str,
        api_key: &str,
        timeouts: Timeouts,
    ) -> Result<Self, VapiClientError> {
        crate::startup::install_crypto_provider();
        let parsed =
            Url::parse(base_url).map_err(|_| VapiClientError::InvalidBaseUrl(base_url.into()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(VapiClientError::InvalidBaseUrl(base_url.into()));
        }
        if api_key.is_empty() {
            return Err(VapiClientError::MissingApiKey);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .user_agent(concat!("autolynx/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: SecretString::from(api_key.to_owned()),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(self.api_key.expose_secret())
    }

    /// Sends a request and classifies the outcome; a 2xx gives its JSON body (`Null` if empty).
    async fn send(&self, request: RequestBuilder) -> ProviderResult<(StatusCode, Value)> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport_error)?;
        let body: Value = if bytes.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) if status.is_success() => {
                    return Err(ProviderError::Fatal {
                        message: format!("{status} with a body that is not JSON"),
                    });
                }
                Err(_) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
            }
        };
        if status.is_success() {
            Ok((status, body))
        } else {
            Err(classify_failure(status, &headers, &body, Utc::now()))
        }
    }

    async fn send_json(&self, request: RequestBuilder) -> ProviderResult<Value> {
        Ok(self.send(request).await?.1)
    }
}

/// A reqwest failure before or while reading a response: always worth retrying, but only a
/// failure to connect proves the request never reached the provider.
fn transport_error(err: reqwest::Error) -> ProviderError {
    // reqwest's message may contain the URL, which holds no secret (the key is a header).
    if err.is_connect() {
        return ProviderError::Transient {
            message: format!("could not connect: {err}"),
        };
    }
    let kind = if err.is_timeout() {
        "timed out"
    } else {
        "request failed"
    };
    ProviderError::Ambiguous {
        message: format!("{kind}: {err}"),
    }
}

/// Maps a non-2xx answer to its class.
pub fn classify_failure(
    status: StatusCode,
    headers: &HeaderMap,
    body: &Value,
    now: DateTime<Utc>,
) -> ProviderError {
    let message = crate::telemetry::redact_phone_numbers(&error_message(body));
    match status.as_u16() {
        429 => ProviderError::RateLimited {
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, now)),
        },
        401 | 403 => ProviderError::Unauthorized,
        404 => ProviderError::NotFound,
        400 if says_over_concurrency_limit(&message) => ProviderError::ConcurrencyLimited {
            provider_call_id: None,
            message,
        },
        400 if is_invalid_number_message(&message) => ProviderError::InvalidNumber { message },
        500..=599 => ProviderError::Ambiguous {
            message: format!("{status}: {message}"),
        },
        _ => ProviderError::Fatal {
            message: format!("{status}: {message}"),
        },
    }
}

/// Vapi's NestJS error body: `message` (a string or a list of strings) and `error`, joined.
fn error_message(body: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    match body.get("message") {
        Some(Value::String(s)) => parts.push(s.clone()),
        Some(Value::Array(items)) => parts.extend(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)),
        ),
        _ => {}
    }
    if let Some(error) = str_at(body, &["error"]) {
        parts.push(error.to_owned());
    }
    if parts.is_empty()
        && let Value::String(s) = body
    {
        parts.push(s.chars().take(300).collect());
    }
    parts.join("; ")
}

/// The words "over concurrency limit" in sequence, case-insensitive, as whole words.
pub fn says_over_concurrency_limit(message: &str) -> bool {
    let words: Vec<String> = message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words
        .windows(3)
        .any(|w| w[0] == "over" && w[1] == "concurrency" && w[2] == "limit")
}

/// A validation message about the customer's number.
fn is_invalid_number_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("customer.number") || lower.contains("e.164")
}

/// `Retry-After`: delay-seconds or an HTTP-date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

fn call_from(body: Value) -> ProviderResult<ProviderCall> {
    ProviderCall::from_json(body).ok_or_else(|| ProviderError::Fatal {
        message: "the provider answered a call without an id".to_owned(),
    })
}

fn assistant_from(body: Value) -> ProviderResult<ProviderAssistant> {
    let id = str_at(&body, &["id"])
        .ok_or_else(|| ProviderError::Fatal {
            message: "the provider answered an assistant without an id".to_owned(),
        })?
        .to_owned();
    Ok(ProviderAssistant {
        id,
        name: str_at(&body, &["name"]).map(str::to_owned),
        raw: body,
    })
}

/// The body of `POST /call`: our ids in `assistantOverrides.metadata` (and as variables),
/// never a top-level `metadata`, which Vapi refuses.
pub fn create_call_body(request: &CreateCall) -> Value {
    let mut variables: Map<String, Value> = request
        .variable_values
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    variables.insert(
        METADATA_CALL_ID.to_owned(),
        Value::String(request.call_id.to_string()),
    );
    let mut customer = json!({ "number": request.customer_number });
    if let Some(name) = request.customer_name.as_deref().filter(|n| !n.is_empty()) {
        // Vapi caps customer.name at 40 characters.
        customer["name"] = Value::String(name.chars().take(40).collect());
    }
    json!({
        "assistantId": request.assistant_id,
        "phoneNumberId": request.phone_number_id,
        "customer": customer,
        "assistantOverrides": {
            "variableValues": variables,
            "metadata": {
                METADATA_CALL_ID: request.call_id.to_string(),
                METADATA_CAMPAIGN_ID: request.campaign_id.to_string(),
            },
        },
    })
}

#[async_trait::async_trait]
impl Provider for VapiClient {
    #[tracing::instrument(skip_all, fields(call_id = %request.call_id), err(level = "warn", Display))]
    async fn create_call(&self, request: &CreateCall) -> ProviderResult<ProviderCall> {
        let body = self
            .send_json(
                self.request(Method::POST, "/call")
                    .json(&create_call_body(request)),
            )
            .await?;
        // A batch answer wraps the call in `results`.
        let (call, limits) = match body.get("results").and_then(Value::as_array) {
            Some(results) => (
                results.first().cloned().unwrap_or(Value::Null),
                body.get("subscriptionLimits").cloned(),
            ),
            None => {
                let limits = body.get("subscriptionLimits").cloned();
                (body, limits)
            }
        };
        let call = call_from(call)?;
        let blocked = limits
            .as_ref()
            .or_else(|| call.raw.get("subscriptionLimits"))
            .and_then(|l| l.get("concurrencyBlocked"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if blocked {
            return Err(ProviderError::ConcurrencyLimited {
                provider_call_id: Some(call.id),
                message: "the call was created with subscriptionLimits.concurrencyBlocked"
                    .to_owned(),
            });
        }
        Ok(call)
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn get_call(&self, provider_call_id: &str) -> ProviderResult<ProviderCall> {
        let path = format!("/call/{}", encode(provider_call_id));
        call_from(self.send_json(self.request(Method::GET, &path)).await?)
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn list_calls(
        &self,
        phone_number_id: &str,
        created_after: DateTime<Utc>,
    ) -> ProviderResult<Vec<ProviderCall>> {
        let since = created_after.to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut calls: Vec<ProviderCall> = Vec::new();
        let mut before: Option<String> = None;
        // `GET /call` answers at most `limit` calls: page backwards (createdAtLe the oldest
        // seen, duplicates dropped) until a page is short or brings nothing new.
        for _ in 0..LIST_MAX_PAGES {
            let mut query = vec![
                ("phoneNumberId", phone_number_id.to_owned()),
                ("createdAtGt", since.clone()),
                ("limit", LIST_PAGE.to_string()),
            ];
            if let Some(before) = &before {
                query.push(("createdAtLe", before.clone()));
            }
            let body = self
                .send_json(self.request(Method::GET, "/call").query(&query))
                .await?;
            let items = match body {
                Value::Array(items) => items,
                Value::Object(mut o) => match o.remove("results") {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let full = items.len() >= LIST_PAGE;
            let mut fresh = 0;
            for item in items {
                let call = call_from(item)?;
                if !calls.iter().any(|c| c.id == call.id) {
                    calls.push(call);
                    fresh += 1;
                }
            }
            let oldest = calls.iter().filter_map(|c| c.created_at).min();
            match oldest {
                Some(oldest) if full && fresh > 0 => {
                    before = Some(oldest.to_rfc3339_opts(SecondsFormat::Millis, true));
                }
                _ => break,
            }
        }
        Ok(calls)
    }

    #[tracing::instrument(skip_all, fields(provider_call_id = %call.id), err(level = "warn", Display))]
    async fn end_call(&self, call: &ProviderCall) -> ProviderResult<()> {
        let control_url =
            match &call.control_url {
                Some(url) => url.clone(),
                None => self.get_call(&call.id).await?.control_url.ok_or_else(|| {
                    ProviderError::Fatal {
                        message: "the call has no monitor.controlUrl".to_owned(),
                    }
                })?,
            };
        // The control URL is a capability on Vapi's call servers: it takes no API key, and
        // ours is not sent to another host.
        self.send(
            self.http
                .post(control_url)
                .json(&json!({ "type": "end-call" })),
        )
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn create_assistant(&self, config: &Value) -> ProviderResult<ProviderAssistant> {
        assistant_from(
            self.send_json(self.request(Method::POST, "/assistant").json(config))
                .await?,
        )
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn get_assistant(&self, id: &str) -> ProviderResult<ProviderAssistant> {
        let path = format!("/assistant/{}", encode(id));
        assistant_from(self.send_json(self.request(Method::GET, &path)).await?)
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn update_assistant(&self, id: &str, patch: &Value) -> ProviderResult<ProviderAssistant> {
        let path = format!("/assistant/{}", encode(id));
        assistant_from(
            self.send_json(self.request(Method::PATCH, &path).json(patch))
                .await?,
        )
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn delete_assistant(&self, id: &str) -> ProviderResult<()> {
        let path = format!("/assistant/{}", encode(id));
        self.send(self.request(Method::DELETE, &path)).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn", Display))]
    async fn get_phone_number(&self, id: &str) -> ProviderResult<ProviderPhoneNumber> {
        let path = format!("/phone-number/{}", encode(id));
        let body = self.send_json(self.request(Method::GET, &path)).await?;
        let id = str_at(&body, &["id"])
            .ok_or_else(|| ProviderError::Fatal {
                message: "the provider answered a phone number without an id".to_owned(),
            })?
            .to_owned();
        Ok(ProviderPhoneNumber {
            id,
            number: str_at(&body, &["number"]).map(str::to_owned),
            status: str_at(&body, &["status"]).map(str::to_owned),
            raw: body,
        })
    }
}

/// Percent-encodes an id for a path segment (ids come from our database or Vapi, but a stray
/// `/` or `?` must not change the route).
fn encode(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use reqwest::header::HeaderValue;
    use uuid::Uuid;

    use super::*;

    fn classify(status: u16, body: Value) -> ProviderError {
        classify_failure(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            &body,
            Utc::now(),
        )
    }

    #[test]
    fn status_codes_map_to_classes() {
        assert_eq!(classify(401, json!({})), ProviderError::Unauthorized);
        assert_eq!(classify(403, json!({})), ProviderError::Unauthorized);
        assert_eq!(classify(404, json!({})), ProviderError::NotFound);
        // Any 5xx may come from a gateway in front of a provider that carries on: ambiguous.
        for status in [500, 502, 503, 504] {
            assert_eq!(classify(status, json!({})).class(), "ambiguous");
        }
        assert_eq!(classify(503, Value::Null).class(), "ambiguous");
        // Clean refusals are not.
        for status in [400, 402, 422] {
            assert_eq!(classify(status, json!({})).class(), "fatal");
        }
        assert_eq!(classify(409, json!({"message": "pinned"})).class(), "fatal");
        assert_eq!(
            classify(400, json!({"message": ["name too long"]})).class(),
            "fatal"
        );
        assert_eq!(
            classify(429, json!({})),
            ProviderError::RateLimited { retry_after: None }
        );
    }

    #[test]
    fn over_concurrency_limit_in_message_or_error_field() {
        for body in [
            json!({"message": "Over Concurrency Limit", "error": "Bad Request", "statusCode": 400}),
            json!({"error": "Over Concurrency Limit"}),
            json!({"message": ["Call blocked: over concurrency limit."]}),
        ] {
            assert!(
                matches!(
                    classify(400, body.clone()),
                    ProviderError::ConcurrencyLimited {
                        provider_call_id: None,
                        ..
                    }
                ),
                "{body}"
            );
        }
        // Whole words only.
        assert!(!says_over_concurrency_limit("hangover concurrency limits"));
        assert!(!says_over_concurrency_limit("concurrency limit over"));
    }

    #[test]
    fn invalid_number_message() {
        let e = classify(
            400,
            json!({"message": ["customer.number must be a valid phone number in the E.164 format. Hot tip, you may be missing the country code (Eg. US: +1)."],
                   "error": "Bad Request", "statusCode": 400}),
        );
        assert_eq!(e.class(), "invalid-number");
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(
            classify_failure(StatusCode::TOO_MANY_REQUESTS, &headers, &Value::Null, now),
            ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }

    #[test]
    fn create_call_body_carries_our_ids_in_assistant_overrides_only() {
        let request = CreateCall {
            call_id: Uuid::new_v4(),
            campaign_id: Uuid::new_v4(),
            assistant_id: "asst".into(),
            phone_number_id: "pn".into(),
            customer_number: "+14155550100".into(),
            customer_name: Some("Ada".into()),
            variable_values: BTreeMap::from([("business_name".into(), "Acme".into())]),
        };
        let body = create_call_body(&request);
        assert!(body.get("metadata").is_none());
        assert_eq!(
            body["assistantOverrides"]["metadata"][METADATA_CALL_ID],
            request.call_id.to_string()
        );
        assert_eq!(
            body["assistantOverrides"]["metadata"][METADATA_CAMPAIGN_ID],
            request.campaign_id.to_string()
        );
        assert_eq!(
            body["assistantOverrides"]["variableValues"]["business_name"],
            "Acme"
        );
        assert_eq!(
            body["customer"],
            json!({"number": "+14155550100", "name": "Ada"})
        );
    }

    #[test]
    fn ids_are_encoded_in_paths() {
        assert_eq!(encode("abc-123"), "abc-123");
        assert_eq!(encode("a/b?c"), "a%2Fb%3Fc");
    }
}

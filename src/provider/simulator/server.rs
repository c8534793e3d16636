//! The simulator's HTTP surface: Vapi's endpoints (bearer key, Vapi's JSON and error shapes,
//! REST faults) and the `/_sim/*` hooks (stats, reset, config, ending calls, the control URL).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Path, Query};
use poem::{
    Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get, handler, post,
};
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::calls::{self, Created, NewCall};
use super::{ConfigPatch, Shared};

/// Top-level properties Vapi's `CreateCallDTO` accepts; anything else is refused like Vapi's
/// validation does ("property X should not exist"), `metadata` included.
const CREATE_CALL_PROPERTIES: &[&str] = &[
    "assistantId",
    "assistant",
    "assistantOverrides",
    "squadId",
    "squad",
    "workflowId",
    "workflow",
    "workflowOverrides",
    "phoneNumberId",
    "phoneNumber",
    "customer",
    "customerId",
    "customers",
    "name",
    "schedulePlan",
    "transport",
];

/// Vapi's text for a number that is not E.164.
pub const E164_MESSAGE: &str = "customer.number must be a valid phone number in the E.164 format. \
     Hot tip, you may be missing the country code (Eg. US: +1).";

pub(crate) fn app(shared: Arc<Shared>) -> impl Endpoint {
    Route::new()
        .at("/call", post(create_call).get(list_calls))
        .at("/call/:id", get(get_call).delete(delete_call))
        .at("/assistant", post(create_assistant).get(list_assistants))
        .at(
            "/assistant/:id",
            get(get_assistant)
                .patch(update_assistant)
                .delete(delete_assistant),
        )
        .at("/phone-number/:id", get(get_phone_number))
        .at("/_sim/stats", get(sim_stats))
        .at("/_sim/reset", post(sim_reset))
        .at("/_sim/config", post(reconfigure))
        .at("/_sim/calls/:id/end", post(end_call))
        .at("/_sim/control/:id", post(control))
        .data(shared.clone())
        .around(move |ep, req| {
            let shared = shared.clone();
            async move { guard(shared, ep, req).await }
        })
}

/// Vapi's NestJS error body.
pub(crate) fn error(status: StatusCode, message: Value) -> Response {
    let body = json!({
        "message": message,
        "error": status.canonical_reason().unwrap_or("Error"),
        "statusCode": status.as_u16(),
    });
    reply(status, &body)
}

fn reply(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

fn not_found(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        json!(format!("Couldn't Get {what}. {what} Not Found.")),
    )
}

/// Authentication and REST faults, for Vapi's endpoints only; `/_sim/*` is always served.
async fn guard<E: Endpoint + 'static>(
    shared: Arc<Shared>,
    ep: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    if req.uri().path().starts_with("/_sim/") {
        return Ok(ep.call(req).await?.into_response());
    }
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|key| bool::from(key.trim().as_bytes().ct_eq(shared.api_key.as_bytes())));
    if !authorized {
        return Ok(error(
            StatusCode::UNAUTHORIZED,
            json!(
                "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa."
            ),
        ));
    }

    let faults = shared.config().faults;
    let is_create = req.method() == poem::http::Method::POST && req.uri().path() == "/call";
    let (latency, timeout, lost, limited, server_error, late_create, gateway) = {
        let mut state = shared.state();
        let rng = &mut state.rng;
        let latency = rng
            .chance(faults.latency_rate)
            .then(|| rng.range(faults.latency_ms));
        let timeout = rng.chance(faults.timeout_rate);
        let lost = !timeout && rng.chance(faults.lost_response_rate);
        let limited = !timeout && !lost && rng.chance(faults.rate_limit_rate);
        let server_error = (!timeout && !lost && !limited && rng.chance(faults.server_error_rate))
            .then(|| rng.next_u64().is_multiple_of(2));
        let clean = !timeout && !lost && !limited && server_error.is_none();
        // The two faults of a call created after its client gave up: only for `POST /call`.
        let late_create = is_create && clean && rng.chance(faults.late_create_rate);
        let gateway =
            (is_create && clean && !late_create && rng.chance(faults.gateway_timeout_rate))
                .then(|| rng.range(faults.gateway_create_delay_ms));
        let stats = &mut state.stats;
        if is_create {
            stats.create_requests += 1;
            stats.last_create_request_ms = chrono::Utc::now().timestamp_millis();
        }
        stats.timeouts += u64::from(timeout);
        stats.lost_responses += u64::from(lost);
        stats.rate_limited += u64::from(limited);
        stats.server_errors += u64::from(server_error.is_some());
        stats.late_creates += u64::from(late_create);
        stats.gateway_timeouts += u64::from(gateway.is_some());
        (
            latency,
            timeout,
            lost,
            limited,
            server_error,
            late_create,
            gateway,
        )
    };
    if let Some(ms) = latency {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let hold = Duration::from_millis(faults.timeout_ms);
    if timeout {
        tokio::time::sleep(hold).await;
        return Ok(error(StatusCode::GATEWAY_TIMEOUT, json!("Gateway Timeout")));
    }
    if limited {
        let mut resp = error(StatusCode::TOO_MANY_REQUESTS, json!("Rate limit exceeded"));
        if let Ok(v) = HeaderValue::from_str(&faults.retry_after_secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(resp);
    }
    if let Some(first) = server_error {
        return Ok(if first {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!("Internal server error"),
            )
        } else {
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                json!("Service Unavailable"),
            )
        });
    }
    if late_create {
        // Held past the client's timeout; the call exists only once the hold ends.
        tokio::time::sleep(hold).await;
        return Ok(ep.call(req).await?.into_response());
    }
    if let Some(delay) = gateway {
        // The gateway gives up at once; the upstream still creates the call a moment later.
        shared.spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let _ = ep.call(req).await;
        });
        return Ok(error(StatusCode::GATEWAY_TIMEOUT, json!("Gateway Timeout")));
    }
    let resp = ep.call(req).await?.into_response();
    if lost {
        tokio::time::sleep(hold).await;
    }
    Ok(resp)
}

/// The JSON body (`{}` when empty), or the 400 to answer.
async fn read_json(body: Body) -> Result<Value, BadRequest> {
    let bytes = body
        .into_vec()
        .await
        .map_err(|_| BadRequest("Could not read the body".to_owned()))?;
    if bytes.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&bytes).map_err(|e| BadRequest(format!("Invalid JSON: {e}")))
}

/// A validation failure, answered as Vapi's 400 body.
struct BadRequest(String);

impl BadRequest {
    fn response(self) -> Response {
        error(StatusCode::BAD_REQUEST, json!([self.0]))
    }
}

/// `^\+[1-9]\d{6,14}$`.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[handler]
async fn create_call(Data(shared): Data<&Arc<Shared>>, body: Body) -> Response {
    let body = match read_json(body).await {
        Ok(Value::Object(o)) => o,
        Ok(_) => return error(StatusCode::BAD_REQUEST, json!(["body must be an object"])),
        Err(bad) => return bad.response(),
    };
    let unknown: Vec<String> = body
        .keys()
        .filter(|k| !CREATE_CALL_PROPERTIES.contains(&k.as_str()))
        .map(|k| format!("property {k} should not exist"))
        .collect();
    if !unknown.is_empty() {
        return error(StatusCode::BAD_REQUEST, json!(unknown));
    }
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let Some(customer) = body.get("customer").filter(|c| c.is_object()).cloned() else {
        return error(
            StatusCode::BAD_REQUEST,
            json!("Need Either `customer` Or `customerId`."),
        );
    };
    let number = customer
        .get("number")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !is_e164(&number) {
        return error(StatusCode::BAD_REQUEST, json!([E164_MESSAGE]));
    }
    let Some(phone_number_id) = text("phoneNumberId") else {
        return error(
            StatusCode::BAD_REQUEST,
            json!("Need Either `phoneNumber` Or `phoneNumberId`."),
        );
    };
    let assistant_id = text("assistantId");
    if assistant_id.is_none() && !body.contains_key("assistant") && !body.contains_key("squadId") {
        return error(
            StatusCode::BAD_REQUEST,
            json!("Need Either `assistant`, `assistantId`, `squad`, Or `squadId`."),
        );
    }
    let new = NewCall {
        assistant_id,
        phone_number_id,
        customer,
        number,
        assistant_overrides: body
            .get("assistantOverrides")
            .cloned()
            .unwrap_or_else(|| json!({})),
        name: text("name"),
    };
    match calls::create(shared, new) {
        Created::Call(call) => reply(StatusCode::CREATED, &call),
        Created::OverLimit => error(StatusCode::BAD_REQUEST, json!("Over Concurrency Limit")),
    }
}

#[handler]
fn get_call(Data(shared): Data<&Arc<Shared>>, Path(id): Path<String>) -> Response {
    let state = shared.state();
    match state.calls.get(&id).filter(|c| !c.deleted) {
        Some(call) => reply(StatusCode::OK, &call.json),
        None => not_found("Call"),
    }
}

fn query_time(
    query: &HashMap<String, String>,
    key: &str,
) -> Result<Option<DateTime<Utc>>, BadRequest> {
    match query.get(key) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| BadRequest(format!("{key} must be a valid ISO 8601 date string"))),
    }
}

#[handler]
fn list_calls(
    Data(shared): Data<&Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let bounds = match (|| {
        Ok::<_, BadRequest>([
            query_time(&query, "createdAtGt")?,
            query_time(&query, "createdAtGe")?,
            query_time(&query, "createdAtLt")?,
            query_time(&query, "createdAtLe")?,
        ])
    })() {
        Ok(b) => b,
        Err(bad) => return bad.response(),
    };
    let limit = match query.get("limit").map(|l| l.parse::<usize>()) {
        None => 100,
        Some(Ok(l)) if l <= 1000 => l,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                json!(["limit must not be greater than 1000"]),
            );
        }
    };
    // Compared at the millisecond precision the API shows.
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let state = shared.state();
    let calls: Vec<Value> = state
        .visible_calls()
        .into_iter()
        .filter(|c| {
            let field = |k: &str| c.json.get(k).and_then(Value::as_str);
            let t = ms(c.created_at);
            query.get("id").is_none_or(|v| field("id") == Some(v))
                && query
                    .get("phoneNumberId")
                    .is_none_or(|v| field("phoneNumberId") == Some(v))
                && query
                    .get("assistantId")
                    .is_none_or(|v| field("assistantId") == Some(v))
                && bounds[0].is_none_or(|b| t > ms(b))
                && bounds[1].is_none_or(|b| t >= ms(b))
                && bounds[2].is_none_or(|b| t < ms(b))
                && bounds[3].is_none_or(|b| t <= ms(b))
        })
        .take(limit)
        .map(|c| c.json.clone())
        .collect();
    reply(StatusCode::OK, &Value::Array(calls))
}

#[handler]
fn delete_call(Data(shared): Data<&Arc<Shared>>, Path(id): Path<String>) -> Response {
    let mut state = shared.state();
    match state.calls.get_mut(&id).filter(|c| !c.deleted) {
        Some(call) => {
            call.deleted = true;
            reply(StatusCode::OK, &call.json)
        }
        None => not_found("Call"),
    }
}

fn now_iso() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[handler]
async fn create_assistant(Data(shared): Data<&Arc<Shared>>, body: Body) -> Response {
    let mut assistant = match read_json(body).await {
        Ok(Value::Object(o)) => o,
        Ok(_) => return error(StatusCode::BAD_REQUEST, json!(["body must be an object"])),
        Err(bad) => return bad.response(),
    };
    let id = Uuid::new_v4().to_string();
    let now = now_iso();
    assistant.insert("id".into(), json!(id));
    assistant.insert("orgId".into(), json!("org-simulator"));
    assistant.insert("createdAt".into(), json!(now));
    assistant.insert("updatedAt".into(), json!(now));
    let assistant = Value::Object(assistant);
    shared.state().assistants.insert(id, assistant.clone());
    reply(StatusCode::CREATED, &assistant)
}

#[handler]
fn list_assistants(Data(shared): Data<&Arc<Shared>>) -> Response {
    let state = shared.state();
    let mut list: Vec<&Value> = state.assistants.values().collect();
    list.sort_by_key(|a| {
        std::cmp::Reverse(
            a.get("createdAt")
                .and_then(Value::as_str)
                .map(str::to_owned),
        )
    });
    reply(StatusCode::OK, &json!(list))
}

#[handler]
fn get_assistant(Data(shared): Data<&Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.state().assistants.get(&id) {
        Some(a) => reply(StatusCode::OK, a),
        None => not_found("Assistant"),
    }
}

#[handler]
async fn update_assistant(
    Data(shared): Data<&Arc<Shared>>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let patch: Map<String, Value> = match read_json(body).await {
        Ok(Value::Object(o)) => o,
        Ok(_) => return error(StatusCode::BAD_REQUEST, json!(["body must be an object"])),
        Err(bad) => return bad.response(),
    };
    let mut state = shared.state();
    let Some(Value::Object(assistant)) = state.assistants.get_mut(&id) else {
        return not_found("Assistant");
    };
    for (k, v) in patch {
        if !matches!(k.as_str(), "id" | "orgId" | "createdAt") {
            assistant.insert(k, v);
        }
    }
    assistant.insert("updatedAt".into(), json!(now_iso()));
    reply(StatusCode::OK, &Value::Object(assistant.clone()))
}

#[handler]
fn delete_assistant(Data(shared): Data<&Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.state().assistants.remove(&id) {
        Some(a) => reply(StatusCode::OK, &a),
        None => not_found("Assistant"),
    }
}

/// Any id is a phone number of the account (so tests and demos need no set-up); its number is
/// derived from the id.
#[handler]
fn get_phone_number(Path(id): Path<String>) -> Response {
    let digits: u64 = id
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000;
    reply(
        StatusCode::OK,
        &json!({
            "id": id,
            "orgId": "org-simulator",
            "provider": "vapi",
            "number": format!("+1555010{digits:04}"),
            "name": "Simulator line",
            "status": "active",
            "createdAt": now_iso(),
            "updatedAt": now_iso(),
        }),
    )
}

#[handler]
fn sim_stats(Data(shared): Data<&Arc<Shared>>) -> Response {
    let stats = shared.state().stats_snapshot();
    reply(StatusCode::OK, &json!(stats))
}

#[handler]
fn sim_reset(Data(shared): Data<&Arc<Shared>>) -> Response {
    calls::reset(shared);
    reply(StatusCode::OK, &json!({"reset": true}))
}

#[handler]
async fn reconfigure(Data(shared): Data<&Arc<Shared>>, body: Body) -> Response {
    let value = match read_json(body).await {
        Ok(v) => v,
        Err(bad) => return bad.response(),
    };
    match serde_json::from_value::<ConfigPatch>(value) {
        Ok(patch) => {
            shared.apply(patch);
            reply(StatusCode::OK, &json!({"updated": true}))
        }
        Err(e) => error(StatusCode::BAD_REQUEST, json!(e.to_string())),
    }
}

/// Ends a call now (`{"endedReason": "..."}` optional): the way out of a never-ending call.
#[handler]
async fn end_call(
    Data(shared): Data<&Arc<Shared>>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let reason = match read_json(body).await {
        Ok(v) => v
            .get("endedReason")
            .and_then(Value::as_str)
            .map(str::to_owned),
        Err(bad) => return bad.response(),
    };
    match shared.state().request_end(&id, reason) {
        Some(ended) => reply(StatusCode::OK, &json!({"ending": ended})),
        None => not_found("Call"),
    }
}

/// `monitor.controlUrl`: `{"type": "end-call"}` hangs up (no API key, like Vapi's).
#[handler]
async fn control(Data(shared): Data<&Arc<Shared>>, Path(id): Path<String>, body: Body) -> Response {
    let kind = match read_json(body).await {
        Ok(v) => v.get("type").and_then(Value::as_str).map(str::to_owned),
        Err(bad) => return bad.response(),
    };
    match kind.as_deref() {
        Some("end-call") => {
            let mut state = shared.state();
            match state.request_end(&id, None) {
                Some(ended) => {
                    state.stats.calls_ended_by_control += u64::from(ended);
                    reply(StatusCode::OK, &json!({}))
                }
                None => not_found("Call"),
            }
        }
        Some("say" | "add-message" | "control" | "transfer") => reply(StatusCode::OK, &json!({})),
        _ => error(
            StatusCode::BAD_REQUEST,
            json!(["type must be a valid control message"]),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert!(is_e164("+14155550100"));
        assert!(is_e164("+4930123456"));
        assert!(!is_e164("14155550100"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+12345"));
        assert!(!is_e164("+1234567890123456"));
        assert!(!is_e164("+1415555O100"));
    }
}

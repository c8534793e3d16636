//! Examples for the OpenAPI document: one for every schema a request or a success response
//! carries, and for the bodies that are not schemas of their own (the forms, the CSV export,
//! the event streams, the webhook). They tell one story — a campaign of spring renewals — so
//! the ids in one example are the ids in the next. `scripts/check_examples.py` (run by CI's
//! contract check) validates each against its schema, and a unit test checks that none is
//! missing, so they cannot drift from what the server says.

use serde_json::{Value, json};

const CAMPAIGN: &str = "01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f";
/// The assistant the campaign-creation example names.
const ASSISTANT: &str = "01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f";
const OWNER: &str = "01938a10-2b4c-7d5e-8f60-718293a4b5c6";
const CONTACT: &str = "01938f2e-6d40-7a11-8c22-3d4e5f607182";
const CALL: &str = "01938f31-0a1b-7c2d-9e3f-405162738495";
const TOKEN: &str = "01938a10-2b4d-7e6f-8071-8293a4b5c6d7";
const ENTRY: &str = "01938f40-1122-7334-8556-6778899aabbc";
const CREATED: &str = "2026-12-01T15:04:05.000Z";
const STARTED: &str = "2026-12-01T15:10:00.000Z";
const FIRST_DIAL: &str = "2026-12-01T15:10:00.120Z";
const UPDATED: &str = "2026-12-01T15:42:17.315Z";

fn pagination(total: u64) -> Value {
    json!({ "page": 1, "limit": 50, "total": total, "totalPages": 1 })
}

fn counters() -> Value {
    json!({
        "totalContacts": 250, "pending": 118, "completed": 127, "active": 5,
        "successful": 41, "notAttempted": 0, "totalCost": 31.85
    })
}

fn campaign() -> Value {
    json!({
        "id": CAMPAIGN,
        "name": "Spring renewals",
        "status": "RUNNING",
        "mode": "continuous",
        "cap": 5,
        "assistantId": ASSISTANT,
        "assistantName": "Renewal reminder",
        "phoneNumberId": "ph_7c1d2e3f",
        "lineQuietGating": false,
        "callingHours": { "window": "09:00-18:00", "days": ["mon", "tue", "wed", "thu", "fri"], "timezone": "America/Los_Angeles" },
        "redial": { "maxAttempts": 3, "delaySeconds": 3600, "on": ["no-answer", "busy"] },
        "budgetUsd": 250.0,
        "safetyBrake": { "window": 20, "failureShare": 0.5, "failuresInARow": 5 },
        "ownerId": OWNER,
        "createdAt": CREATED,
        "updatedAt": UPDATED,
        "startedAt": STARTED,
        "counters": counters()
    })
}

fn assistant_dto() -> Value {
    json!({
        "id": ASSISTANT,
        "name": "Renewal reminder",
        "source": "template",
        "templateKey": "short-pitch",
        "providerAssistantId": "asst_5f0c1d2e",
        "config": { "firstMessage": "Hi, this is Sam from Lopez Insurance.", "model": { "provider": "openai", "model": "gpt-4o-mini" } },
        "active": true,
        "ephemeral": false,
        "createdAt": CREATED,
        "updatedAt": CREATED
    })
}

fn user() -> Value {
    json!({
        "id": OWNER, "name": "Olga Operator", "email": "olga@example.com", "role": "operator",
        "disabled": false, "allowlisted": true, "createdAt": CREATED, "updatedAt": CREATED
    })
}

fn token() -> Value {
    json!({
        "id": TOKEN, "name": "crm-sync", "prefix": "alx_3f9a", "createdAt": CREATED,
        "expiresAt": "2027-03-01T00:00:00.000Z", "lastUsedAt": UPDATED
    })
}

fn suppressed() -> Value {
    json!({
        "id": ENTRY, "phone": "+14155550123", "reason": "asked not to be called again",
        "source": "opt-out", "campaignId": CAMPAIGN, "callId": CALL, "createdAt": UPDATED
    })
}

fn status_reply(status: &str) -> Value {
    json!({ "id": CAMPAIGN, "status": status })
}

fn check(latency: f64) -> Value {
    json!({ "status": "healthy", "latencyMs": latency })
}

/// Examples of component schemas, by name.
fn schemas() -> Vec<(&'static str, Value)> {
    let mut detail = campaign();
    detail["settings"] = json!({
        "variableColumns": ["renewal_date"], "defaultRegion": "US", "sourceFile": "renewals.csv",
        "timezone": "America/Los_Angeles"
    });
    detail["timeline"] = json!({
        "createdAt": CREATED, "startedAt": STARTED, "firstDialAt": FIRST_DIAL,
        "estimatedCompletionAt": "2026-12-01T16:20:00.000Z"
    });
    detail["metrics"] = json!({
        "callsByStatus": { "ENDED": 131, "FAILED": 2, "IN_PROGRESS": 5 },
        "contactsByStatus": { "PENDING": 118, "DIALING": 5, "DONE": 127 },
        "successRate": 0.3228, "averageCost": 0.2412, "averageDurationSeconds": 48.6,
        "totalCost": 31.85
    });
    vec![
        ("AssistantDto", assistant_dto()),
        (
            "AssistantListDto",
            json!({ "items": [assistant_dto()], "pagination": pagination(1) }),
        ),
        (
            "TemplateDto",
            json!({
                "key": "short-pitch", "name": "Short pitch",
                "description": "A friendly 30-second pitch that books a follow-up.",
                "firstMessage": "Hi {{name}}, this is Sam calling about {{business_name}}.",
                "systemPrompt": "You are Sam, a polite caller. Keep it under a minute.",
                "config": { "maxDurationSeconds": 300 }
            }),
        ),
        (
            "CloneTemplateRequest",
            json!({ "name": "Renewal reminder" }),
        ),
        (
            "ImportAssistantRequest",
            json!({ "providerAssistantId": "asst_5f0c1d2e", "name": "Renewal reminder" }),
        ),
        (
            "UpdateAssistantRequest",
            json!({ "name": "Renewal reminder (v2)", "firstMessage": "Hi, Sam here from Lopez Insurance." }),
        ),
        ("CampaignDto", campaign()),
        (
            "CampaignListDto",
            json!({ "items": [campaign()], "pagination": pagination(1) }),
        ),
        ("CampaignDetailDto", detail),
        (
            "CreatedCampaignDto",
            json!({
                "campaignId": CAMPAIGN,
                "campaign": campaign(),
                "importReport": {
                    "totalRows": 252, "accepted": 250,
                    "skipped": [
                        { "row": 17, "reason": "invalid-phone", "detail": "not a valid number in US", "data": { "name": "Bo", "phone": "555" } }
                    ]
                }
            }),
        ),
        (
            "UpdateCampaignJson",
            json!({ "cap": 3, "callingHours": "10:00-17:00", "budgetUsd": 400.0 }),
        ),
        ("CampaignStatusReply", status_reply("PAUSED")),
        ("StopRequest", json!({ "mode": "finish" })),
        (
            "ContactListDto",
            json!({
                "items": [{
                    "id": CONTACT, "row": 2, "name": "Ada Lopez", "businessName": "Lopez Bakery",
                    "phone": "+14152345678", "phoneOriginal": "+1 415 234 5678", "batchIndex": 0,
                    "status": "DONE", "attempts": 1, "timezone": "America/Los_Angeles",
                    "variables": { "renewal_date": "2027-01-15" },
                    "latestCall": {
                        "id": CALL, "attempt": 1, "status": "ENDED", "outcome": "answered",
                        "endedReason": "customer-ended-call", "startedAt": "2026-12-01T15:10:04.000Z",
                        "endedAt": "2026-12-01T15:11:02.000Z", "durationSeconds": 58.0, "cost": 0.29,
                        "recordingUrl": "https://storage.vapi.ai/recordings/example.wav",
                        "summary": "Ada will renew; asked for the invoice by email.",
                        "successEvaluation": "true"
                    }
                }],
                "pagination": pagination(1),
                "summary": { "DONE": 1 }
            }),
        ),
        (
            "ErasureReport",
            json!({ "phone": "+14152345678", "contacts": 2, "calls": 3, "events": 11 }),
        ),
        (
            "HealthReport",
            json!({
                "status": "healthy", "version": env!("CARGO_PKG_VERSION"), "uptimeSeconds": 86400,
                "checks": {
                    "database": check(1.2),
                    "runtime": { "status": "healthy", "latencyMs": 0.3, "supervisors": 4 },
                    "provider": { "status": "healthy", "latencyMs": 84.0, "cached": true }
                },
                "warnings": []
            }),
        ),
        (
            "PhoneLineHealth",
            json!({
                "phoneNumberId": "ph_7c1d2e3f", "status": "busy", "liveCalls": 5,
                "checkedAt": UPDATED, "cached": false
            }),
        ),
        (
            "TickReport",
            json!({
                "processed": { "campaigns": 1, "callsLaunched": 0, "callsActive": 5, "callsQueued": 118 },
                "details": [{
                    "campaignId": CAMPAIGN, "status": "RUNNING", "adopted": false, "callsActive": 5,
                    "callsQueued": 118, "reconciled": 0, "unknownDials": 0
                }]
            }),
        ),
        ("UserDto", user()),
        (
            "MeDto",
            json!({ "user": user(), "tokenId": TOKEN, "tokenName": "olga-laptop" }),
        ),
        (
            "CreateUserRequest",
            json!({ "name": "Olga Operator", "email": "olga@example.com", "role": "operator" }),
        ),
        ("UpdateUserRequest", json!({ "role": "admin" })),
        ("TokenDto", token()),
        (
            "CreateTokenRequest",
            json!({ "name": "crm-sync", "expiresInDays": 90 }),
        ),
        (
            "CreatedTokenDto",
            json!({ "token": "alx_3f9a2c7e0b6d4f18a5c9e2b7d1f04a6c", "info": token() }),
        ),
        (
            "LoginLinkDto",
            json!({ "url": "https://calls.example.com/#/sign-in/alx_link_9d2f7c1e", "expiresAt": "2026-12-01T15:19:05.000Z" }),
        ),
        ("SuppressedNumberDto", suppressed()),
        (
            "SuppressionListDto",
            json!({ "items": [suppressed()], "pagination": pagination(1) }),
        ),
        (
            "AuditListDto",
            json!({
                "items": [{
                    "id": ENTRY, "action": "campaign.start", "actorUserId": OWNER,
                    "actorName": "Olga Operator", "targetType": "campaign", "targetId": CAMPAIGN,
                    "details": { "status": "QUEUED" }, "requestId": "req_6a1f", "createdAt": STARTED
                }],
                "pagination": pagination(1)
            }),
        ),
    ]
}

/// Examples of bodies that have no schema of their own: `(path, method, status or "request",
/// media type, example)`.
fn media() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Value,
)> {
    let call_event = json!({
        "type": "call", "campaignId": CAMPAIGN, "callId": CALL, "contactId": CONTACT,
        "status": "ENDED", "outcome": "answered", "endedReason": "customer-ended-call",
        "at": "2026-12-01T15:11:02.000Z"
    });
    let event = json!({ "event": "call", "id": "42", "data": call_event.to_string() });
    vec![
        (
            "/campaigns",
            "post",
            "request",
            "multipart/form-data",
            json!({
                "name": "Spring renewals",
                "assistantId": ASSISTANT,
                "contactsCsv": "name,business_name,phone,renewal_date\nAda Lopez,Lopez Bakery,+1 415 234 5678,2027-01-15\n",
                "cap": 5,
                "callingHours": "09:00-18:00",
                "callingDays": "mon-fri",
                "timezone": "America/Los_Angeles"
            }),
        ),
        (
            "/suppression/import",
            "post",
            "request",
            "multipart/form-data",
            json!({ "file": "phone,reason\n+1 415 555 0123,asked not to be called\n", "reason": "national registry" }),
        ),
        (
            "/webhooks/vapi",
            "post",
            "request",
            "application/json",
            json!({
                "message": {
                    "type": "status-update", "status": "in-progress", "timestamp": 1764601804000u64,
                    "call": { "id": "call_8d1e2f3a", "status": "in-progress", "metadata": { "autolynxCallId": CALL } }
                }
            }),
        ),
        (
            "/webhooks/vapi",
            "post",
            "200",
            "application/json; charset=utf-8",
            json!({}),
        ),
        (
            "/webhooks/vapi",
            "post",
            "202",
            "application/json; charset=utf-8",
            json!({ "status": "unknown-call" }),
        ),
        (
            "/campaigns/{id}/export.csv",
            "get",
            "200",
            "text/csv; charset=utf-8",
            json!(
                "name,business_name,phone,call_status,ended_reason,cost_usd,duration_seconds,recording_url,success_evaluation,transcript_summary,attempts,renewal_date\nAda Lopez,Lopez Bakery,+14152345678,ENDED,customer-ended-call,0.29,58,https://storage.vapi.ai/recordings/example.wav,true,Ada will renew.,1,2027-01-15\n"
            ),
        ),
        (
            "/campaigns/{id}/events",
            "get",
            "200",
            "text/event-stream",
            event.clone(),
        ),
        ("/events", "get", "200", "text/event-stream", event),
    ]
}

/// Adds the examples to the document (a schema's own example, where it has one, stays).
pub fn add(spec: &mut Value) {
    for (name, example) in schemas() {
        let schema = &mut spec["components"]["schemas"][name];
        assert!(
            schema.is_object(),
            "an example for {name}, which is not in the spec"
        );
        if schema.get("example").is_none() {
            schema["example"] = example;
        }
    }
    for (path, method, status, media_type, example) in media() {
        let op = &mut spec["paths"][path][method];
        let content = if status == "request" {
            &mut op["requestBody"]["content"][media_type]
        } else {
            &mut op["responses"][status]["content"][media_type]
        };
        assert!(
            content.is_object(),
            "no {media_type} body of {method} {path} ({status})"
        );
        content["example"] = example;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every request body and every success response has an example, its schema's or its own.
    #[test]
    fn every_body_has_an_example() {
        let spec = crate::http::openapi_document();
        let schemas = &spec["components"]["schemas"];
        let has_example = |content: &Value| {
            if content.get("example").is_some() {
                return true;
            }
            let schema = &content["schema"];
            let named = schema
                .get("$ref")
                .or_else(|| schema["items"].get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next());
            named.is_some_and(|name| schemas[name].get("example").is_some())
        };
        let mut missing = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let bodies = op["requestBody"]["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(mt, c)| (format!("request {mt}"), c));
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(code, _)| code.starts_with('2'))
                    .flat_map(|(code, r)| {
                        r["content"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(move |(mt, c)| (format!("{code} {mt}"), c))
                    });
                for (what, content) in bodies.chain(responses) {
                    if !has_example(content) {
                        missing.push(format!("{method} {path}: {what}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "no example: {missing:#?}");
    }

    /// Every operation has a summary, a description and one tag (generators and the docs
    /// need them).
    #[test]
    fn every_operation_is_described() {
        let spec = crate::http::openapi_document();
        let mut missing = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let text = |key: &str| op[key].as_str().is_some_and(|s| !s.trim().is_empty());
                if !text("summary") || !text("description") || !text("operationId") {
                    missing.push(format!("{method} {path}: summary, description or id"));
                }
                if op["tags"].as_array().map(Vec::len) != Some(1) {
                    missing.push(format!("{method} {path}: not exactly one tag"));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn the_campaign_example_names_the_example_assistant() {
        let spec = crate::http::openapi_document();
        assert_eq!(
            spec["components"]["schemas"]["CreateCampaignJson"]["example"]["assistantId"],
            ASSISTANT
        );
    }
}

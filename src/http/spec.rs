//! What the derive macros cannot say in the OpenAPI document, added to it in one place:
//! the links from each create operation to what can be done with its result (clients and
//! schemathesis' stateful phase follow them), and the type of `oneOf` unions (poem-openapi
//! marks every union `type: object`, which no array or string would match).

use serde_json::{Map, Value, json};

/// A link: its name, the target operationId, the target's path parameter, and the field of
/// the source's response body that fills it.
type Link = (&'static str, &'static str, &'static str, &'static str);

/// `(operationId, status, links)`: the links of each create operation's success response.
const LINKS: &[(&str, &str, &[Link])] = &[
    (
        "createCampaign",
        "201",
        &[
            ("GetCampaign", "getCampaign", "id", "campaignId"),
            ("StartCampaign", "startCampaign", "id", "campaignId"),
            ("PauseCampaign", "pauseCampaign", "id", "campaignId"),
            ("ResumeCampaign", "resumeCampaign", "id", "campaignId"),
            ("StopCampaign", "stopCampaign", "id", "campaignId"),
            (
                "ListCampaignContacts",
                "listCampaignContacts",
                "id",
                "campaignId",
            ),
            ("ExportCampaign", "exportCampaign", "id", "campaignId"),
            (
                "StreamCampaignEvents",
                "streamCampaignEvents",
                "id",
                "campaignId",
            ),
        ],
    ),
    (
        "createAssistant",
        "201",
        &[
            ("GetAssistant", "getAssistant", "id", "id"),
            ("UpdateAssistant", "updateAssistant", "id", "id"),
            ("DeleteAssistant", "deleteAssistant", "id", "id"),
        ],
    ),
    (
        "cloneAssistantTemplate",
        "201",
        &[
            ("GetAssistant", "getAssistant", "id", "id"),
            ("UpdateAssistant", "updateAssistant", "id", "id"),
            ("DeleteAssistant", "deleteAssistant", "id", "id"),
        ],
    ),
    (
        "addSuppressed",
        "201",
        &[("RemoveSuppressed", "removeSuppressed", "id", "id")],
    ),
    (
        "upsertUser",
        "201",
        &[
            ("UpdateUser", "updateUser", "id", "id"),
            ("ListUserTokens", "listUserTokens", "id", "id"),
            ("CreateUserToken", "createUserToken", "id", "id"),
        ],
    ),
];

/// Request fields holding a phone number "in any common format": `format: phone` tells
/// clients (and schemathesis, through `scripts/contract_hooks.py`) what a valid one is, which
/// no pattern can (validity depends on the country's numbering plan).
const PHONE_FIELDS: &[&str] = &["AddNumberRequest"];

/// Free-form Vapi objects in the assistant requests: any JSON object.
const OBJECT_FIELDS: &[(&str, &[&str])] = &[
    ("CreateAssistantRequest", &["model", "voice", "options"]),
    ("UpdateAssistantRequest", &["model", "voice", "options"]),
];

/// Integer formats and their ranges: poem-openapi declares the format but not the range a
/// Rust integer type can hold, so a client could send what the server cannot parse.
fn integer_range(format: &str) -> Option<(Value, Value)> {
    Some(match format {
        "uint32" => (json!(0), json!(u32::MAX)),
        "uint64" => (json!(0), json!(u64::MAX)),
        "int32" => (json!(i32::MIN), json!(i32::MAX)),
        "int64" => (json!(i64::MIN), json!(i64::MAX)),
        _ => return None,
    })
}

fn bound_integers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("integer"))
                && let Some((min, max)) = map
                    .get("format")
                    .and_then(Value::as_str)
                    .and_then(integer_range)
            {
                map.entry("minimum").or_insert(min);
                map.entry("maximum").or_insert(max);
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// poem-openapi documents a described reference as `allOf: [{$ref}, {description}]`; Python's
/// generator cannot take `allOf` of an enum, so it becomes the reference with the description
/// beside it (what 3.0 tools read the same way).
fn flatten_described_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let described_ref = map
                .get("allOf")
                .and_then(Value::as_array)
                .filter(|parts| parts.len() == 2 && parts[0].get("$ref").is_some())
                .filter(|parts| {
                    parts[1]
                        .as_object()
                        .is_some_and(|o| !o.contains_key("$ref"))
                })
                .cloned();
            if let Some(parts) = described_ref {
                map.remove("allOf");
                map.insert("$ref".to_owned(), parts[0]["$ref"].clone());
                for (key, extra) in parts[1].as_object().into_iter().flatten() {
                    map.entry(key.clone()).or_insert_with(|| extra.clone());
                }
            }
            map.values_mut().for_each(flatten_described_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(flatten_described_refs),
        _ => {}
    }
}

/// poem-openapi declares a Server-Sent Events body as `type: array, format: event-stream` of
/// its events. Before OpenAPI 3.2 (`itemSchema`), the schema of a `text/event-stream`
/// response describes one event as it is on the wire, which is what schemathesis checks each
/// event against: its `event` name and its `data`, JSON text whose schema is the `LiveEvent`.
fn event_stream_items(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    let responses = paths
        .values_mut()
        .flat_map(|item| item.as_object_mut().into_iter().flat_map(Map::values_mut))
        .filter_map(|op| op.get_mut("responses").and_then(Value::as_object_mut))
        .flat_map(Map::values_mut);
    for response in responses {
        if let Some(schema) = response
            .get_mut("content")
            .and_then(|content| content.get_mut("text/event-stream"))
            .and_then(|media| media.get_mut("schema"))
            && schema["format"] == "event-stream"
            && let Some(items) = schema.get("items").cloned()
        {
            *schema = json!({
                "type": "object",
                "required": ["event", "data"],
                "properties": {
                    "event": {
                        "type": "string",
                        "enum": ["snapshot", "call", "campaign", "counters", "end"],
                    },
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": items,
                    },
                    "id": { "type": "string" },
                    "retry": { "type": "integer", "minimum": 0 },
                },
            });
        }
    }
}

/// The multipart forms refuse fields they do not declare (422 naming the field): say so.
fn closed_forms(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    let forms = paths
        .values_mut()
        .flat_map(|item| item.as_object_mut().into_iter().flat_map(Map::values_mut))
        .filter_map(|op| {
            op.get_mut("requestBody")
                .and_then(|body| body.get_mut("content"))
                .and_then(|content| content.get_mut("multipart/form-data"))
                .and_then(|media| media.get_mut("schema"))
                .and_then(Value::as_object_mut)
        });
    for form in forms {
        form.insert("additionalProperties".to_owned(), json!(false));
    }
}

/// Applies the additions to the document poem-openapi generated.
pub fn refine(spec: &mut Value) {
    bound_integers(spec);
    flatten_described_refs(spec);
    event_stream_items(spec);
    closed_forms(spec);
    for name in PHONE_FIELDS {
        let phone = &mut spec["components"]["schemas"][*name]["properties"]["phone"];
        phone["format"] = json!("phone");
        phone["minLength"] = json!(1);
    }
    for (name, fields) in OBJECT_FIELDS {
        for field in *fields {
            spec["components"]["schemas"][*name]["properties"][*field]["type"] = json!("object");
        }
    }
    // The export is CSV text, not opaque bytes: clients hand it over as a string.
    if let Some(csv) = spec["paths"]["/campaigns/{id}/export.csv"]["get"]["responses"]["200"]
        ["content"]["text/csv; charset=utf-8"]
        .get_mut("schema")
    {
        *csv = json!({ "type": "string" });
    }
    if let Some(params) = spec["paths"]["/contacts"]["delete"]["parameters"].as_array_mut() {
        for param in params.iter_mut().filter(|p| p["name"] == "phone") {
            param["schema"]["format"] = json!("phone");
            param["schema"]["minLength"] = json!(1);
        }
    }
    for schema in spec["components"]["schemas"]
        .as_object_mut()
        .into_iter()
        .flat_map(Map::values_mut)
    {
        if schema.get("oneOf").is_some()
            && schema.get("discriminator").is_none()
            && let Some(schema) = schema.as_object_mut()
        {
            schema.remove("type");
        }
    }
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    for (source, status, links) in LINKS {
        let Some(response) = paths
            .values_mut()
            .flat_map(|item| item.as_object_mut().into_iter().flat_map(Map::values_mut))
            .find(|op| op["operationId"] == *source)
            .and_then(|op| op["responses"].get_mut(*status))
        else {
            panic!("no response {status} of {source} to link from");
        };
        let mut map = Map::new();
        for (name, target, parameter, field) in *links {
            map.insert(
                (*name).to_owned(),
                json!({
                    "operationId": target,
                    "parameters": { *parameter: format!("$response.body#/{field}") },
                }),
            );
        }
        response["links"] = Value::Object(map);
    }
}

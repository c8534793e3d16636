//! The committed OpenAPI document matches the code, and follows the API's conventions.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_spec_matches_the_code() {
    let generated: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let committed: Value = serde_json::from_str(COMMITTED).unwrap();
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn schema_properties_are_camel_case() {
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(props) = schema["properties"].as_object() {
            for prop in props.keys() {
                assert!(
                    !prop.contains('_') && !prop.contains('-'),
                    "{name}.{prop} is not camelCase"
                );
            }
        }
    }
}

#[tokio::test]
async fn spec_and_docs_are_served() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert_eq!(spec.body["info"]["title"], "autolynx");
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn absent_values_are_omitted_and_null_is_refused() {
    let app = spawn_app().await;
    // No body at all: the clone body is optional (curl -X POST with nothing).
    let clone = app
        .request(
            reqwest::Method::POST,
            "/api/assistants/templates/short-pitch/clone",
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(clone.status, StatusCode::CREATED, "{:?}", clone.body);
    assert_eq!(clone.body["templateKey"], "short-pitch");
    let created = app
        .request(
            reqwest::Method::POST,
            "/api/assistants",
            Some(&app.admin_token),
            Some(serde_json::json!({ "name": "plain" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let fields = created.body.as_object().unwrap();
    assert!(
        !fields.contains_key("templateKey"),
        "an absent value is omitted, not null: {fields:?}"
    );
    assert!(fields.values().all(|v| !v.is_null()), "{fields:?}");

    let null = app
        .request(
            reqwest::Method::POST,
            "/api/assistants/templates/short-pitch/clone",
            Some(&app.admin_token),
            Some(serde_json::json!({ "ephemeral": null })),
        )
        .await;
    assert_eq!(null.status, StatusCode::BAD_REQUEST, "{:?}", null.body);
    assert!(
        null.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("omit the field"),
        "{:?}",
        null.body
    );
}

#[tokio::test]
async fn an_undeclared_method_is_405_with_allow() {
    let app = spawn_app().await;
    let id = uuid::Uuid::new_v4();
    let resp = app
        .client
        .request(
            reqwest::Method::TRACE,
            app.url(&format!("/api/campaigns/{id}")),
        )
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "GET, PATCH, HEAD");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[test]
fn paging_limits_are_declared() {
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let params = spec["paths"]["/campaigns"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let find = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))["schema"]
            .clone()
    };
    assert_eq!(find("page")["minimum"], 1.0);
    assert_eq!(find("limit")["minimum"], 1.0);
    assert_eq!(find("limit")["maximum"], 100.0);
}

#[tokio::test]
async fn values_must_have_the_declared_json_type() {
    let app = spawn_app().await;
    for body in [
        serde_json::json!({ "name": false, "role": "operator" }),
        serde_json::json!({ "name": "x", "role": "operator", "email": 5 }),
    ] {
        let reply = app
            .request(
                reqwest::Method::POST,
                "/api/users",
                Some(&app.admin_token),
                Some(body.clone()),
            )
            .await;
        assert!(reply.status.is_client_error(), "{body}: {:?}", reply.body);
        assert!(reply.body["error"]["code"].is_string(), "{:?}", reply.body);
    }
    // Past the declared maximum page: refused, not an overflow.
    let far = app
        .get(
            "/api/campaigns?page=9223372036854775809",
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(
        far.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        far.body
    );
}

#[test]
fn unsigned_integers_declare_their_range() {
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let batch = spec["paths"]["/campaigns/{id}/contacts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "batch")
        .unwrap()["schema"]
        .clone();
    assert_eq!(batch["minimum"], 0);
    assert_eq!(batch["maximum"], u32::MAX);
    let contacts = &spec["components"]["schemas"]["CreateCampaignJson"]["properties"]["contacts"];
    assert!(contacts.is_object(), "{contacts}");
    let union = &spec["components"]["schemas"]["ContactsInput"];
    assert!(
        union.get("type").is_none(),
        "a oneOf of array|string: {union}"
    );
    // Described references are plain $ref (the Python generator cannot take allOf of an enum).
    let described = &spec["components"]["schemas"]["StopRequest"]["properties"]["mode"];
    assert!(described.get("allOf").is_none(), "{described}");
    assert_eq!(described["$ref"], "#/components/schemas/StopModeDto");
    let links = &spec["paths"]["/campaigns"]["post"]["responses"]["201"]["links"];
    assert_eq!(links["StartCampaign"]["operationId"], "startCampaign");
}

/// The characters a `[^...]` class of the spec's name patterns lists (the escapes it uses:
/// `\t`, `\n`, `\r`, `\xHH`, `\uHHHH`; ranges `a-b`; literal characters).
fn class_chars(pattern: &str) -> Vec<char> {
    let inner = pattern
        .strip_prefix("[^")
        .and_then(|p| p.strip_suffix(']'))
        .unwrap_or_else(|| panic!("not a negated class: {pattern}"));
    let mut singles = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if c == '\\' {
            match chars.next().unwrap() {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                k @ ('x' | 'u') => {
                    let digits: String = (0..if k == 'x' { 2 } else { 4 })
                        .map(|_| chars.next().unwrap())
                        .collect();
                    char::from_u32(u32::from_str_radix(&digits, 16).unwrap()).unwrap()
                }
                other => panic!("unexpected escape \\{other} in {pattern}"),
            }
        } else {
            c
        };
        singles.push(c);
    }
    // Expand `a-b` (a '-' between two entries).
    let mut out = Vec::new();
    let mut i = 0;
    while i < singles.len() {
        if i + 2 < singles.len() && singles[i + 1] == '-' {
            out.extend(singles[i]..=singles[i + 2]);
            i += 3;
        } else {
            out.push(singles[i]);
            i += 1;
        }
    }
    out
}

/// A name must not be blank, and "blank" means the same to a client checking the spec's
/// pattern as to the server: the pattern spells out the characters the server trims instead
/// of `\S`, which regex engines read differently (U+001F is space to Python, not to ECMA-262
/// or Rust; U+0085 and U+FEFF differ too).
#[test]
fn name_patterns_spell_out_what_the_server_trims() {
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let trimmed: Vec<char> = (0..=0xFFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| autolynx::http::common::trim(&c.to_string()).is_empty())
        .collect();
    let mut checked = 0;
    let mut stack = vec![&spec];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(pattern)) = map.get("pattern")
                    && map.get("minLength") == Some(&Value::from(1))
                {
                    assert_ne!(
                        pattern, "\\S",
                        "a name pattern reads differently per engine"
                    );
                    if pattern.starts_with("[^") {
                        let mut listed = class_chars(pattern);
                        listed.sort();
                        assert_eq!(listed, trimmed, "{pattern}");
                        checked += 1;
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert!(checked >= 10, "only {checked} name patterns found");
}

/// The main request bodies and the error envelope carry an example, and the request examples
/// are requests the server accepts as they stand (the campaign's with a real assistant).
#[tokio::test]
async fn main_operations_have_examples_the_server_accepts() {
    let spec: Value = serde_json::from_str(&autolynx::http::spec_json()).unwrap();
    let example = |name: &str| {
        let example = spec["components"]["schemas"][name]["example"].clone();
        assert!(example.is_object(), "{name} has no example");
        example
    };
    for name in ["ErrorEnvelope", "ImportReportDto", "ImportNumbersReport"] {
        example(name);
    }
    let app = spawn_app().await;
    let assistant = app
        .request(
            reqwest::Method::POST,
            "/api/assistants",
            Some(&app.admin_token),
            Some(example("CreateAssistantRequest")),
        )
        .await;
    assert_eq!(
        assistant.status,
        StatusCode::CREATED,
        "{:?}",
        assistant.body
    );
    let mut campaign = example("CreateCampaignJson");
    campaign["assistantId"] = assistant.body["id"].clone();
    let created = app
        .request(
            reqwest::Method::POST,
            "/api/campaigns",
            Some(&app.admin_token),
            Some(campaign),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(
        created.body["importReport"]["accepted"], 2,
        "{:?}",
        created.body
    );
    let listed = app
        .request(
            reqwest::Method::POST,
            "/api/suppression",
            Some(&app.admin_token),
            Some(example("AddNumberRequest")),
        )
        .await;
    assert_eq!(listed.status, StatusCode::CREATED, "{:?}", listed.body);
}

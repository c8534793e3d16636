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

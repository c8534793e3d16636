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

/// Applies the additions to the document poem-openapi generated.
pub fn refine(spec: &mut Value) {
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

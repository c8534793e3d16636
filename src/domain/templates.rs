//! Stock assistant templates and the Vapi assistant body they (and the create/update API)
//! build. Prompts use `{{name}}` and `{{business_name}}`: every campaign sends each contact's
//! columns to Vapi as `variableValues`, which fill those placeholders.

use serde_json::{Map, Value, json};

/// The model an assistant gets when none is given.
pub fn default_model() -> Value {
    json!({ "provider": "openai", "model": "gpt-4o-mini" })
}

/// The voice an assistant gets when none is given.
pub fn default_voice() -> Value {
    json!({ "provider": "vapi", "voiceId": "Elliot" })
}

/// Top-level assistant fields that have their own request field (or belong to the provider)
/// and so may not be set through `options`.
pub const RESERVED_OPTION_KEYS: &[&str] = &[
    "name",
    "firstMessage",
    "model",
    "voice",
    "id",
    "orgId",
    "createdAt",
    "updatedAt",
];

/// The parts of a Vapi assistant autolynx lets callers set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssistantSpec {
    pub name: String,
    pub first_message: Option<String>,
    /// Becomes the `system` message of `model.messages`.
    pub system_prompt: Option<String>,
    /// `{provider, model, ...}`; [`default_model`] when `None`.
    pub model: Option<Map<String, Value>>,
    /// `{provider, voiceId, ...}`; [`default_voice`] when `None`.
    pub voice: Option<Map<String, Value>>,
    /// Extra Vapi assistant fields merged in at the top level (`voicemailMessage`,
    /// `maxDurationSeconds`, `analysisPlan`, ...).
    pub options: Map<String, Value>,
}

impl AssistantSpec {
    /// The `POST /assistant` body:
    /// `{name, firstMessage, model: {...model, messages: [system]}, voice, ...options}`.
    pub fn vapi_body(&self) -> Value {
        let mut body = Map::new();
        for (k, v) in &self.options {
            body.insert(k.clone(), v.clone());
        }
        body.insert("name".into(), json!(self.name));
        if let Some(first) = &self.first_message {
            body.insert("firstMessage".into(), json!(first));
        }
        let model = self
            .model
            .clone()
            .map(Value::Object)
            .unwrap_or_else(default_model);
        body.insert(
            "model".into(),
            with_system_prompt(model, self.system_prompt.as_deref()),
        );
        let voice = self
            .voice
            .clone()
            .map(Value::Object)
            .unwrap_or_else(default_voice);
        body.insert("voice".into(), voice);
        Value::Object(body)
    }
}

/// `model` with its system message set to `prompt` (other messages kept after it); unchanged
/// when `prompt` is `None`.
pub fn with_system_prompt(model: Value, prompt: Option<&str>) -> Value {
    let Some(prompt) = prompt else {
        return model;
    };
    let mut model = match model {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let mut messages = vec![json!({ "role": "system", "content": prompt })];
    if let Some(Value::Array(existing)) = model.get("messages") {
        messages.extend(
            existing
                .iter()
                .filter(|m| m.get("role").and_then(Value::as_str) != Some("system"))
                .cloned(),
        );
    }
    model.insert("messages".into(), Value::Array(messages));
    Value::Object(model)
}

/// A stock assistant an admin can clone into the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub first_message: &'static str,
    pub system_prompt: &'static str,
    /// Extra Vapi fields, as JSON text (kept `const`; parsed by [`Template::options`]).
    options_json: &'static str,
}

impl Template {
    pub fn options(&self) -> Map<String, Value> {
        match serde_json::from_str(self.options_json) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// The spec a clone starts from, under `name` (the template's own name when `None`).
    pub fn spec(&self, name: Option<String>) -> AssistantSpec {
        AssistantSpec {
            name: name.unwrap_or_else(|| self.name.to_owned()),
            first_message: Some(self.first_message.to_owned()),
            system_prompt: Some(self.system_prompt.to_owned()),
            model: None,
            voice: None,
            options: self.options(),
        }
    }
}

pub const TEMPLATES: &[Template] = &[
    Template {
        key: "voicemail-friendly",
        name: "Voicemail-friendly callback",
        description: "Introduces itself briefly, and leaves a short callback message when a \
                      voicemail picks up instead of a person.",
        first_message: "Hi, is this {{name}}? I'm calling about {{business_name}} and will only \
                        take a minute.",
        system_prompt: "You are a polite outbound caller speaking with {{name}} of \
                        {{business_name}}. Explain in one or two sentences why you are calling \
                        and ask whether a short follow-up call would be welcome. If they are \
                        busy, offer to call back and ask for a better time. If they ask not to \
                        be called again, apologise, confirm it, and end the call. Never argue \
                        and never invent facts.",
        options_json: r#"{
            "voicemailMessage": "Hello, this is a quick message for {{business_name}}. We will try you again another time. Thank you and have a good day.",
            "maxDurationSeconds": 180,
            "endCallMessage": "Thank you for your time. Goodbye."
        }"#,
    },
    Template {
        key: "short-pitch",
        name: "Short pitch",
        description: "A thirty-second pitch that ends with one clear question: may we send \
                      details or book a follow-up?",
        first_message: "Hello {{name}}, thanks for picking up. Do you have thirty seconds?",
        system_prompt: "You are a friendly caller giving {{name}} at {{business_name}} a very \
                        short pitch. Keep every turn under three sentences. State the one main \
                        benefit, then ask a single question: would they like details by email \
                        or a follow-up call? Accept a no gracefully and end the call. If they \
                        ask not to be called again, confirm it and end the call.",
        options_json: r#"{
            "maxDurationSeconds": 120,
            "endCallMessage": "Thanks for listening. Goodbye."
        }"#,
    },
    Template {
        key: "discovery",
        name: "Discovery call",
        description: "Asks a few open questions to learn how the business works today and \
                      whether a follow-up makes sense.",
        first_message: "Hi {{name}}, I'm reaching out to learn a little about how \
                        {{business_name}} handles its day-to-day. Is now an okay time?",
        system_prompt: "You are a curious, respectful caller running a short discovery \
                        conversation with {{name}} of {{business_name}}. Ask at most three open \
                        questions, one at a time: what they use today, what takes them the \
                        most time, and what they would change. Listen, summarise what you \
                        heard in one sentence, and ask whether a follow-up would be useful. \
                        Do not pitch. If they ask not to be called again, confirm it and end \
                        the call.",
        options_json: r#"{
            "maxDurationSeconds": 420,
            "endCallMessage": "Thank you, that was really helpful. Goodbye."
        }"#,
    },
];

/// The stock template with this key.
pub fn find(key: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_have_unique_keys_and_valid_options() {
        let mut keys: Vec<_> = TEMPLATES.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TEMPLATES.len());
        for t in TEMPLATES {
            assert!(
                serde_json::from_str::<Map<String, Value>>(t.options_json).is_ok(),
                "{} options",
                t.key
            );
            assert!(t.name.chars().count() <= 40, "{} name too long", t.key);
            for key in t.options().keys() {
                assert!(!RESERVED_OPTION_KEYS.contains(&key.as_str()));
            }
        }
        assert!(find("discovery").is_some());
        assert!(find("nope").is_none());
    }

    #[test]
    fn body_puts_the_prompt_in_the_model_and_merges_options() {
        let spec = AssistantSpec {
            name: "A".into(),
            first_message: Some("Hi".into()),
            system_prompt: Some("Be kind".into()),
            model: None,
            voice: None,
            options: serde_json::from_value(json!({"maxDurationSeconds": 60})).unwrap(),
        };
        assert_eq!(
            spec.vapi_body(),
            json!({
                "name": "A",
                "firstMessage": "Hi",
                "model": {"provider": "openai", "model": "gpt-4o-mini",
                          "messages": [{"role": "system", "content": "Be kind"}]},
                "voice": {"provider": "vapi", "voiceId": "Elliot"},
                "maxDurationSeconds": 60,
            })
        );
    }

    #[test]
    fn system_prompt_replaces_only_the_system_message() {
        let model = json!({"provider": "openai", "messages": [
            {"role": "system", "content": "old"},
            {"role": "assistant", "content": "kept"},
        ]});
        assert_eq!(
            with_system_prompt(model.clone(), Some("new")),
            json!({"provider": "openai", "messages": [
                {"role": "system", "content": "new"},
                {"role": "assistant", "content": "kept"},
            ]})
        );
        assert_eq!(with_system_prompt(model.clone(), None), model);
    }
}

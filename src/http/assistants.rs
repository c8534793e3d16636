//! The assistant directory: assistants created here (and at the provider), imported from the
//! provider by id, or cloned from a stock template. Admins manage them; operators read them
//! and use them in campaigns. The provider is always changed first: a local row changes only
//! when the provider accepted the change.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use sea_orm::{IntoActiveModel, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::templates::{self, AssistantSpec, RESERVED_OPTION_KEYS, Template};
use crate::http::audit;
use crate::http::auth::BearerAuth;
use crate::http::common::{OptionalJson, PaginationDto, non_null, paging, strict, trim};
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::provider::ProviderError;
use crate::store;
use crate::store::assistants::{NewAssistant, Source};
use crate::store::entities::assistant;

/// Vapi limits assistant names to 40 characters.
const MAX_NAME_CHARS: usize = 40;

pub struct AssistantsApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SourceDto {
    /// Created through this API.
    Local,
    /// Imported from the provider by id.
    Imported,
    /// Cloned from a stock template.
    Template,
}

impl From<Source> for SourceDto {
    fn from(s: Source) -> Self {
        match s {
            Source::Local => SourceDto::Local,
            Source::Imported => SourceDto::Imported,
            Source::Template => SourceDto::Template,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct AssistantDto {
    pub id: Uuid,
    /// The provider's (Vapi) assistant id; campaigns dial with it.
    pub provider_assistant_id: Option<String>,
    pub name: String,
    pub source: SourceDto,
    /// The template it was cloned from (`source = template`).
    pub template_key: Option<String>,
    /// The Vapi assistant body as last sent to (or, for imports, read from) the provider.
    pub config: Value,
    /// Only active assistants can be used by new campaigns.
    pub active: bool,
    /// Deleting it also deletes it at the provider.
    pub ephemeral: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<assistant::Model> for AssistantDto {
    type Error = ApiError;

    fn try_from(m: assistant::Model) -> Result<Self, ApiError> {
        let source = Source::parse(&m.source).ok_or_else(|| {
            ApiError::internal(format!("assistant {} has source {}", m.id, m.source))
        })?;
        Ok(Self {
            id: m.id,
            provider_assistant_id: m.provider_assistant_id,
            name: m.name,
            source: source.into(),
            template_key: m.template_key,
            config: m.config_json,
            active: m.active,
            ephemeral: m.ephemeral,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct AssistantListDto {
    pub items: Vec<AssistantDto>,
    pub pagination: PaginationDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none, example)]
pub struct CreateAssistantRequest {
    /// 1–40 characters (Vapi's limit), not blank.
    #[oai(validator(
        min_length = 1,
        max_length = 40,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "strict")]
    pub name: String,
    /// What the assistant says when the call connects; `{{name}}`-style variables are filled
    /// from the contact's CSV columns.
    #[oai(deserialize_with = "non_null")]
    pub first_message: Option<String>,
    /// Becomes the system message of `model.messages`.
    #[oai(deserialize_with = "non_null")]
    pub system_prompt: Option<String>,
    /// Vapi `model` object; default `{"provider": "openai", "model": "gpt-4o-mini"}`.
    #[oai(deserialize_with = "non_null")]
    pub model: Option<Value>,
    /// Vapi `voice` object; default `{"provider": "vapi", "voiceId": "Elliot"}`.
    #[oai(deserialize_with = "non_null")]
    pub voice: Option<Value>,
    /// Extra Vapi assistant fields merged in at the top level (`voicemailMessage`,
    /// `maxDurationSeconds`, `analysisPlan`, ...). May not set `name`, `firstMessage`,
    /// `model` or `voice`.
    #[oai(deserialize_with = "non_null")]
    pub options: Option<Value>,
    /// Delete it at the provider too when it is deleted here. Default false.
    #[oai(deserialize_with = "non_null")]
    pub ephemeral: Option<bool>,
}

impl poem_openapi::types::Example for CreateAssistantRequest {
    fn example() -> Self {
        Self {
            name: "Renewals – Ava".to_owned(),
            first_message: Some(
                "Hi {{name}}, this is Ava from Acme about {{business_name}}'s renewal. Is now a good time?"
                    .to_owned(),
            ),
            system_prompt: Some(
                "You are Ava, a friendly renewals agent for Acme. Keep calls under two minutes."
                    .to_owned(),
            ),
            model: Some(json!({ "provider": "openai", "model": "gpt-4o-mini" })),
            voice: Some(json!({ "provider": "vapi", "voiceId": "Elliot" })),
            options: Some(json!({ "maxDurationSeconds": 180 })),
            ephemeral: Some(true),
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct ImportAssistantRequest {
    /// An existing assistant's id at the provider.
    #[oai(validator(
        min_length = 1,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "strict")]
    pub provider_assistant_id: String,
    /// The name shown here; defaults to the provider's name.
    #[oai(
        deserialize_with = "non_null",
        validator(
            min_length = 1,
            max_length = 40,
            pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct UpdateAssistantRequest {
    /// Also renamed at the provider.
    #[oai(
        deserialize_with = "non_null",
        validator(
            min_length = 1,
            max_length = 40,
            pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
    /// Local only: inactive assistants cannot be used by new campaigns.
    #[oai(deserialize_with = "non_null")]
    pub active: Option<bool>,
    #[oai(deserialize_with = "non_null")]
    pub first_message: Option<String>,
    /// Replaces the system message of the assistant's model.
    #[oai(deserialize_with = "non_null")]
    pub system_prompt: Option<String>,
    /// Replaces the whole Vapi `model` object (the system prompt is kept unless
    /// `systemPrompt` is given too).
    #[oai(deserialize_with = "non_null")]
    pub model: Option<Value>,
    /// Replaces the whole Vapi `voice` object.
    #[oai(deserialize_with = "non_null")]
    pub voice: Option<Value>,
    /// Top-level Vapi assistant fields to set.
    #[oai(deserialize_with = "non_null")]
    pub options: Option<Value>,
}

#[derive(Debug, Default, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CloneTemplateRequest {
    /// Defaults to the template's name.
    #[oai(
        deserialize_with = "non_null",
        validator(
            min_length = 1,
            max_length = 40,
            pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
    /// Default false.
    #[oai(deserialize_with = "non_null")]
    pub ephemeral: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TemplateDto {
    pub key: String,
    pub name: String,
    pub description: String,
    pub first_message: String,
    pub system_prompt: String,
    /// The Vapi assistant body a clone is created with.
    pub config: Value,
}

impl From<&Template> for TemplateDto {
    fn from(t: &Template) -> Self {
        Self {
            key: t.key.to_owned(),
            name: t.name.to_owned(),
            description: t.description.to_owned(),
            first_message: t.first_message.to_owned(),
            system_prompt: t.system_prompt.to_owned(),
            config: t.spec(None).vapi_body(),
        }
    }
}

#[derive(ApiResponse)]
pub enum ListResponse {
    #[oai(status = 200)]
    Ok(Json<AssistantListDto>),
}

#[derive(ApiResponse)]
pub enum CreateResponse {
    #[oai(status = 201)]
    Created(Json<AssistantDto>),
}

#[derive(ApiResponse)]
pub enum ImportResponse {
    /// The assistant was already in the directory; its name and config were refreshed.
    #[oai(status = 200)]
    Updated(Json<AssistantDto>),
    #[oai(status = 201)]
    Created(Json<AssistantDto>),
}

#[derive(ApiResponse)]
pub enum AssistantResponse {
    #[oai(status = 200)]
    Ok(Json<AssistantDto>),
}

#[derive(ApiResponse)]
pub enum DeleteResponse {
    #[oai(status = 204)]
    Deleted,
}

#[derive(ApiResponse)]
pub enum TemplateListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<TemplateDto>>),
}

#[OpenApi(tag = "ApiTags::Assistants")]
impl AssistantsApi {
    /// List assistants (name search, active filter, paginated).
    ///
    /// Every signed-in user may read the directory (operators pick an assistant for their
    /// campaigns). `search` matches the name, `active` filters by the active flag; deleted and
    /// ephemeral assistants are left out. Newest first.
    #[oai(path = "/assistants", method = "get", operation_id = "listAssistants")]
    async fn list(
        &self,
        _auth: BearerAuth,
        state: Data<&AppState>,
        /// Text the name contains (case-insensitive).
        q: Query<Option<String>>,
        active: Query<Option<bool>>,
        /// 1-based; at most 1,000,000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// 1–100, default 50.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u64>>,
    ) -> ApiResult<ListResponse> {
        let (page, limit) = paging(page.0, limit.0, 50, 100)?;
        let result = store::assistants::list(
            &state.db,
            store::assistants::ListFilter {
                q: q.0,
                active: active.0,
                page,
                limit,
            },
        )
        .await?;
        let pagination = PaginationDto::from(&result);
        let items = result
            .items
            .into_iter()
            .map(AssistantDto::try_from)
            .collect::<Result<_, _>>()?;
        Ok(ListResponse::Ok(Json(AssistantListDto {
            items,
            pagination,
        })))
    }

    /// Create an assistant at the provider and add it to the directory (admin).
    ///
    /// The stored `config` is the Vapi body that was sent:
    /// `{name, firstMessage, model: {...model, messages: [system prompt]}, voice, ...options}`.
    #[oai(
        path = "/assistants",
        method = "post",
        operation_id = "createAssistant"
    )]
    async fn create(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        body: Json<CreateAssistantRequest>,
    ) -> ApiResult<CreateResponse> {
        auth.0.require_admin()?;
        let req = body.0;
        let spec = AssistantSpec {
            name: valid_name(&req.name)?,
            first_message: req.first_message,
            system_prompt: req.system_prompt,
            model: optional_object("model", req.model)?,
            voice: optional_object("voice", req.voice)?,
            options: options(req.options)?,
        };
        let created = create_at_provider(
            &state,
            spec,
            Source::Local,
            None,
            req.ephemeral.unwrap_or(false),
            auth.0.id,
        )
        .await?;
        audit::record(
            &state,
            &auth.0,
            "assistant.create",
            "assistant",
            Some(created.id.to_string()),
            json!({
                "name": created.name,
                "providerAssistantId": created.provider_assistant_id,
                "ephemeral": created.ephemeral,
            }),
        )
        .await;
        Ok(CreateResponse::Created(Json(created.try_into()?)))
    }

    /// Import a provider assistant by its id (admin).
    ///
    /// The provider is asked for it first; an id it does not know is a 422. Importing the same
    /// id again refreshes the name and config instead of adding a row.
    #[oai(
        path = "/assistants/import",
        method = "post",
        operation_id = "importAssistant"
    )]
    async fn import(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        body: Json<ImportAssistantRequest>,
    ) -> ApiResult<ImportResponse> {
        auth.0.require_admin()?;
        let req = body.0;
        let provider_id = req.provider_assistant_id.trim().to_owned();
        if provider_id.is_empty() {
            return Err(ApiError::validation(
                "providerAssistantId",
                "must not be blank",
            ));
        }
        let name = req.name.as_deref().map(valid_name).transpose()?;
        let found = state
            .provider
            .get_assistant(&provider_id)
            .await
            .map_err(|e| {
                // The id names nothing at the provider: a 404 like any reference to a
                // missing resource, naming the field.
                provider_error(e, || {
                    ApiError::new(
                        poem::http::StatusCode::NOT_FOUND,
                        "not_found",
                        format!("the provider has no assistant with id {provider_id}"),
                    )
                    .with_details(json!({ "field": "providerAssistantId" }))
                })
            })?;
        let name = name
            .or_else(|| {
                found
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| format!("Imported {provider_id}"));
        let (model, created) =
            store::assistants::upsert_imported(&state.db, &found.id, name, found.raw, auth.0.id)
                .await?;
        audit::record(
            &state,
            &auth.0,
            "assistant.import",
            "assistant",
            Some(model.id.to_string()),
            json!({
                "name": model.name,
                "providerAssistantId": model.provider_assistant_id,
                "refreshed": !created,
            }),
        )
        .await;
        let dto = AssistantDto::try_from(model)?;
        Ok(if created {
            ImportResponse::Created(Json(dto))
        } else {
            ImportResponse::Updated(Json(dto))
        })
    }

    /// The stock templates an admin can clone.
    ///
    /// Stock assistants shipped with autolynx (a short pitch, an appointment setter, …), each with
    /// its first message, system prompt and Vapi configuration. Cloning one creates a real
    /// assistant at the provider.
    #[oai(
        path = "/assistants/templates",
        method = "get",
        operation_id = "listAssistantTemplates"
    )]
    async fn templates(&self, _auth: BearerAuth) -> ApiResult<TemplateListResponse> {
        Ok(TemplateListResponse::Ok(Json(
            templates::TEMPLATES.iter().map(TemplateDto::from).collect(),
        )))
    }

    /// Create an assistant from a stock template, at the provider and here (admin).
    ///
    /// The body is optional: `name` defaults to the template's, and `ephemeral: true` marks a
    /// throwaway assistant (tests, demos) that is deleted at the provider when removed here. 404
    /// for an unknown template key; 502 when the provider refuses or cannot be reached (nothing is
    /// stored then).
    #[oai(
        path = "/assistants/templates/:key/clone",
        method = "post",
        operation_id = "cloneAssistantTemplate"
    )]
    async fn clone_template(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        key: Path<String>,
        body: OptionalJson<CloneTemplateRequest>,
    ) -> ApiResult<CreateResponse> {
        auth.0.require_admin()?;
        let template = templates::find(&key.0).ok_or_else(|| ApiError::not_found("template"))?;
        let req = body.0.unwrap_or_default();
        let name = req.name.as_deref().map(valid_name).transpose()?;
        let created = create_at_provider(
            &state,
            template.spec(name),
            Source::Template,
            Some(template.key.to_owned()),
            req.ephemeral.unwrap_or(false),
            auth.0.id,
        )
        .await?;
        audit::record(
            &state,
            &auth.0,
            "assistant.clone",
            "assistant",
            Some(created.id.to_string()),
            json!({
                "name": created.name,
                "template": template.key,
                "providerAssistantId": created.provider_assistant_id,
                "ephemeral": created.ephemeral,
            }),
        )
        .await;
        Ok(CreateResponse::Created(Json(created.try_into()?)))
    }

    /// One assistant.
    ///
    /// Any signed-in user may read an assistant, with the Vapi configuration stored for it. 404
    /// when there is none with this id (or it was deleted).
    #[oai(
        path = "/assistants/:id",
        method = "get",
        operation_id = "getAssistant"
    )]
    async fn get(
        &self,
        _auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<AssistantResponse> {
        let found = find(&state, id.0).await?;
        Ok(AssistantResponse::Ok(Json(found.try_into()?)))
    }

    /// Change an assistant's name, active flag or configuration (admin).
    ///
    /// Name and configuration changes are made at the provider first; if the provider
    /// refuses, nothing changes here. `active` is local only.
    #[oai(
        path = "/assistants/:id",
        method = "patch",
        operation_id = "updateAssistant"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        body: Json<UpdateAssistantRequest>,
    ) -> ApiResult<AssistantResponse> {
        auth.0.require_admin()?;
        let req = body.0;
        let name = req.name.as_deref().map(valid_name).transpose()?;
        let model = optional_object("model", req.model)?;
        let voice = optional_object("voice", req.voice)?;
        let options = options(req.options)?;
        let current = find(&state, id.0).await?;

        let mut patch = options;
        if let Some(name) = &name {
            patch.insert("name".into(), json!(name));
        }
        if let Some(first) = req.first_message {
            patch.insert("firstMessage".into(), json!(first));
        }
        if model.is_some() || req.system_prompt.is_some() {
            let base = match model {
                Some(m) => Value::Object(m),
                None => current
                    .config_json
                    .get("model")
                    .filter(|m| m.is_object())
                    .cloned()
                    .unwrap_or_else(templates::default_model),
            };
            let prompt = req
                .system_prompt
                .or_else(|| system_prompt_of(&current.config_json));
            patch.insert(
                "model".into(),
                templates::with_system_prompt(base, prompt.as_deref()),
            );
        }
        if let Some(voice) = voice {
            patch.insert("voice".into(), Value::Object(voice));
        }

        // Which fields changed (not their values: prompts can be long and are in the config).
        let mut changed: Vec<String> = patch.keys().cloned().collect();
        if req.active.is_some() {
            changed.push("active".to_owned());
        }
        let mut config = current.config_json.clone();
        if !patch.is_empty() {
            let provider_id = provider_id_of(&current)?;
            state
                .provider
                .update_assistant(provider_id, &Value::Object(patch.clone()))
                .await
                .map_err(|e| provider_error(e, || gone_at_provider(provider_id)))?;
            if !config.is_object() {
                config = json!({});
            }
            if let Value::Object(c) = &mut config {
                c.extend(patch);
            }
        } else if req.active.is_none() {
            return Ok(AssistantResponse::Ok(Json(current.try_into()?)));
        }

        let mut row = current.into_active_model();
        if let Some(name) = name {
            row.name = Set(name);
        }
        if let Some(active) = req.active {
            row.active = Set(active);
        }
        row.config_json = Set(config);
        row.updated_at = Set(Utc::now());
        let saved = store::assistants::save(&state.db, row).await?;
        audit::record(
            &state,
            &auth.0,
            "assistant.update",
            "assistant",
            Some(saved.id.to_string()),
            json!({ "name": saved.name, "fields": changed, "active": saved.active }),
        )
        .await;
        Ok(AssistantResponse::Ok(Json(saved.try_into()?)))
    }

    /// Delete an assistant (admin).
    ///
    /// 409 while a campaign that is not COMPLETED, STOPPED or FAILED uses it; finished
    /// campaigns keep naming it. An ephemeral assistant is deleted at the provider too (first);
    /// others stay there.
    #[oai(
        path = "/assistants/:id",
        method = "delete",
        operation_id = "deleteAssistant"
    )]
    async fn delete(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<DeleteResponse> {
        auth.0.require_admin()?;
        let current = find(&state, id.0).await?;
        let campaigns =
            store::assistants::count_unfinished_campaigns(&state.db, current.id).await?;
        if campaigns > 0 {
            return Err(ApiError::conflict(format!(
                "{campaigns} campaign(s) that have not finished use this assistant: \
                 stop them or wait until they finish"
            ))
            .with_details(json!({ "campaigns": campaigns })));
        }
        if current.ephemeral
            && let Some(provider_id) = current.provider_assistant_id.as_deref()
        {
            match state.provider.delete_assistant(provider_id).await {
                // Already gone there: nothing left to delete.
                Ok(()) | Err(ProviderError::NotFound) => {}
                Err(e) => return Err(provider_error(e, || gone_at_provider(provider_id))),
            }
        }
        let (id, name, provider_id, ephemeral) = (
            current.id,
            current.name.clone(),
            current.provider_assistant_id.clone(),
            current.ephemeral,
        );
        store::assistants::mark_deleted(&state.db, current).await?;
        audit::record(
            &state,
            &auth.0,
            "assistant.delete",
            "assistant",
            Some(id.to_string()),
            json!({
                "name": name,
                "providerAssistantId": provider_id,
                "deletedAtProvider": ephemeral && provider_id.is_some(),
            }),
        )
        .await;
        Ok(DeleteResponse::Deleted)
    }
}

/// A live assistant, or 404.
async fn find(state: &AppState, id: Uuid) -> Result<assistant::Model, ApiError> {
    store::assistants::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("assistant"))
}

/// Creates the assistant at the provider, then stores it with the provider's id and the body
/// that was sent.
async fn create_at_provider(
    state: &AppState,
    spec: AssistantSpec,
    source: Source,
    template_key: Option<String>,
    ephemeral: bool,
    created_by: Uuid,
) -> Result<assistant::Model, ApiError> {
    let body = spec.vapi_body();
    let created = state.provider.create_assistant(&body).await.map_err(|e| {
        provider_error(e, || {
            ApiError::unavailable("the provider could not create the assistant")
        })
    })?;
    let stored = store::assistants::insert(
        &state.db,
        NewAssistant {
            provider_assistant_id: created.id.clone(),
            name: spec.name,
            source,
            template_key,
            config: body,
            ephemeral,
            created_by: Some(created_by),
        },
    )
    .await;
    match stored {
        Ok(model) => Ok(model),
        Err(e) => {
            // Not stored here: do not leave an assistant nobody can see at the provider.
            if let Err(cleanup) = state.provider.delete_assistant(&created.id).await {
                tracing::warn!(provider_assistant_id = %created.id, error = %cleanup,
                    "could not delete the provider assistant after failing to store it");
            }
            Err(e.into())
        }
    }
}

/// How a failed provider request is answered (the mapping lives in `http::error`); `not_found`
/// is what a 404 from the provider means for this operation (an unknown id to import, an
/// assistant deleted behind our back).
fn provider_error(err: ProviderError, not_found: impl FnOnce() -> ApiError) -> ApiError {
    tracing::warn!(error = %err, class = err.class(), "provider request for an assistant failed");
    match err {
        ProviderError::NotFound => not_found(),
        other => other.into(),
    }
}

/// The provider no longer has the assistant this row points at.
fn gone_at_provider(provider_id: &str) -> ApiError {
    ApiError::conflict(format!(
        "the provider no longer has assistant {provider_id}; import or create it again"
    ))
    .with_details(json!({ "providerAssistantId": provider_id }))
}

fn provider_id_of(row: &assistant::Model) -> Result<&str, ApiError> {
    row.provider_assistant_id.as_deref().ok_or_else(|| {
        ApiError::conflict("this assistant has no provider id, so it cannot be changed there")
    })
}

/// A trimmed name of 1–40 characters.
fn valid_name(name: &str) -> Result<String, ApiError> {
    let name = trim(name);
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::validation(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

fn optional_object(
    field: &str,
    value: Option<Value>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::validation(field, "must be a JSON object")),
    }
}

/// `options` as an object without the fields that have their own request field.
fn options(value: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    let options = optional_object("options", value)?.unwrap_or_default();
    if let Some(key) = options
        .keys()
        .find(|k| RESERVED_OPTION_KEYS.contains(&k.as_str()))
    {
        return Err(ApiError::validation(
            "options",
            format!("may not set `{key}` (use its own field, or leave it to the provider)"),
        ));
    }
    Ok(options)
}

/// The system message of a stored Vapi body's model, if any.
fn system_prompt_of(config: &Value) -> Option<String> {
    config
        .get("model")?
        .get("messages")?
        .as_array()?
        .iter()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("system"))?
        .get("content")?
        .as_str()
        .map(str::to_owned)
}

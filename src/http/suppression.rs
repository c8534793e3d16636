//! The do-not-call list (admins): numbers here are skipped at import and never dialed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi};
use uuid::Uuid;

use crate::domain::import::{PhoneE164, normalize_header};
use crate::http::audit;
use crate::http::auth::BearerAuth;
use crate::http::common::{PaginationDto, non_null, paging, strict};
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::store;
use crate::store::entities::suppression;

pub struct SuppressionApi;

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct SuppressedNumberDto {
    pub id: Uuid,
    /// E.164.
    pub phone: String,
    pub reason: Option<String>,
    pub added_by: Option<Uuid>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// How it was added: `manual` (this API), `import` (a list file) or `opt-out` (the person
    /// asked on a call). Absent for entries added before sources were recorded.
    pub source: Option<SuppressionSourceDto>,
    /// For an opt-out: the campaign the call belonged to.
    pub campaign_id: Option<Uuid>,
    /// For an opt-out: the call on which the person asked.
    pub call_id: Option<Uuid>,
}

/// How a number came onto the do-not-call list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename_all = "kebab-case")]
pub enum SuppressionSourceDto {
    Manual,
    Import,
    OptOut,
}

impl From<suppression::Model> for SuppressedNumberDto {
    fn from(m: suppression::Model) -> Self {
        Self {
            id: m.id,
            phone: m.phone_e164,
            reason: m.reason,
            added_by: m.added_by,
            created_at: m.created_at,
            source: m.source.as_deref().and_then(|s| match s {
                store::suppression::SOURCE_MANUAL => Some(SuppressionSourceDto::Manual),
                store::suppression::SOURCE_IMPORT => Some(SuppressionSourceDto::Import),
                store::suppression::SOURCE_OPT_OUT => Some(SuppressionSourceDto::OptOut),
                _ => None,
            }),
            campaign_id: m.campaign_id,
            call_id: m.call_id,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none, example)]
pub struct AddNumberRequest {
    /// Any common format; stored as E.164 (read with `campaigns.default_region`).
    #[oai(deserialize_with = "strict")]
    pub phone: String,
    #[oai(deserialize_with = "non_null")]
    pub reason: Option<String>,
}

#[derive(Debug, Multipart)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportNumbersForm {
    /// A text file: a CSV with a `phone` column (other columns ignored; an optional `reason`
    /// column is kept), or one number per line without a header. A file with NUL bytes is
    /// not text and is refused (422).
    pub file: Upload,
    /// Reason recorded for rows without their own.
    pub reason: Option<String>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct InvalidNumberDto {
    pub row: u64,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none, example)]
pub struct ImportNumbersReport {
    pub total_rows: u64,
    pub added: u64,
    pub already_listed: u64,
    pub invalid: Vec<InvalidNumberDto>,
}

impl poem_openapi::types::Example for AddNumberRequest {
    fn example() -> Self {
        Self {
            phone: "(415) 234-5678".to_owned(),
            reason: Some("asked not to be called again".to_owned()),
        }
    }
}

impl poem_openapi::types::Example for ImportNumbersReport {
    fn example() -> Self {
        Self {
            total_rows: 3,
            added: 1,
            already_listed: 1,
            invalid: vec![InvalidNumberDto {
                row: 3,
                value: "12345".to_owned(),
                reason: "not a phone number (too short)".to_owned(),
            }],
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct SuppressionListDto {
    pub items: Vec<SuppressedNumberDto>,
    pub pagination: PaginationDto,
}

#[derive(ApiResponse)]
pub enum ListResponse {
    #[oai(status = 200)]
    Ok(Json<SuppressionListDto>),
}

#[derive(ApiResponse)]
pub enum AddResponse {
    /// The number was already listed; nothing changed.
    #[oai(status = 200)]
    Existing(Json<SuppressedNumberDto>),
    #[oai(status = 201)]
    Created(Json<SuppressedNumberDto>),
}

#[derive(ApiResponse)]
pub enum ImportResponse {
    #[oai(status = 200)]
    Ok(Json<ImportNumbersReport>),
}

/// What an erasure removed.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct ErasureReport {
    /// E.164: now on the do-not-call list.
    pub phone: String,
    /// Contacts removed, across every campaign.
    pub contacts: u64,
    pub calls: u64,
    /// Stored webhook events of those calls.
    pub events: u64,
}

#[derive(ApiResponse)]
pub enum EraseResponse {
    #[oai(status = 200)]
    Ok(Json<ErasureReport>),
}

#[derive(ApiResponse)]
pub enum RemoveResponse {
    #[oai(status = 204)]
    Removed,
}

#[OpenApi(tag = "ApiTags::Suppression")]
impl SuppressionApi {
    /// List do-not-call numbers (admin).
    ///
    /// Search by number; newest first, paginated. Each entry says when and why it was added and by
    /// what (`manual`, `import`, or `opt-out` with the campaign and call it was heard on).
    #[oai(path = "/suppression", method = "get", operation_id = "listSuppressed")]
    async fn list(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        /// Digits the number contains.
        q: Query<Option<String>>,
        /// 1-based; at most 1,000,000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// 1–500, default 100.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
    ) -> ApiResult<ListResponse> {
        auth.0.require_admin()?;
        let (page, limit) = paging(page.0, limit.0, 100, 500)?;
        let result = store::suppression::list(&state.db, q.0.as_deref(), page, limit).await?;
        let pagination = PaginationDto::from(&result);
        Ok(ListResponse::Ok(Json(SuppressionListDto {
            items: result.items.into_iter().map(Into::into).collect(),
            pagination,
        })))
    }

    /// Add a number to the do-not-call list (admin).
    ///
    /// The number is read in any common format and stored in E.164; it is never dialed again, also
    /// by campaigns already running (each dial checks the list right before it is sent). 201 when
    /// added, 200 with the existing entry when it was already listed.
    #[oai(path = "/suppression", method = "post", operation_id = "addSuppressed")]
    async fn add(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        body: Json<AddNumberRequest>,
    ) -> ApiResult<AddResponse> {
        auth.0.require_admin()?;
        let region = region(&state)?;
        let phone = PhoneE164::parse(&body.0.phone, region)
            .map_err(|e| ApiError::validation("phone", e.to_string()))?;
        let reason = body
            .0
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let (entry, created) = store::suppression::add(
            &state.db,
            phone.as_str(),
            reason,
            Some(auth.0.id),
            store::suppression::SOURCE_MANUAL,
        )
        .await?;
        if created {
            audit::record(
                &state,
                &auth.0,
                "suppression.add",
                "suppression",
                Some(entry.id.to_string()),
                serde_json::json!({
                    "phone": crate::domain::import::mask_phone(&entry.phone_e164),
                    "reason": entry.reason,
                }),
            )
            .await;
        }
        Ok(if created {
            AddResponse::Created(Json(entry.into()))
        } else {
            AddResponse::Existing(Json(entry.into()))
        })
    }

    /// Erase a person's data (admin): the number's contacts in every campaign, their calls and
    /// events are deleted, and the number goes on the do-not-call list (right to erasure).
    ///
    /// 409 while a call to the number may be live; erasing twice finds nothing the second time.
    #[oai(path = "/contacts", method = "delete", operation_id = "eraseContact")]
    async fn erase(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        /// The person's number, in any common format (required).
        phone: Query<String>,
    ) -> ApiResult<EraseResponse> {
        auth.0.require_admin()?;
        let Some(phone) = Some(phone.0).filter(|p| !p.trim().is_empty()) else {
            return Err(ApiError::validation(
                "phone",
                "the number to erase is required",
            ));
        };
        let region = region(&state)?;
        let phone = PhoneE164::parse(&phone, region)
            .map_err(|e| ApiError::validation("phone", e.to_string()))?;
        let erased = store::suppression::erase(&state.db, phone.as_str(), Some(auth.0.id))
            .await
            .map_err(|e| match e {
                store::suppression::EraseError::Live => ApiError::conflict(
                    "a call to this number is in progress; erase it once the call has ended",
                )
                .with_details(serde_json::json!({ "field": "phone" })),
                store::suppression::EraseError::Db(e) => e.into(),
            })?;
        audit::record(
            &state,
            &auth.0,
            "contact.erase",
            "contact",
            None,
            serde_json::json!({
                "phone": crate::domain::import::mask_phone(phone.as_str()),
                "contacts": erased.contacts,
                "calls": erased.calls,
                "events": erased.events,
            }),
        )
        .await;
        Ok(EraseResponse::Ok(Json(ErasureReport {
            phone: phone.as_str().to_owned(),
            contacts: erased.contacts,
            calls: erased.calls,
            events: erased.events,
        })))
    }

    /// Add every number of a CSV upload to the do-not-call list (admin).
    ///
    /// The report counts the rows added, already listed and invalid (a row whose number
    /// cannot be read, bytes that are not UTF-8 included, is reported and skipped; the rest
    /// of the file still goes on the list). A file that is not text at all (it holds NUL
    /// bytes: an image, a spreadsheet, UTF-16) or is not readable CSV is refused whole with
    /// 422 naming `file`.
    #[oai(
        path = "/suppression/import",
        method = "post",
        operation_id = "importSuppressed"
    )]
    async fn import(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        form: ImportNumbersForm,
    ) -> ApiResult<ImportResponse> {
        auth.0.require_admin()?;
        state
            .rate_limits
            .check(crate::http::ratelimit::Budget::Upload, auth.0.id)?;
        let region = region(&state)?;
        let default_reason = form
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let file_name = form.file.file_name().map(str::to_owned);
        let bytes = form
            .file
            .into_vec()
            .await
            .map_err(|e| ApiError::bad_request(format!("could not read the upload: {e}")))?;
        let rows = read_rows(&bytes).map_err(|e| ApiError::validation("file", e))?;
        let mut report = ImportNumbersReport {
            total_rows: rows.len() as u64,
            added: 0,
            already_listed: 0,
            invalid: Vec::new(),
        };
        for (index, (value, reason)) in rows.into_iter().enumerate() {
            let row = index as u64 + 1;
            match PhoneE164::parse(&value, region) {
                Ok(phone) => {
                    let reason = reason.or_else(|| default_reason.clone());
                    let (_, created) = store::suppression::add(
                        &state.db,
                        phone.as_str(),
                        reason,
                        Some(auth.0.id),
                        store::suppression::SOURCE_IMPORT,
                    )
                    .await?;
                    if created {
                        report.added += 1;
                    } else {
                        report.already_listed += 1;
                    }
                }
                Err(e) => report.invalid.push(InvalidNumberDto {
                    row,
                    value,
                    reason: e.to_string(),
                }),
            }
        }
        // The list's date: the health check warns once the newest is a month old.
        store::suppression::record_import(
            &state.db,
            file_name,
            report.total_rows,
            report.added,
            Some(auth.0.id),
        )
        .await?;
        audit::record(
            &state,
            &auth.0,
            "suppression.import",
            "suppression",
            None,
            serde_json::json!({
                "totalRows": report.total_rows,
                "added": report.added,
                "alreadyListed": report.already_listed,
                "invalid": report.invalid.len(),
                "reason": default_reason,
            }),
        )
        .await;
        Ok(ImportResponse::Ok(Json(report)))
    }

    /// Remove a number from the do-not-call list (admin).
    ///
    /// The number may be dialed again by campaigns created or running from now on. 404 when there
    /// is no such entry.
    #[oai(
        path = "/suppression/:id",
        method = "delete",
        operation_id = "removeSuppressed"
    )]
    async fn remove(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<RemoveResponse> {
        auth.0.require_admin()?;
        if store::suppression::remove(&state.db, id.0).await? {
            audit::record(
                &state,
                &auth.0,
                "suppression.remove",
                "suppression",
                Some(id.0.to_string()),
                serde_json::json!({}),
            )
            .await;
            Ok(RemoveResponse::Removed)
        } else {
            Err(ApiError::not_found("do-not-call entry"))
        }
    }
}

/// Why a file with NUL bytes is refused (422 naming `file`).
const NOT_TEXT: &str = "is not a text file (it holds NUL bytes: an image, a spreadsheet or \
     UTF-16 text?); upload a CSV with a `phone` column, or one number per line, as UTF-8";

fn region(state: &AppState) -> Result<phonenumber::country::Id, ApiError> {
    state
        .settings
        .campaigns
        .default_region
        .parse()
        .map_err(|_| ApiError::internal("campaigns.default_region is not a region"))
}

/// (number, reason) per data row: a CSV with a `phone` column, or bare numbers one per line.
/// Bytes that are not UTF-8 are read as U+FFFD: the rows they spoil are reported invalid one
/// by one, and the numbers around them still go on the list (refusing a whole do-not-call
/// file over one badly encoded reason would leave every number in it callable). A file with
/// NUL bytes is not text in any 8-bit encoding (an image, a spreadsheet, UTF-16): it is
/// refused whole, since reading it would only report every "row" invalid under a 200.
fn read_rows(bytes: &[u8]) -> Result<Vec<(String, Option<String>)>, String> {
    if bytes.contains(&0) {
        return Err(NOT_TEXT.to_owned());
    }
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let Some(first) = records.next().transpose().map_err(|e| e.to_string())? else {
        return Ok(Vec::new());
    };
    let headers: BTreeMap<String, usize> = first
        .iter()
        .enumerate()
        .map(|(i, h)| (normalize_header(h), i))
        .collect();
    let (phone_col, reason_col, mut rows) = match headers.get("phone") {
        Some(&col) => (col, headers.get("reason").copied(), Vec::new()),
        None => (
            0,
            None,
            vec![(first.get(0).unwrap_or("").trim().to_owned(), None)],
        ),
    };
    for record in records {
        let record = record.map_err(|e| e.to_string())?;
        let value = record.get(phone_col).unwrap_or("").trim().to_owned();
        if value.is_empty() && record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let reason = reason_col
            .and_then(|c| record.get(c))
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        rows.push((value, reason));
    }
    Ok(rows)
}

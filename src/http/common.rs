//! Pieces shared by the resource APIs: pagination and ownership scope.

use poem_openapi::Object;
use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult};
use serde_json::Value;

use crate::http::auth::AuthUser;
use crate::http::error::ApiError;
use crate::store::Page;

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct PaginationDto {
    /// 1-based page number.
    pub page: u64,
    pub limit: u64,
    /// Items matching the filters, over all pages.
    pub total: u64,
    pub total_pages: u64,
}

impl<T> From<&Page<T>> for PaginationDto {
    fn from(p: &Page<T>) -> Self {
        Self {
            page: p.page,
            limit: p.limit,
            total: p.total,
            total_pages: p.total_pages(),
        }
    }
}

/// Validated `page` and `limit` query parameters (422 naming the parameter otherwise).
pub fn paging(
    page: Option<u64>,
    limit: Option<u64>,
    default_limit: u64,
    max_limit: u64,
) -> Result<(u64, u64), ApiError> {
    let page = page.unwrap_or(1);
    if page == 0 {
        return Err(ApiError::validation("page", "must be 1 or more"));
    }
    let limit = limit.unwrap_or(default_limit);
    if limit == 0 || limit > max_limit {
        return Err(ApiError::validation(
            "limit",
            format!("must be between 1 and {max_limit}"),
        ));
    }
    Ok((page, limit))
}

/// The owner filter for campaign queries: admins see every campaign, operators their own.
pub fn owner_scope(user: &AuthUser) -> Option<uuid::Uuid> {
    (!user.is_admin()).then_some(user.id)
}

/// An optional JSON body: absent (no body, or no content type) is `None`, present must be
/// valid JSON of `T`.
pub struct OptionalJson<T>(pub Option<T>);

impl<'a, T> poem_openapi::ApiExtractor<'a> for OptionalJson<T>
where
    T: poem_openapi::types::ParseFromJSON + poem_openapi::types::ToJSON,
{
    const TYPES: &'static [poem_openapi::ApiExtractorType] =
        &[poem_openapi::ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut poem_openapi::registry::Registry) {
        <T as poem_openapi::types::Type>::register(registry);
    }

    fn request_meta() -> Option<poem_openapi::registry::MetaRequest> {
        Some(poem_openapi::registry::MetaRequest {
            description: None,
            content: vec![poem_openapi::registry::MetaMediaType {
                content_type: "application/json; charset=utf-8",
                schema: <T as poem_openapi::types::Type>::schema_ref(),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a poem::Request,
        body: &mut poem::RequestBody,
        _param_opts: poem_openapi::ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let bytes = body.take()?.into_bytes().await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        if let Some(ct) = request.content_type()
            && !ct.starts_with("application/json")
        {
            return Err(poem_openapi::error::ContentTypeError::NotSupported {
                content_type: ct.to_owned(),
            }
            .into());
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
        T::parse_from_json(Some(value))
            .map(|v| Self(Some(v)))
            .map_err(|e| ApiError::bad_request(e.into_message()).into())
    }
}

/// Deserializes an optional request field under the API's one rule for absent values: an
/// absent field is omitted, never `null` (responses omit theirs too). `null` is refused with
/// a message naming the fix, so a client never wonders whether `null` meant "clear" or
/// "leave alone". The value must also have the JSON type the spec declares (see [`strict`]).
pub fn non_null<T>(value: Option<Value>) -> ParseResult<Option<T>>
where
    T: ParseFromJSON,
{
    match value {
        Some(Value::Null) => Err(ParseError::custom(
            "null is not accepted: omit the field instead",
        )),
        Some(value) => strict::<T>(Some(value))
            .map(Some)
            .map_err(ParseError::propagate),
        None => Ok(None),
    }
}

/// Deserializes a request field only from the JSON type its schema declares: poem-openapi
/// would read `false` or `5` into a string field, which the spec says is not a string.
pub fn strict<T>(value: Option<Value>) -> ParseResult<T>
where
    T: ParseFromJSON,
{
    if let (Some(value), MetaSchemaRef::Inline(schema)) = (&value, T::schema_ref()) {
        let matches = match schema.ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            _ => true,
        };
        if !matches {
            return Err(ParseError::custom(format!("expected {}", schema.ty)));
        }
    }
    T::parse_from_json(value)
}

/// Trims what a name may not start or end with: Unicode white space (Rust's
/// `char::is_whitespace`) and the ASCII separators U+001C–U+001F (which Python counts as
/// space). The spec's name patterns spell out the same set — a name must hold one character
/// outside it — rather than `\S`, whose meaning differs between regex engines (ECMA-262's
/// and Rust's leave out U+001C–U+001F, and disagree on U+0085 and U+FEFF), so "blank" means
/// the same to every client checking the pattern and to the server.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A moment in a JSON body, RFC 3339 (`2026-12-24T09:00:00Z`, or with an offset), read in
/// words that name `field` so a malformed one is a 422 naming it, not a bare parse error.
fn timestamp_in(field: &str, value: Value) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("field `{field}`: expected an RFC 3339 time as a string"))?;
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&chrono::Utc))
        .map_err(|e| {
            format!(
                "field `{field}`: {text:?} is not an RFC 3339 time like 2026-12-24T09:00:00Z ({e})"
            )
        })
}

/// `startAt` where it may be given or omitted (never `null`).
pub fn start_at(value: Option<Value>) -> ParseResult<Option<chrono::DateTime<chrono::Utc>>> {
    match value {
        Some(Value::Null) => Err(ParseError::custom(
            "field `startAt`: null is not accepted: omit the field instead",
        )),
        Some(value) => timestamp_in("startAt", value)
            .map(Some)
            .map_err(ParseError::custom),
        None => Ok(None),
    }
}

/// `startAt` in an edit: omitted leaves it, `null` removes it.
pub fn start_at_edit(
    value: Option<Value>,
) -> ParseResult<poem_openapi::types::MaybeUndefined<chrono::DateTime<chrono::Utc>>> {
    use poem_openapi::types::MaybeUndefined;
    match value {
        None => Ok(MaybeUndefined::Undefined),
        Some(Value::Null) => Ok(MaybeUndefined::Null),
        Some(value) => timestamp_in("startAt", value)
            .map(MaybeUndefined::Value)
            .map_err(ParseError::custom),
    }
}

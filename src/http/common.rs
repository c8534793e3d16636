//! Pieces shared by the resource APIs: pagination and ownership scope.

use poem_openapi::Object;

use crate::http::auth::AuthUser;
use crate::http::error::ApiError;
use crate::store::Page;

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
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

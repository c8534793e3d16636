//! Campaigns: creation from a CSV upload (with the import report), listings with live
//! counters, detail with metrics, contacts with their latest call, and the streaming export.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::brake::BrakeRules;
use chrono::{DateTime, Utc};
use poem::Body;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Enum, Multipart, Object, OpenApi, Union};
use serde_json::json;
use uuid::Uuid;

use crate::config::CampaignSettings;
use crate::domain::campaign::{CampaignMode, CampaignStatus, ContactStatus};
use crate::domain::hours::{self, CallingHours, CallingHoursView, Schedule};
use crate::domain::import::{ImportError, ImportOptions, ImportTally, parse_contacts_each};
use crate::domain::redial::{self, RedialError, RedialPolicy};
use crate::http::audit;
use crate::http::auth::{AuthUser, BearerAuth};
use crate::http::common::{
    OptionalJson, PaginationDto, non_null, owner_scope, paging, strict, trim,
};
use crate::http::error::{ApiError, ApiResult};
use crate::http::live::CallStatusDto;
use crate::http::ratelimit::Budget;
use crate::http::{ApiTags, AppState, export};
use crate::runtime::{Command, StopMode};
use crate::store;
use crate::store::campaigns::{CampaignFilter, ContactFilter, Counters, NewCampaign, NewContact};
use crate::store::entities::{call, campaign, contact};

pub struct CampaignsApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignStatusDto {
    Created,
    Queued,
    Dialing,
    Running,
    Paused,
    Completed,
    Stopped,
    Failed,
}

/// Why a campaign is PAUSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "kebab-case")]
pub enum PauseReasonDto {
    /// An operator paused it.
    Operator,
    /// Its safety brake: too many of its recent calls failed.
    SafetyBrake,
    /// Its spend reached its budget.
    BudgetReached,
}

impl PauseReasonDto {
    /// The reason as stored (an unknown stored value reads as the operator's).
    pub fn parse(stored: &str) -> Self {
        match stored {
            crate::store::campaigns::PAUSED_BY_SAFETY_BRAKE => Self::SafetyBrake,
            crate::store::campaigns::PAUSED_BY_BUDGET => Self::BudgetReached,
            _ => Self::Operator,
        }
    }
}

/// What an ended call means for the contact (our classification of Vapi's `endedReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "kebab-case")]
pub enum OutcomeDto {
    Answered,
    NoAnswer,
    Busy,
    Voicemail,
    InvalidNumber,
    RetryableError,
    PermanentError,
    Unknown,
}

impl OutcomeDto {
    fn parse(stored: &str) -> Option<Self> {
        use crate::domain::ended_reason::EndedReasonClass as C;
        Some(match C::parse(stored)? {
            C::Answered => Self::Answered,
            C::NoAnswer => Self::NoAnswer,
            C::Busy => Self::Busy,
            C::Voicemail => Self::Voicemail,
            C::InvalidNumber => Self::InvalidNumber,
            C::RetryableError => Self::RetryableError,
            C::PermanentError => Self::PermanentError,
            C::Unknown => Self::Unknown,
        })
    }
}

impl From<CampaignStatus> for CampaignStatusDto {
    fn from(s: CampaignStatus) -> Self {
        match s {
            CampaignStatus::Created => Self::Created,
            CampaignStatus::Queued => Self::Queued,
            CampaignStatus::Dialing => Self::Dialing,
            CampaignStatus::Running => Self::Running,
            CampaignStatus::Paused => Self::Paused,
            CampaignStatus::Completed => Self::Completed,
            CampaignStatus::Stopped => Self::Stopped,
            CampaignStatus::Failed => Self::Failed,
        }
    }
}

impl From<CampaignStatusDto> for CampaignStatus {
    fn from(s: CampaignStatusDto) -> Self {
        match s {
            CampaignStatusDto::Created => Self::Created,
            CampaignStatusDto::Queued => Self::Queued,
            CampaignStatusDto::Dialing => Self::Dialing,
            CampaignStatusDto::Running => Self::Running,
            CampaignStatusDto::Paused => Self::Paused,
            CampaignStatusDto::Completed => Self::Completed,
            CampaignStatusDto::Stopped => Self::Stopped,
            CampaignStatusDto::Failed => Self::Failed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum CampaignModeDto {
    /// Keep up to `cap` calls live at all times.
    Continuous,
    /// Batch N+1 starts only when every call of batch N is terminal (batches of `cap`).
    Batch,
}

impl From<CampaignModeDto> for CampaignMode {
    fn from(m: CampaignModeDto) -> Self {
        match m {
            CampaignModeDto::Continuous => CampaignMode::Continuous,
            CampaignModeDto::Batch => CampaignMode::Batch,
        }
    }
}

/// A contact's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactStatusDto {
    /// Waiting to be dialed (or for its redial).
    Pending,
    /// A call is being placed or is live.
    Dialing,
    /// Settled with its final outcome.
    Done,
    /// Never dialed: the campaign was stopped first.
    NotAttempted,
}

impl From<ContactStatus> for ContactStatusDto {
    fn from(s: ContactStatus) -> Self {
        match s {
            ContactStatus::Pending => Self::Pending,
            ContactStatus::Dialing => Self::Dialing,
            ContactStatus::Done => Self::Done,
            ContactStatus::NotAttempted => Self::NotAttempted,
        }
    }
}

impl From<ContactStatusDto> for ContactStatus {
    fn from(s: ContactStatusDto) -> Self {
        match s {
            ContactStatusDto::Pending => ContactStatus::Pending,
            ContactStatusDto::Dialing => ContactStatus::Dialing,
            ContactStatusDto::Done => ContactStatus::Done,
            ContactStatusDto::NotAttempted => ContactStatus::NotAttempted,
        }
    }
}

/// `POST /api/campaigns` form.
#[derive(Debug, Multipart)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCampaignForm {
    /// The contacts: a CSV with `name`, `business_name` and `phone` columns (any case and
    /// spacing); every other column becomes a variable passed to the assistant.
    pub contacts_csv: Upload,
    /// 1–200 characters, not blank.
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    pub name: String,
    /// Most calls live at once (1–50). Default: `campaigns.default_cap`.
    #[oai(validator(minimum(value = "1"), maximum(value = "50")))]
    pub cap: Option<u32>,
    /// Default `continuous`; `batch` is refused (422 `feature_disabled`) when
    /// `features.strict_batching` is off.
    pub mode: Option<CampaignModeDto>,
    /// An active assistant from the directory (404 when there is none with this id or it was
    /// deleted).
    pub assistant_id: Uuid,
    /// Vapi phone number to dial from. Default: `vapi.phone_number_id`.
    pub phone_number_id: Option<String>,
    /// Also wait until the phone line has no live calls before dialing.
    pub line_quiet_gating: Option<bool>,
    /// Daily calling window in each contact's local time, `"HH:MM-HH:MM"` (an end before the
    /// start runs overnight), or `"any"`. Default: `campaigns.calling_hours`.
    pub calling_hours: Option<String>,
    /// Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`. Default:
    /// `campaigns.calling_days`.
    pub calling_days: Option<String>,
    /// IANA time zone of contacts whose row has no `timezone` cell. Default:
    /// `campaigns.timezone`.
    pub timezone: Option<String>,
    /// Attempts per contact, the first included (1–10; 1 = never redial). Default:
    /// `campaigns.max_attempts`.
    #[oai(validator(minimum(value = "1"), maximum(value = "10")))]
    pub max_attempts: Option<u32>,
    /// Seconds between an unanswered attempt and the next. Default:
    /// `campaigns.redial_delay_secs`.
    #[oai(validator(minimum(value = "1"), maximum(value = "604800")))]
    pub redial_delay_seconds: Option<u64>,
    /// Outcomes that lead to a redial, comma-separated: `no-answer`, `busy`, `voicemail`,
    /// `retryable-error`. Default (also when it names none): `campaigns.redial_on`. The
    /// pattern: outcomes separated by commas, white space (as Rust's `trim` counts it) around
    /// each, empty items ignored.
    #[oai(validator(
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?(,[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?)*$"
    ))]
    pub redial_on: Option<String>,
    /// Spend limit in US dollars: the campaign pauses itself (`budget-reached`) before its
    /// spend can pass it. Default: `campaigns.budget_usd` (0: none).
    #[oai(validator(minimum(value = "0.01"), maximum(value = "10000000")))]
    pub budget_usd: Option<f64>,
    /// Scheduled start (RFC 3339): once started, the campaign waits (QUEUED) and places its
    /// first call at this moment. In the future, within a year. Default: none (at once).
    pub start_at: Option<DateTime<Utc>>,
    /// Safety brake: finished calls the failure share is measured over (0: that rule off).
    /// Default: `campaigns.safety_brake_window`.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000")))]
    pub safety_brake_window: Option<u32>,
    /// Safety brake: the share of failed calls in the window that pauses the campaign (above
    /// 0, up to 1). Default: `campaigns.safety_brake_failure_share`.
    #[oai(validator(minimum(value = "0", exclusive), maximum(value = "1")))]
    pub safety_brake_failure_share: Option<f64>,
    /// Safety brake: failed calls in a row that pause the campaign (0: that rule off).
    /// Default: `campaigns.safety_brake_failures_in_a_row`.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000")))]
    pub safety_brake_failures_in_a_row: Option<u32>,
}

/// `POST /api/campaigns` as JSON: the form's fields, with the contacts in the body.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none, example)]
pub struct CreateCampaignJson {
    /// 1–200 characters, not blank.
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    ))]
    #[oai(deserialize_with = "strict")]
    pub name: String,
    /// An active assistant from the directory (404 when there is none with this id or it was
    /// deleted).
    pub assistant_id: Uuid,
    /// The contacts: rows with the CSV's columns, or the CSV itself as text. Imported exactly
    /// as an upload is, with the same report.
    pub contacts: ContactsInput,
    /// Most calls live at once (1–50). Default: `campaigns.default_cap`.
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "1"), maximum(value = "50"))
    )]
    pub cap: Option<u32>,
    /// Default `continuous`; `batch` is refused (422 `feature_disabled`) when
    /// `features.strict_batching` is off.
    #[oai(deserialize_with = "non_null")]
    pub mode: Option<CampaignModeDto>,
    /// Vapi phone number to dial from. Default: `vapi.phone_number_id`.
    #[oai(deserialize_with = "non_null")]
    pub phone_number_id: Option<String>,
    /// Also wait until the phone line has no live calls before dialing.
    #[oai(deserialize_with = "non_null")]
    pub line_quiet_gating: Option<bool>,
    /// Daily calling window in each contact's local time, `"HH:MM-HH:MM"`, or `"any"`.
    #[oai(deserialize_with = "non_null")]
    pub calling_hours: Option<String>,
    /// Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`.
    #[oai(deserialize_with = "non_null")]
    pub calling_days: Option<String>,
    /// IANA time zone of contacts without their own.
    #[oai(deserialize_with = "non_null")]
    pub timezone: Option<String>,
    /// Attempts per contact, the first included (1–10).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "1"), maximum(value = "10"))
    )]
    pub max_attempts: Option<u32>,
    /// Seconds between an unanswered attempt and the next.
    #[oai(validator(minimum(value = "1"), maximum(value = "604800")))]
    #[oai(deserialize_with = "non_null")]
    pub redial_delay_seconds: Option<u64>,
    /// Outcomes that lead to a redial, comma-separated (`no-answer`, `busy`, `voicemail`,
    /// `retryable-error`). Default (also when it names none): `campaigns.redial_on`.
    #[oai(
        deserialize_with = "non_null",
        validator(
            pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?(,[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?)*$"
        )
    )]
    pub redial_on: Option<String>,
    /// Spend limit in US dollars: the campaign pauses itself (`budget-reached`) before its
    /// spend can pass it. Default: `campaigns.budget_usd` (0: none).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0.01"), maximum(value = "10000000"))
    )]
    pub budget_usd: Option<f64>,
    /// Scheduled start: once started, the campaign waits (QUEUED) and places its first call at
    /// this moment. In the future, within a year. Default: none (at once).
    #[oai(deserialize_with = "crate::http::common::start_at")]
    pub start_at: Option<DateTime<Utc>>,
    /// Safety brake: finished calls the failure share is measured over (0: that rule off).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0"), maximum(value = "10000"))
    )]
    pub safety_brake_window: Option<u32>,
    /// Safety brake: the share of failed calls in the window that pauses the campaign (above
    /// 0, up to 1).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0", exclusive), maximum(value = "1"))
    )]
    pub safety_brake_failure_share: Option<f64>,
    /// Safety brake: failed calls in a row that pause the campaign (0: that rule off).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0"), maximum(value = "10000"))
    )]
    pub safety_brake_failures_in_a_row: Option<u32>,
}

impl poem_openapi::types::Example for CreateCampaignJson {
    fn example() -> Self {
        let row = |name: &str, business: &str, phone: &str| {
            BTreeMap::from([
                ("name".to_owned(), name.to_owned()),
                ("business_name".to_owned(), business.to_owned()),
                ("phone".to_owned(), phone.to_owned()),
            ])
        };
        Self {
            name: "Spring renewals".to_owned(),
            assistant_id: Uuid::from_u128(0x0192_8f2e_6d3a_7c41_9b5e_2f1a_3c4d_5e6f),
            contacts: ContactsInput::Rows(vec![
                row("Ada Lopez", "Lopez Bakery", "+1 415 234 5678"),
                row("Sam Okafor", "Okafor Plumbing", "(212) 234-0199"),
            ]),
            cap: Some(5),
            mode: None,
            phone_number_id: None,
            line_quiet_gating: None,
            calling_hours: Some("09:00-18:00".to_owned()),
            calling_days: Some("mon-fri".to_owned()),
            timezone: Some("America/Los_Angeles".to_owned()),
            max_attempts: Some(3),
            redial_delay_seconds: Some(3600),
            redial_on: Some("no-answer,busy".to_owned()),
            budget_usd: Some(250.0),
            // Any fixed moment would be in the past one day: the example starts at once.
            start_at: None,
            safety_brake_window: Some(20),
            safety_brake_failure_share: Some(0.5),
            safety_brake_failures_in_a_row: Some(5),
        }
    }
}

/// What to change in a CREATED or PAUSED campaign; absent fields stay as they are. Changes
/// apply when the campaign (re)starts.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct UpdateCampaignJson {
    /// 1–200 characters, not blank.
    #[oai(
        deserialize_with = "non_null",
        validator(
            min_length = 1,
            max_length = 200,
            pattern = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    )]
    pub name: Option<String>,
    /// Most calls live at once (1–50).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "1"), maximum(value = "50"))
    )]
    pub cap: Option<u32>,
    /// `continuous` or `batch` (batches are numbered again over the contacts still waiting).
    #[oai(deserialize_with = "non_null")]
    pub mode: Option<CampaignModeDto>,
    /// Also wait until the phone line has no live calls before dialing.
    #[oai(deserialize_with = "non_null")]
    pub line_quiet_gating: Option<bool>,
    /// Daily calling window in each contact's local time, `"HH:MM-HH:MM"`, or `"any"`.
    #[oai(deserialize_with = "non_null")]
    pub calling_hours: Option<String>,
    /// Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`.
    #[oai(deserialize_with = "non_null")]
    pub calling_days: Option<String>,
    /// IANA time zone of contacts without their own.
    #[oai(deserialize_with = "non_null")]
    pub timezone: Option<String>,
    /// Attempts per contact, the first included (1–10).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "1"), maximum(value = "10"))
    )]
    pub max_attempts: Option<u32>,
    /// Seconds between an unanswered attempt and the next.
    #[oai(validator(minimum(value = "1"), maximum(value = "604800")))]
    #[oai(deserialize_with = "non_null")]
    pub redial_delay_seconds: Option<u64>,
    /// Outcomes that lead to a redial, comma-separated (`no-answer`, `busy`, `voicemail`,
    /// `retryable-error`).
    #[oai(
        deserialize_with = "non_null",
        validator(
            pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?(,[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*((no-answer|busy|voicemail|retryable-error)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?)*$"
        )
    )]
    pub redial_on: Option<String>,
    /// An active assistant from the directory.
    #[oai(deserialize_with = "non_null")]
    pub assistant_id: Option<Uuid>,
    /// Spend limit in US dollars (raise it to resume a campaign paused by `budget-reached`).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0.01"), maximum(value = "10000000"))
    )]
    pub budget_usd: Option<f64>,
    /// Scheduled start (UTC, within a year); `null` removes it, so the campaign starts at once
    /// when it is started or resumed.
    #[oai(nullable, deserialize_with = "crate::http::common::start_at_edit")]
    pub start_at: MaybeUndefined<DateTime<Utc>>,
    /// Safety brake: finished calls the failure share is measured over (0: that rule off).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0"), maximum(value = "10000"))
    )]
    pub safety_brake_window: Option<u32>,
    /// Safety brake: the share of failed calls in the window that pauses the campaign (above
    /// 0, up to 1).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0", exclusive), maximum(value = "1"))
    )]
    pub safety_brake_failure_share: Option<f64>,
    /// Safety brake: failed calls in a row that pause the campaign (0: that rule off).
    #[oai(
        deserialize_with = "non_null",
        validator(minimum(value = "0"), maximum(value = "10000"))
    )]
    pub safety_brake_failures_in_a_row: Option<u32>,
}

/// Contacts given in a JSON body.
#[derive(Debug, Union)]
#[oai(one_of)]
pub enum ContactsInput {
    /// One object per contact with the CSV's columns: `name`, `business_name`, `phone`,
    /// optional `timezone`; any other column becomes a variable for the assistant.
    Rows(Vec<BTreeMap<String, String>>),
    /// The CSV file's text.
    Csv(String),
}

impl ContactsInput {
    /// The CSV the importer reads: rows are written with the union of their columns in order
    /// of first appearance (a cell a row lacks is empty).
    fn into_csv(self) -> Result<Vec<u8>, ApiError> {
        let rows = match self {
            Self::Csv(text) => return Ok(text.into_bytes()),
            Self::Rows(rows) => rows,
        };
        let mut columns: Vec<&String> = Vec::new();
        for row in &rows {
            for key in row.keys() {
                if !columns.contains(&key) {
                    columns.push(key);
                }
            }
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        let write = |out: &mut csv::Writer<Vec<u8>>, record: Vec<&str>| {
            out.write_record(record).map_err(ApiError::internal)
        };
        write(&mut out, columns.iter().map(|c| c.as_str()).collect())?;
        for row in &rows {
            let record = columns
                .iter()
                .map(|c| row.get(*c).map_or("", String::as_str))
                .collect();
            write(&mut out, record)?;
        }
        out.into_inner().map_err(ApiError::internal)
    }
}

/// `POST /api/campaigns` takes the multipart form (a CSV file) or a JSON body.
#[derive(Debug, ApiRequest)]
pub enum CreateCampaignBody {
    /// The contacts as an uploaded CSV file.
    Multipart(CreateCampaignForm),
    /// The contacts inline (typed clients use this).
    Json(Json<CreateCampaignJson>),
}

/// What a campaign is created from, whichever way it was sent.
struct CampaignInput {
    name: String,
    assistant_id: Uuid,
    cap: Option<u32>,
    mode: Option<CampaignModeDto>,
    phone_number_id: Option<String>,
    line_quiet_gating: Option<bool>,
    calling_hours: Option<String>,
    calling_days: Option<String>,
    timezone: Option<String>,
    max_attempts: Option<u32>,
    redial_delay_seconds: Option<u64>,
    redial_on: Option<String>,
    budget_usd: Option<f64>,
    start_at: Option<DateTime<Utc>>,
    safety_brake_window: Option<u32>,
    safety_brake_failure_share: Option<f64>,
    safety_brake_failures_in_a_row: Option<u32>,
}

/// Where the contacts' CSV is.
enum ContactsSource {
    Upload(Upload),
    Bytes(Vec<u8>),
}

impl CreateCampaignBody {
    fn split(self) -> Result<(CampaignInput, ContactsSource), ApiError> {
        Ok(match self {
            Self::Multipart(f) => (
                CampaignInput {
                    name: f.name,
                    assistant_id: f.assistant_id,
                    cap: f.cap,
                    mode: f.mode,
                    phone_number_id: f.phone_number_id,
                    line_quiet_gating: f.line_quiet_gating,
                    calling_hours: f.calling_hours,
                    calling_days: f.calling_days,
                    timezone: f.timezone,
                    max_attempts: f.max_attempts,
                    redial_delay_seconds: f.redial_delay_seconds,
                    redial_on: f.redial_on,
                    budget_usd: f.budget_usd,
                    start_at: f.start_at,
                    safety_brake_window: f.safety_brake_window,
                    safety_brake_failure_share: f.safety_brake_failure_share,
                    safety_brake_failures_in_a_row: f.safety_brake_failures_in_a_row,
                },
                ContactsSource::Upload(f.contacts_csv),
            ),
            Self::Json(Json(j)) => {
                let csv = j.contacts.into_csv()?;
                (
                    CampaignInput {
                        name: j.name,
                        assistant_id: j.assistant_id,
                        cap: j.cap,
                        mode: j.mode,
                        phone_number_id: j.phone_number_id,
                        line_quiet_gating: j.line_quiet_gating,
                        calling_hours: j.calling_hours,
                        calling_days: j.calling_days,
                        timezone: j.timezone,
                        max_attempts: j.max_attempts,
                        redial_delay_seconds: j.redial_delay_seconds,
                        redial_on: j.redial_on,
                        budget_usd: j.budget_usd,
                        start_at: j.start_at,
                        safety_brake_window: j.safety_brake_window,
                        safety_brake_failure_share: j.safety_brake_failure_share,
                        safety_brake_failures_in_a_row: j.safety_brake_failures_in_a_row,
                    },
                    ContactsSource::Bytes(csv),
                )
            }
        })
    }
}

/// How unanswered contacts are called again.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct RedialDto {
    /// Attempts per contact, the first included.
    pub max_attempts: u32,
    /// Wait after an unanswered attempt.
    pub delay_seconds: u64,
    /// Outcomes that lead to a redial.
    pub on: Vec<String>,
}

impl From<RedialPolicy> for RedialDto {
    fn from(p: RedialPolicy) -> Self {
        Self {
            max_attempts: p.max_attempts,
            delay_seconds: p.delay_seconds,
            on: p.on,
        }
    }
}

/// When contacts may be called, in their local time.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CallingHoursDto {
    /// `"HH:MM-HH:MM"`, start inclusive, end exclusive.
    pub window: String,
    /// Weekdays (`mon` … `sun`) the window opens on.
    pub days: Vec<String>,
    /// Time zone of contacts without their own.
    pub timezone: String,
}

impl From<CallingHoursView> for CallingHoursDto {
    fn from(v: CallingHoursView) -> Self {
        Self {
            window: v.window,
            days: v.days,
            timezone: v.timezone,
        }
    }
}

/// A campaign's safety brake: it pauses itself (`safety-brake`) when `failureShare` of its last
/// `window` finished calls failed, or `failuresInARow` failed one after the other (0: that rule
/// off).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SafetyBrakeDto {
    pub window: u32,
    pub failure_share: f64,
    pub failures_in_a_row: u32,
}

impl From<BrakeRules> for SafetyBrakeDto {
    fn from(r: BrakeRules) -> Self {
        Self {
            window: u32::try_from(r.window).unwrap_or(u32::MAX),
            failure_share: r.failure_share,
            failures_in_a_row: r.failures_in_a_row,
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CountersDto {
    pub total_contacts: u64,
    /// Contacts not dialed yet.
    pub pending: u64,
    /// Contacts with a final outcome.
    pub completed: u64,
    /// Calls live right now.
    pub active: u64,
    /// Calls whose analysis judged them successful.
    pub successful: u64,
    /// Contacts left undialed by a stop.
    pub not_attempted: u64,
    /// USD, summed over every call.
    pub total_cost: f64,
}

impl From<&Counters> for CountersDto {
    fn from(c: &Counters) -> Self {
        let by = |s: ContactStatus| c.contacts_by_status.get(s.as_str()).copied().unwrap_or(0);
        Self {
            total_contacts: c.total_contacts,
            pending: by(ContactStatus::Pending),
            completed: c.completed,
            active: c.active_calls,
            successful: c.successful,
            not_attempted: by(ContactStatus::NotAttempted),
            total_cost: round_cents(c.total_cost),
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CampaignDto {
    pub id: Uuid,
    pub name: String,
    pub status: CampaignStatusDto,
    pub mode: CampaignModeDto,
    pub cap: u32,
    pub assistant_id: Uuid,
    pub assistant_name: Option<String>,
    pub phone_number_id: String,
    pub line_quiet_gating: bool,
    /// Calling hours; absent when contacts may be called at any time.
    pub calling_hours: Option<CallingHoursDto>,
    /// Redials; absent when every contact gets one attempt.
    pub redial: Option<RedialDto>,
    /// Spend limit in US dollars; absent when there is none.
    pub budget_usd: Option<f64>,
    /// The campaign places no call before this moment (its scheduled start); absent when it
    /// starts at once. A started campaign waiting for it is QUEUED.
    pub start_at: Option<DateTime<Utc>>,
    /// When the campaign pauses itself because its calls keep failing (absent for campaigns
    /// created before it could be set: they follow `campaigns.safety_brake_*`).
    pub safety_brake: Option<SafetyBrakeDto>,
    pub owner_id: Uuid,
    /// Why the campaign FAILED, when it did.
    pub failure_reason: Option<String>,
    /// Why the campaign is PAUSED, while it is.
    pub pause_reason: Option<PauseReasonDto>,
    /// The numbers that tripped a guardrail's pause, in words.
    pub pause_detail: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub counters: CountersDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct TimelineDto {
    pub created_at: DateTime<Utc>,
    /// When start was requested.
    pub started_at: Option<DateTime<Utc>>,
    /// When the provider accepted the first call.
    pub first_dial_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// From the pace so far, while dialing.
    pub estimated_completion_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct MetricsDto {
    pub calls_by_status: BTreeMap<String, u64>,
    pub contacts_by_status: BTreeMap<String, u64>,
    /// Successful calls over calls with a final outcome (0–1).
    pub success_rate: f64,
    pub average_cost: Option<f64>,
    pub average_duration_seconds: Option<f64>,
    pub total_cost: f64,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CampaignDetailDto {
    #[oai(flatten)]
    pub campaign: CampaignDto,
    /// Settings the campaign was created with.
    pub settings: serde_json::Value,
    pub timeline: TimelineDto,
    pub metrics: MetricsDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct SkippedRowDto {
    /// 1-based data row (the header is not counted).
    pub row: u64,
    /// `empty-phone`, `invalid-phone`, `duplicate`, `missing-name`, `do-not-call`,
    /// `wrong-column-count` or (with calling hours) `invalid-timezone`.
    pub reason: String,
    pub detail: String,
    /// The row's fields by column.
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none, example)]
pub struct ImportReportDto {
    pub total_rows: u64,
    pub accepted: u64,
    pub skipped: Vec<SkippedRowDto>,
}

impl poem_openapi::types::Example for ImportReportDto {
    fn example() -> Self {
        Self {
            total_rows: 3,
            accepted: 2,
            skipped: vec![SkippedRowDto {
                row: 3,
                reason: "invalid-phone".to_owned(),
                detail: "not a phone number (not a number)".to_owned(),
                data: BTreeMap::from([
                    ("business_name".to_owned(), "Nowhere Ltd".to_owned()),
                    ("name".to_owned(), "Nobody".to_owned()),
                    ("phone".to_owned(), "12345".to_owned()),
                ]),
            }],
        }
    }
}

impl ImportReportDto {
    fn from_tally(t: &ImportTally) -> Self {
        Self {
            total_rows: t.total_rows,
            accepted: t.accepted,
            skipped: t.skipped.iter().map(SkippedRowDto::from).collect(),
        }
    }
}

impl From<&crate::domain::import::SkippedRow> for SkippedRowDto {
    fn from(s: &crate::domain::import::SkippedRow) -> Self {
        Self {
            row: s.row,
            reason: s.reason.as_str().to_owned(),
            detail: s.detail.clone(),
            data: s.data.clone(),
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CreatedCampaignDto {
    pub campaign_id: Uuid,
    pub import_report: ImportReportDto,
    pub campaign: CampaignDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CampaignListDto {
    pub items: Vec<CampaignDto>,
    pub pagination: PaginationDto,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct LatestCallDto {
    pub id: Uuid,
    pub status: CallStatusDto,
    pub outcome: Option<OutcomeDto>,
    pub ended_reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cost: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub recording_url: Option<String>,
    pub success_evaluation: Option<String>,
    pub summary: Option<String>,
    pub attempt: u32,
}

impl From<call::Model> for LatestCallDto {
    fn from(c: call::Model) -> Self {
        Self {
            id: c.id,
            status: c.status.into(),
            outcome: c.outcome.as_deref().and_then(OutcomeDto::parse),
            ended_reason: c.ended_reason,
            started_at: c.started_at,
            ended_at: c.ended_at,
            cost: c.cost,
            duration_seconds: c.duration_seconds,
            recording_url: c.recording_url,
            success_evaluation: c.success_evaluation,
            summary: c.summary,
            attempt: u32::try_from(c.attempt).unwrap_or(0),
        }
    }
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct ContactDto {
    pub id: Uuid,
    pub row: u64,
    pub name: String,
    pub business_name: String,
    /// E.164.
    pub phone: String,
    /// As written in the CSV.
    pub phone_original: String,
    pub batch_index: u32,
    pub status: ContactStatusDto,
    pub attempts: u32,
    pub variables: BTreeMap<String, String>,
    /// The contact's own IANA time zone (from the CSV), used for calling hours.
    pub timezone: Option<String>,
    /// A redial is due then (the contact is PENDING again after an unanswered attempt).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub latest_call: Option<LatestCallDto>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct ContactListDto {
    pub items: Vec<ContactDto>,
    pub pagination: PaginationDto,
    /// Contacts of the whole campaign by status (ignoring the filters).
    pub summary: BTreeMap<String, u64>,
}

#[derive(ApiResponse)]
pub enum CreateCampaignResponse {
    /// The campaign and its contacts were stored (status CREATED).
    #[oai(status = 201)]
    Created(Json<CreatedCampaignDto>),
}

#[derive(ApiResponse)]
pub enum CampaignListResponse {
    #[oai(status = 200)]
    Ok(Json<CampaignListDto>),
}

#[derive(ApiResponse)]
pub enum CampaignDetailResponse {
    #[oai(status = 200)]
    Ok(Json<CampaignDetailDto>),
}

#[derive(ApiResponse)]
pub enum ContactListResponse {
    #[oai(status = 200)]
    Ok(Json<ContactListDto>),
}

#[derive(ApiResponse)]
pub enum ExportResponse {
    /// The contacts with their latest call, streamed.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum StopModeDto {
    /// No new dials; calls in progress finish.
    Finish,
    /// No new dials; calls in progress are ended through the provider.
    Hangup,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct StopRequest {
    /// Default `finish`.
    #[oai(deserialize_with = "non_null")]
    pub mode: Option<StopModeDto>,
}

#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CampaignStatusReply {
    pub id: Uuid,
    /// The campaign's status after the command.
    pub status: CampaignStatusDto,
}

#[derive(ApiResponse)]
pub enum ControlResponse {
    #[oai(status = 200)]
    Ok(Json<CampaignStatusReply>),
}

#[OpenApi(tag = "ApiTags::Campaigns")]
impl CampaignsApi {
    /// Start dialing (CREATED → QUEUED).
    ///
    /// The campaign's supervisor starts and fills its slots up to `cap` within the account's
    /// concurrency limit, its calling hours and the legal floor. With `startAt` ahead the campaign
    /// waits QUEUED and places its first call at that moment. 409 (naming the current status)
    /// unless the campaign is CREATED; 422 when no Vapi API key is configured.
    #[oai(
        path = "/campaigns/:id/start",
        method = "post",
        operation_id = "startCampaign"
    )]
    async fn start(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<ControlResponse> {
        command(&state, &auth.0, id.0, Command::Start).await
    }

    /// Pause: no new dials; calls in progress finish.
    ///
    /// Answers once no further dial can leave (a dial already sent completes). Contacts not dialed
    /// stay PENDING with no attempt used; `pauseReason` becomes `operator`. 409 (naming the current
    /// status) unless the campaign is QUEUED, DIALING or RUNNING.
    #[oai(
        path = "/campaigns/:id/pause",
        method = "post",
        operation_id = "pauseCampaign"
    )]
    async fn pause(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<ControlResponse> {
        command(&state, &auth.0, id.0, Command::Pause).await
    }

    /// Resume a paused campaign.
    ///
    /// Edits made while paused apply from now on, and the safety brake starts over. 409 (naming the
    /// current status) unless the campaign is PAUSED, or when its budget leaves no room for another
    /// call (raise `budgetUsd` first).
    #[oai(
        path = "/campaigns/:id/resume",
        method = "post",
        operation_id = "resumeCampaign"
    )]
    async fn resume(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<ControlResponse> {
        command(&state, &auth.0, id.0, Command::Resume).await
    }

    /// Stop for good (→ STOPPED).
    ///
    /// No new dials; contacts not dialed yet are marked NOT_ATTEMPTED. With `mode: finish` (the
    /// default) calls in progress end normally; with `hangup` they are ended through Vapi. The
    /// stop is stored before it answers, so a restart finishes a hang-up. 409 (naming the
    /// current status) when the campaign is already COMPLETED, STOPPED or FAILED.
    #[oai(
        path = "/campaigns/:id/stop",
        method = "post",
        operation_id = "stopCampaign"
    )]
    async fn stop(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        body: OptionalJson<StopRequest>,
    ) -> ApiResult<ControlResponse> {
        let mode = match body.0.and_then(|b| b.mode) {
            Some(StopModeDto::Hangup) => StopMode::Hangup,
            _ => StopMode::Finish,
        };
        command(&state, &auth.0, id.0, Command::Stop(mode)).await
    }

    /// Create a campaign from a CSV of contacts (multipart form). Answers with the import
    /// report: every skipped row with its reason.
    ///
    /// When no row can be accepted the campaign is not created and the error's
    /// `details.importReport` says why for each row: 409 when every row was skipped only
    /// because its number is on the do-not-call list, 422 otherwise.
    #[oai(path = "/campaigns", method = "post", operation_id = "createCampaign")]
    async fn create(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        body: CreateCampaignBody,
    ) -> ApiResult<CreateCampaignResponse> {
        state.rate_limits.check(Budget::Upload, auth.0.id)?;
        let (form, contacts_source) = body.split()?;
        let json_body = matches!(contacts_source, ContactsSource::Bytes(_));
        create_campaign(&state, &auth.0, form, contacts_source)
            .await
            .map_err(|e| if json_body { name_json_field(e) } else { e })
    }

    /// List campaigns (operators see their own) with live counters.
    ///
    /// Admins see every campaign, operators their own. Filter by `status`, search by name; newest
    /// first, paginated. Each campaign carries its counters (pending, live, done, successful,
    /// cost), its `startAt` when scheduled and its `pauseReason` when paused.
    #[oai(path = "/campaigns", method = "get", operation_id = "listCampaigns")]
    async fn list(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        status: Query<Option<CampaignStatusDto>>,
        /// Part of the campaign's name.
        search: Query<Option<String>>,
        /// 1-based; at most 1,000,000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// 1–100, default 50.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u64>>,
    ) -> ApiResult<CampaignListResponse> {
        let (page, limit) = paging(page.0, limit.0, 50, 100)?;
        let result = store::campaigns::list(
            &state.db,
            CampaignFilter {
                owner: owner_scope(&auth.0),
                status: status.0.map(Into::into),
                search: search.0,
                page,
                limit,
            },
        )
        .await?;
        let ids: Vec<Uuid> = result.items.iter().map(|c| c.id).collect();
        let counters = store::campaigns::counters(&state.db, &ids).await?;
        let names =
            store::assistants::names_of(&state.db, result.items.iter().map(|c| c.assistant_id))
                .await?;
        let pagination = PaginationDto::from(&result);
        let mut items = Vec::with_capacity(result.items.len());
        for c in result.items {
            let assistant_name = names.get(&c.assistant_id).cloned();
            let counters = counters.get(&c.id);
            items.push(campaign_dto(c, assistant_name, counters)?);
        }
        Ok(CampaignListResponse::Ok(Json(CampaignListDto {
            items,
            pagination,
        })))
    }

    /// A campaign's settings, status, timeline and metrics.
    ///
    /// Owner or admin (404 for anyone else, so ids do not leak). The timeline has the creation,
    /// start, first dial, estimated completion and completion; the metrics count calls and contacts
    /// by status with the success rate, average cost and duration.
    #[oai(path = "/campaigns/:id", method = "get", operation_id = "getCampaign")]
    async fn get(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<CampaignDetailResponse> {
        let c = visible_campaign(&state, &auth.0, id.0).await?;
        campaign_detail(&state, c).await
    }

    /// Edit a CREATED or PAUSED campaign.
    ///
    /// Name, cap, mode, line-quiet gating, calling hours, days and time zone, redials, budget,
    /// scheduled start, safety-brake rules and assistant. Absent fields stay as they are; the
    /// changes apply when it starts or resumes, and each is recorded on the campaign's history
    /// (`GET /api/audit?targetType=campaign&targetId=…`). 409 naming the status otherwise.
    #[oai(
        path = "/campaigns/:id",
        method = "patch",
        operation_id = "updateCampaign"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        body: Json<UpdateCampaignJson>,
    ) -> ApiResult<CampaignDetailResponse> {
        let c = visible_campaign(&state, &auth.0, id.0).await?;
        let updated = update_campaign(&state, &auth.0, c, body.0).await?;
        campaign_detail(&state, updated).await
    }

    /// A campaign's contacts with their latest call.
    ///
    /// Filter by `status` and `batch`, search by name, business or phone; paginated (up to 500 per
    /// page) in row order. Each contact carries its attempts, time zone, `nextAttemptAt` when a
    /// redial waits, and its latest call (status, outcome, duration, cost, recording, summary);
    /// `summary` counts the campaign's contacts by status.
    #[oai(
        path = "/campaigns/:id/contacts",
        method = "get",
        operation_id = "listCampaignContacts"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn contacts(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
        status: Query<Option<ContactStatusDto>>,
        /// Part of the name, business name or phone number.
        search: Query<Option<String>>,
        batch: Query<Option<u32>>,
        /// 1-based; at most 1,000,000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// 1–500, default 50.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
    ) -> ApiResult<ContactListResponse> {
        let c = visible_campaign(&state, &auth.0, id.0).await?;
        let (page, limit) = paging(page.0, limit.0, 50, 500)?;
        let result = store::campaigns::contacts_page(
            &state.db,
            c.id,
            ContactFilter {
                status: status.0.map(Into::into),
                search: search.0,
                batch: batch.0,
                page,
                limit,
            },
        )
        .await?;
        let ids: Vec<Uuid> = result.items.iter().map(|c| c.id).collect();
        let mut latest = store::campaigns::latest_calls(&state.db, &ids).await?;
        let summary = store::campaigns::counters(&state.db, &[c.id])
            .await?
            .remove(&c.id)
            .unwrap_or_default()
            .contacts_by_status;
        let pagination = PaginationDto::from(&result);
        let items = result
            .items
            .into_iter()
            .map(|contact| {
                let call = latest.remove(&contact.id);
                contact_dto(contact, call)
            })
            .collect();
        Ok(ContactListResponse::Ok(Json(ContactListDto {
            items,
            pagination,
            summary,
        })))
    }

    /// Export the contacts with their latest call as CSV, streamed in constant memory.
    ///
    /// 404 `feature_disabled` when `features.export` is off.
    #[oai(
        path = "/campaigns/:id/export.csv",
        method = "get",
        operation_id = "exportCampaign"
    )]
    async fn export(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<ExportResponse> {
        if !state.settings.features.export {
            return Err(ApiError::feature_disabled(
                poem::http::StatusCode::NOT_FOUND,
                "export",
                "the campaign export",
            ));
        }
        let c = visible_campaign(&state, &auth.0, id.0).await?;
        state.rate_limits.check(Budget::Export, auth.0.id)?;
        let disposition = format!(
            "attachment; filename=\"{}\"",
            export::file_name(&c.name, c.id)
        );
        let body = export::stream(state.db.clone(), &c);
        Ok(ExportResponse::Ok(Binary(body), disposition))
    }
}

/// A campaign's detail: settings, status, timeline and metrics.
async fn campaign_detail(
    state: &AppState,
    c: campaign::Model,
) -> ApiResult<CampaignDetailResponse> {
    {
        let counters = store::campaigns::counters(&state.db, &[c.id])
            .await?
            .remove(&c.id)
            .unwrap_or_default();
        let averages = store::campaigns::call_averages(&state.db, c.id).await?;
        let status = c.status;
        let terminal_calls = counters.terminal_calls();
        let success_rate = if terminal_calls == 0 {
            0.0
        } else {
            counters.successful as f64 / terminal_calls as f64
        };
        let timeline = TimelineDto {
            created_at: c.created_at,
            started_at: c.started_at,
            first_dial_at: c.first_dial_at,
            completed_at: c.completed_at,
            estimated_completion_at: store::campaigns::estimate_completion(
                status,
                c.first_dial_at,
                &counters,
                Utc::now(),
            ),
        };
        let metrics = MetricsDto {
            calls_by_status: counters.calls_by_status.clone(),
            contacts_by_status: counters.contacts_by_status.clone(),
            success_rate,
            average_cost: averages.average_cost.map(round_cents),
            average_duration_seconds: averages.average_duration_seconds,
            total_cost: round_cents(counters.total_cost),
        };
        let settings = c.settings_json.clone();
        let assistant_name = store::assistants::name_of(&state.db, c.assistant_id).await?;
        Ok(CampaignDetailResponse::Ok(Json(CampaignDetailDto {
            campaign: campaign_dto(c, assistant_name, Some(&counters))?,
            settings,
            timeline,
            metrics,
        })))
    }
}

/// Brake rules from the parts given, the rest as in `base` (422 naming the field that is out
/// of range). Creation and edit both come here, with the server's defaults or the campaign's
/// own rules as `base`.
fn brake_of(
    window: Option<u32>,
    share: Option<f64>,
    in_a_row: Option<u32>,
    base: BrakeRules,
) -> Result<BrakeRules, ApiError> {
    BrakeRules::new(
        window.unwrap_or(u32::try_from(base.window).unwrap_or(u32::MAX)),
        share.unwrap_or(base.failure_share),
        in_a_row.unwrap_or(base.failures_in_a_row),
    )
    .map_err(|(field, why)| ApiError::validation(field, why))
}

/// A scheduled start as given: in the future, within a year (422 naming `startAt`).
fn start_at_of(at: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    crate::domain::start::validate(at, Utc::now()).map_err(|e| ApiError::validation("startAt", e))
}

/// A budget as given (422 naming `budgetUsd` when it is not a positive amount); `None` for
/// none (0 from the config default).
fn budget_of(given: Option<f64>) -> Result<Option<f64>, ApiError> {
    match given {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(b) if b.is_finite() && (0.01..=10_000_000.0).contains(&b) => Ok(Some(b)),
        Some(b) => Err(ApiError::validation(
            "budgetUsd",
            format!("{b} is not a budget: give US dollars from 0.01 to 10000000"),
        )),
    }
}

/// The assistant a campaign is to use: 404 when there is none with this id, 409 when it is
/// inactive (both naming `assistantId`).
async fn active_assistant(
    state: &AppState,
    assistant_id: Uuid,
) -> Result<crate::store::entities::assistant::Model, ApiError> {
    let details = json!({ "field": "assistantId", "assistantId": assistant_id });
    let assistant = store::assistants::get(&state.db, assistant_id)
        .await?
        .ok_or_else(|| ApiError::not_found("assistant").with_details(details.clone()))?;
    if !assistant.active {
        return Err(ApiError::conflict("the assistant is not active").with_details(details));
    }
    Ok(assistant)
}

/// A redial policy's error as a 422 naming its field.
fn redial_error(e: RedialError) -> ApiError {
    let field = match e {
        RedialError::Attempts => "maxAttempts",
        RedialError::Delay => "redialDelaySeconds",
        RedialError::Outcomes(_) => "redialOn",
    };
    ApiError::validation(field, e.to_string())
}

/// Whether a campaign in `status` may be edited.
fn editable(status: CampaignStatus) -> bool {
    matches!(status, CampaignStatus::Created | CampaignStatus::Paused)
}

fn not_editable(status: CampaignStatus) -> ApiError {
    ApiError::conflict(format!(
        "a {status} campaign cannot be edited: only a CREATED or PAUSED one can (pause it first)"
    ))
    .with_details(json!({ "currentStatus": status.as_str() }))
}

/// Validates an edit against the campaign as it is, writes it (only if the campaign is still
/// CREATED or PAUSED) and records each change on the campaign's history.
async fn update_campaign(
    state: &AppState,
    user: &AuthUser,
    c: campaign::Model,
    edit: UpdateCampaignJson,
) -> Result<campaign::Model, ApiError> {
    if !editable(c.status) {
        return Err(not_editable(c.status));
    }
    let settings = &state.settings;
    let mut changes = serde_json::Map::new();
    let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
        if from != to {
            changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
        }
    };
    let mut update = store::campaigns::CampaignEdit::default();
    if let Some(name) = edit.name {
        let name = trim(&name).to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApiError::validation("name", "must be 1 to 200 characters"));
        }
        note("name", json!(c.name), json!(name));
        update.name = Some(name);
    }
    let cap = edit.cap.unwrap_or(u32::try_from(c.cap).unwrap_or(1));
    if !(1..=50).contains(&cap) {
        return Err(ApiError::validation("cap", "must be between 1 and 50"));
    }
    if edit.cap.is_some() {
        note("cap", json!(c.cap), json!(cap));
        update.cap = Some(cap);
    }
    let current_mode: CampaignMode = c.mode.parse().unwrap_or(CampaignMode::Continuous);
    let mode: CampaignMode = edit.mode.map(Into::into).unwrap_or(current_mode);
    if mode == CampaignMode::Batch && current_mode != mode && !settings.features.strict_batching {
        return Err(ApiError::feature_disabled(
            poem::http::StatusCode::UNPROCESSABLE_ENTITY,
            "strict_batching",
            "batch mode",
        ));
    }
    if edit.mode.is_some() {
        note("mode", json!(c.mode), json!(mode.as_str()));
        update.mode = Some(mode);
    }
    // Batches are numbered again over the contacts still waiting when the mode or the cap
    // (the batch size) changes.
    update.renumber_batches =
        mode == CampaignMode::Batch && (current_mode != mode || update.cap.is_some());
    if let Some(gating) = edit.line_quiet_gating {
        note("lineQuietGating", json!(c.line_quiet_gating), json!(gating));
        update.line_quiet_gating = Some(gating);
    }
    if let Some(assistant_id) = edit.assistant_id {
        active_assistant(state, assistant_id).await?;
        note("assistantId", json!(c.assistant_id), json!(assistant_id));
        update.assistant_id = Some(assistant_id);
    }
    let mut stored = c.settings_json.clone();
    if edit.calling_hours.is_some() || edit.calling_days.is_some() || edit.timezone.is_some() {
        // What is not given stays as the campaign has it.
        let own = Schedule::from_settings(&c.settings_json);
        let current = CampaignSettings {
            calling_hours: own.map(|s| s.view().window).unwrap_or_default(),
            calling_days: own
                .map(|s| s.view().days.join(","))
                .unwrap_or_else(|| "all".to_owned()),
            timezone: Schedule::timezone_of_settings(&c.settings_json)
                .map(|tz| tz.name().to_owned())
                .unwrap_or_else(|| settings.campaigns.timezone.clone()),
            ..settings.campaigns.clone()
        };
        let input = CampaignInput {
            name: String::new(),
            assistant_id: c.assistant_id,
            cap: None,
            mode: None,
            phone_number_id: None,
            line_quiet_gating: None,
            calling_hours: edit.calling_hours,
            calling_days: edit.calling_days,
            timezone: edit.timezone,
            max_attempts: None,
            redial_delay_seconds: None,
            redial_on: None,
            budget_usd: None,
            start_at: None,
            safety_brake_window: None,
            safety_brake_failure_share: None,
            safety_brake_failures_in_a_row: None,
        };
        let (schedule, timezone) = schedule_of(&input, &current)?;
        let view = json!(schedule.map(|s| s.view()));
        note(
            "callingHours",
            c.settings_json
                .get(hours::SETTINGS_KEY)
                .cloned()
                .unwrap_or_default(),
            view.clone(),
        );
        note("timezone", json!(current.timezone), json!(timezone.name()));
        stored[hours::SETTINGS_KEY] = view;
        stored[hours::TIMEZONE_KEY] = json!(timezone.name());
    }
    if edit.max_attempts.is_some()
        || edit.redial_delay_seconds.is_some()
        || edit.redial_on.is_some()
    {
        let own = RedialPolicy::from_settings(&c.settings_json);
        let on = edit
            .redial_on
            .as_deref()
            .filter(|on| on.split(',').any(|item| !item.trim().is_empty()))
            .map(str::to_owned)
            .or_else(|| own.as_ref().map(|p| p.on.join(",")))
            .unwrap_or_else(|| settings.campaigns.redial_on.clone());
        let redial = RedialPolicy::new(
            edit.max_attempts
                .or(own.as_ref().map(|p| p.max_attempts))
                .unwrap_or(1),
            edit.redial_delay_seconds
                .or(own.as_ref().map(|p| p.delay_seconds))
                .unwrap_or(settings.campaigns.redial_delay_secs),
            &on,
        )
        .map_err(redial_error)?;
        let view = json!(redial);
        note(
            "redial",
            c.settings_json
                .get(redial::SETTINGS_KEY)
                .cloned()
                .unwrap_or_default(),
            view.clone(),
        );
        stored[redial::SETTINGS_KEY] = view;
    }
    if let Some(given) = edit.budget_usd {
        let budget = budget_of(Some(given))?;
        note(
            "budgetUsd",
            json!(crate::domain::budget::read(&c.settings_json)),
            json!(budget),
        );
        stored[crate::domain::budget::SETTINGS_KEY] = json!(budget);
    }
    if edit.safety_brake_window.is_some()
        || edit.safety_brake_failure_share.is_some()
        || edit.safety_brake_failures_in_a_row.is_some()
    {
        let own = BrakeRules::read(&c.settings_json);
        let current = own.unwrap_or_else(|| settings.campaigns.brake_rules());
        let rules = brake_of(
            edit.safety_brake_window,
            edit.safety_brake_failure_share,
            edit.safety_brake_failures_in_a_row,
            current,
        )?;
        note("safetyBrake", json!(own), json!(rules));
        stored[crate::domain::brake::SETTINGS_KEY] = json!(rules);
    }
    let start_at = match &edit.start_at {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(at) => Some(Some(start_at_of(*at)?)),
    };
    if let Some(start_at) = start_at {
        note(
            "startAt",
            json!(crate::domain::start::read(&c.settings_json)),
            json!(start_at),
        );
        stored[crate::domain::start::SETTINGS_KEY] = crate::domain::start::stored(start_at);
    }
    if stored != c.settings_json {
        update.settings = Some(stored);
    }
    let updated = store::campaigns::edit(&state.db, c.id, &update).await?;
    let Some(updated) = updated else {
        // Moved on meanwhile (started, resumed): say to what.
        let now = store::campaigns::get(&state.db, c.id)
            .await?
            .ok_or_else(|| ApiError::not_found("campaign"))?;
        return Err(not_editable(now.status));
    };
    if !changes.is_empty() {
        audit::record(
            state,
            user,
            "campaign.update",
            "campaign",
            Some(c.id.to_string()),
            json!({ "status": c.status.as_str(), "changes": changes }),
        )
        .await;
    }
    Ok(updated)
}

/// Runs an operator's command on a campaign the caller may see.
async fn command(
    state: &AppState,
    user: &AuthUser,
    id: Uuid,
    command: Command,
) -> ApiResult<ControlResponse> {
    let campaign = visible_campaign(state, user, id).await?;
    if command == Command::Start && state.settings.vapi.api_key.is_none() {
        return Err(ApiError::unavailable(
            "Vapi is not configured (set VAPI_API_KEY): the campaign cannot dial",
        ));
    }
    let status = state.runtime.control(campaign.id, command).await?;
    let mut details = json!({ "from": campaign.status.as_str(), "to": status.as_str() });
    if let Command::Stop(mode) = command {
        details["mode"] = json!(mode.as_str());
    }
    audit::record(
        state,
        user,
        &format!("campaign.{}", command.name()),
        "campaign",
        Some(campaign.id.to_string()),
        details,
    )
    .await;
    Ok(ControlResponse::Ok(Json(CampaignStatusReply {
        id: campaign.id,
        status: status.into(),
    })))
}

/// The campaign if the caller may see it; 404 otherwise (operators cannot tell another
/// operator's campaign from a missing one).
pub async fn visible_campaign(
    state: &AppState,
    user: &AuthUser,
    id: Uuid,
) -> Result<campaign::Model, ApiError> {
    store::campaigns::get_visible(&state.db, id, owner_scope(user))
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))
}

/// The calling hours a new campaign gets (the form's, else the configured defaults), and its
/// time zone (kept also without calling hours: the legal floor is read in it).
fn schedule_of(
    form: &CampaignInput,
    defaults: &CampaignSettings,
) -> Result<(Option<Schedule>, chrono_tz::Tz), ApiError> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let timezone = hours::parse_timezone(given(&form.timezone).unwrap_or(&defaults.timezone))
        .map_err(|e| ApiError::validation("timezone", e))?;
    let window = given(&form.calling_hours).unwrap_or(defaults.calling_hours.trim());
    if window.is_empty() || window.eq_ignore_ascii_case("any") {
        if let Some(days) = given(&form.calling_days) {
            // Not silently ignored: days without a window would not restrict anything.
            hours::Days::parse(days).map_err(|e| ApiError::validation("callingDays", e))?;
            return Err(ApiError::validation(
                "callingDays",
                "needs callingHours (a window such as \"09:00-20:00\")",
            ));
        }
        return Ok((None, timezone));
    }
    let days = given(&form.calling_days).unwrap_or(&defaults.calling_days);
    hours::Days::parse(days).map_err(|e| ApiError::validation("callingDays", e))?;
    let hours =
        CallingHours::parse(window, days).map_err(|e| ApiError::validation("callingHours", e))?;
    Ok((
        Some(Schedule {
            hours,
            timezone,
            floor: None,
        }),
        timezone,
    ))
}

pub fn campaign_dto(
    c: campaign::Model,
    assistant_name: Option<String>,
    counters: Option<&Counters>,
) -> Result<CampaignDto, ApiError> {
    let status = c.status;
    let mode = match c.mode.parse::<CampaignMode>().map_err(ApiError::internal)? {
        CampaignMode::Continuous => CampaignModeDto::Continuous,
        CampaignMode::Batch => CampaignModeDto::Batch,
    };
    let default = Counters {
        total_contacts: u64::try_from(c.total_contacts).unwrap_or(0),
        ..Counters::default()
    };
    let calling_hours = Schedule::from_settings(&c.settings_json).map(|s| s.view().into());
    let redial = RedialPolicy::from_settings(&c.settings_json).map(Into::into);
    Ok(CampaignDto {
        calling_hours,
        redial,
        budget_usd: crate::domain::budget::read(&c.settings_json),
        start_at: crate::domain::start::read(&c.settings_json),
        safety_brake: BrakeRules::read(&c.settings_json).map(Into::into),
        id: c.id,
        name: c.name,
        status: status.into(),
        mode,
        cap: u32::try_from(c.cap).unwrap_or(0),
        assistant_id: c.assistant_id,
        assistant_name,
        phone_number_id: c.phone_number_id,
        line_quiet_gating: c.line_quiet_gating,
        owner_id: c.owner_id,
        failure_reason: c.failure_reason,
        pause_reason: c.pause_reason.as_deref().map(PauseReasonDto::parse),
        pause_detail: c.pause_detail,
        created_at: c.created_at,
        updated_at: c.updated_at,
        started_at: c.started_at,
        completed_at: c.completed_at,
        counters: CountersDto::from(counters.unwrap_or(&default)),
    })
}

fn contact_dto(c: contact::Model, call: Option<call::Model>) -> ContactDto {
    let variables = serde_json::from_value(c.variables_json).unwrap_or_default();
    ContactDto {
        id: c.id,
        row: u64::try_from(c.row_number).unwrap_or(0),
        name: c.name,
        business_name: c.business_name,
        phone: c.phone_e164,
        phone_original: c.phone_original,
        batch_index: u32::try_from(c.batch_index).unwrap_or(0),
        status: c.status.into(),
        attempts: u32::try_from(c.attempts).unwrap_or(0),
        variables,
        timezone: c.timezone,
        next_attempt_at: c.next_attempt_at,
        latest_call: call.map(Into::into),
    }
}

fn import_error(err: ImportError) -> ApiError {
    match &err {
        ImportError::TooManyContacts { max, .. } => {
            ApiError::validation("contactsCsv", err.to_string())
                .with_details(json!({ "field": "contactsCsv", "maxContacts": max }))
        }
        ImportError::MissingColumns(columns) => {
            ApiError::validation("contactsCsv", err.to_string())
                .with_details(json!({ "field": "contactsCsv", "missingColumns": columns }))
        }
        ImportError::Stopped(_) => ApiError::internal(err),
        _ => ApiError::validation("contactsCsv", err.to_string()),
    }
}

fn report_json(report: &ImportReportDto) -> serde_json::Value {
    json!({
        "totalRows": report.total_rows,
        "accepted": report.accepted,
        "skipped": report.skipped.iter().map(|s| json!({
            "row": s.row, "reason": s.reason, "detail": s.detail, "data": s.data,
        })).collect::<Vec<_>>(),
    })
}

fn round_cents(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// An import failure of a JSON body names its `contacts` field, not the upload's.
fn name_json_field(mut err: ApiError) -> ApiError {
    if err.details["field"] == "contactsCsv" {
        err.details["field"] = json!("contacts");
        if let Some(rest) = err.message.strip_prefix("contactsCsv") {
            err.message = format!("contacts{rest}");
        }
    }
    err
}

/// Contacts handed from the CSV reader to the database at a time.
const IMPORT_CHUNK: usize = 2_000;

/// The uploaded file's name, kept in the campaign's settings.
fn source_file_of(source: &ContactsSource) -> Option<String> {
    match source {
        ContactsSource::Upload(upload) => upload.file_name().map(str::to_owned),
        ContactsSource::Bytes(_) => None,
    }
}

/// Creates a campaign and its contacts from either body (the handler is [`CampaignsApi::create`]).
async fn create_campaign(
    state: &AppState,
    user: &AuthUser,
    form: CampaignInput,
    contacts_source: ContactsSource,
) -> ApiResult<CreateCampaignResponse> {
    let settings = &state.settings;
    let name = trim(&form.name).to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::validation("name", "must be 1 to 200 characters"));
    }
    let cap = form.cap.unwrap_or(settings.campaigns.default_cap);
    if !(1..=50).contains(&cap) {
        return Err(ApiError::validation("cap", "must be between 1 and 50"));
    }
    let mode: CampaignMode = form.mode.unwrap_or(CampaignModeDto::Continuous).into();
    if mode == CampaignMode::Batch && !settings.features.strict_batching {
        return Err(ApiError::feature_disabled(
            poem::http::StatusCode::UNPROCESSABLE_ENTITY,
            "strict_batching",
            "batch mode",
        ));
    }
    let assistant = active_assistant(state, form.assistant_id).await?;
    let (schedule, timezone) = schedule_of(&form, &settings.campaigns)?;
    let redial = RedialPolicy::new(
        form.max_attempts.unwrap_or(settings.campaigns.max_attempts),
        form.redial_delay_seconds
            .unwrap_or(settings.campaigns.redial_delay_secs),
        form.redial_on
            .as_deref()
            .filter(|on| on.split(',').any(|item| !item.trim().is_empty()))
            .unwrap_or(&settings.campaigns.redial_on),
    )
    .map_err(redial_error)?;
    let brake = brake_of(
        form.safety_brake_window,
        form.safety_brake_failure_share,
        form.safety_brake_failures_in_a_row,
        settings.campaigns.brake_rules(),
    )?;
    let phone_number_id = form
        .phone_number_id
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .or_else(|| settings.vapi.phone_number_id.clone())
        .ok_or_else(|| {
            ApiError::validation(
                "phoneNumberId",
                "is required (no vapi.phone_number_id is configured)",
            )
        })?;
    let line_quiet_gating = form.line_quiet_gating.unwrap_or(false);
    let budget_usd = budget_of(form.budget_usd.or(Some(settings.campaigns.budget_usd)))?;
    let start_at = form.start_at.map(start_at_of).transpose()?;
    let max_bytes = settings.server.max_upload_bytes;
    let size = match &contacts_source {
        ContactsSource::Upload(upload) => upload.size(),
        ContactsSource::Bytes(bytes) => bytes.len(),
    };
    if size as u64 > max_bytes {
        return Err(ApiError::new(
            poem::http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the contacts are larger than the limit of {max_bytes} bytes"),
        )
        .with_details(json!({ "field": "contactsCsv", "maxBytes": max_bytes })));
    }

    let region = settings
        .campaigns
        .default_region
        .parse()
        .map_err(|_| ApiError::internal("campaigns.default_region is not a region"))?;
    let options = ImportOptions {
        default_region: region,
        max_contacts: settings.campaigns.max_contacts as usize,
        batch_cap: (mode == CampaignMode::Batch).then_some(cap),
        // The legal floor is read in each contact's zone: a zone that does not parse is
        // skipped rather than guessed, as with calling hours.
        require_valid_timezone: schedule.is_some() || settings.campaigns.legal_hours_floor,
    };
    let new = NewCampaign {
        name,
        mode,
        cap,
        assistant_id: assistant.id,
        phone_number_id,
        line_quiet_gating,
        owner_id: user.id,
        settings: json!({
            // Written when the last row has been read.
            "variableColumns": [],
            "defaultRegion": settings.campaigns.default_region,
            "sourceFile": source_file_of(&contacts_source),
            (hours::SETTINGS_KEY): schedule.map(|s| s.view()),
            (hours::TIMEZONE_KEY): timezone.name(),
            (redial::SETTINGS_KEY): redial,
            (crate::domain::budget::SETTINGS_KEY): budget_usd,
            (crate::domain::start::SETTINGS_KEY): crate::domain::start::stored(start_at),
            (crate::domain::brake::SETTINGS_KEY): brake,
        }),
    };
    let suppressed = Arc::new(store::suppression::all_numbers(&state.db).await?);
    let reader: Box<dyn std::io::Read + Send> = match contacts_source {
        ContactsSource::Upload(upload) => {
            let mut file = upload.into_file().into_std().await;
            use std::io::Seek;
            file.rewind().map_err(|e| {
                import_error(ImportError::Csv(format!("could not read the upload: {e}")))
            })?;
            Box::new(file)
        }
        ContactsSource::Bytes(bytes) => Box::new(std::io::Cursor::new(bytes)),
    };
    // The file is read on a blocking thread that hands the accepted contacts over in chunks;
    // each chunk is inserted as it comes, in the transaction that creates the campaign, so
    // memory holds a chunk or two whatever the file's size. A file-level error or a report
    // with nothing accepted drops the transaction: nothing of the campaign is stored.
    let (chunks, mut arriving) = tokio::sync::mpsc::channel::<Vec<NewContact>>(2);
    let parser = tokio::task::spawn_blocking(move || {
        let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
        let mut variable_columns = std::collections::BTreeSet::<String>::new();
        let tally = parse_contacts_each(
            std::io::BufReader::new(reader),
            &options,
            &|phone: &str| suppressed.contains(phone),
            &mut |c| {
                for key in c.variables.keys() {
                    if !variable_columns.contains(key) {
                        variable_columns.insert(key.clone());
                    }
                }
                chunk.push(NewContact {
                    row_number: c.row,
                    name: c.name,
                    business_name: c.business_name,
                    phone_e164: c.phone_e164.as_str().to_owned(),
                    phone_original: c.phone_original,
                    batch_index: c.batch_index,
                    variables: c.variables,
                    timezone: c.timezone,
                });
                if chunk.len() >= IMPORT_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(IMPORT_CHUNK));
                    chunks
                        .blocking_send(full)
                        .map_err(|_| ImportError::Stopped("the database stopped".into()))?;
                }
                Ok(())
            },
        )?;
        if !chunk.is_empty() {
            chunks
                .blocking_send(chunk)
                .map_err(|_| ImportError::Stopped("the database stopped".into()))?;
        }
        Ok::<_, ImportError>((tally, variable_columns))
    });
    // The campaign is created with the first chunk: a file with nothing accepted never opens
    // the transaction.
    let mut stored = Ok(None);
    if let Some(first) = arriving.recv().await {
        stored = async {
            let mut import = store::campaigns::ContactImport::begin(&state.db, new).await?;
            import.add(first).await?;
            while let Some(chunk) = arriving.recv().await {
                import.add(chunk).await?;
            }
            Ok::<_, sea_orm::DbErr>(Some(import))
        }
        .await;
    }
    // A database error stops the reader (its next hand-over fails) and is the answer.
    drop(arriving);
    let parsed = parser.await.map_err(ApiError::internal)?;
    let import = stored?;
    let (tally, variable_columns) = parsed.map_err(import_error)?;

    let report_dto = ImportReportDto::from_tally(&tally);
    if tally.total_rows == 0 {
        return Err(
            ApiError::validation("contactsCsv", "the file has no data rows").with_details(
                json!({ "field": "contactsCsv", "importReport": report_json(&report_dto) }),
            ),
        );
    }
    let Some(import) = import else {
        let details = json!({ "field": "contactsCsv", "importReport": report_json(&report_dto) });
        // A file whose every row is refused only because its number is on the do-not-call
        // list is fine in itself: what stands in the way is the list as it is now (409).
        if tally
            .skipped
            .iter()
            .all(|s| s.reason == crate::domain::import::SkipReason::DoNotCall)
        {
            return Err(ApiError::conflict(
                "every contact's number is on the do-not-call list: no row could be accepted",
            )
            .with_details(details));
        }
        return Err(
            ApiError::validation("contactsCsv", "no row could be accepted").with_details(details),
        );
    };
    let created = import
        .finish(tally.accepted, Some(variable_columns.into_iter().collect()))
        .await?;
    let id = created.id;
    audit::record(
        state,
        user,
        "campaign.create",
        "campaign",
        Some(id.to_string()),
        json!({
            "name": created.name,
            "assistantId": created.assistant_id,
            "cap": created.cap,
            "mode": created.mode,
            "contacts": report_dto.accepted,
            "skippedRows": report_dto.skipped.len(),
        }),
    )
    .await;
    let counters = store::campaigns::counters(&state.db, &[id]).await?;
    let dto = campaign_dto(created, Some(assistant.name), counters.get(&id))?;
    Ok(CreateCampaignResponse::Created(Json(CreatedCampaignDto {
        campaign_id: dto.id,
        import_report: report_dto,
        campaign: dto,
    })))
}

//! The oracle's counters, as `GET /_sim/stats` returns them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What really happened at the simulated provider. A call is live from its creation until it
/// ends (concurrency-blocked calls included, as at Vapi).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimStats {
    /// Calls created (2xx on `POST /call`, blocked ones included).
    pub calls_created: u64,
    /// Calls live now.
    pub active_calls: u32,
    /// The most calls ever live at once on the account.
    pub max_active_account: u32,
    /// Calls live now per `phoneNumberId`.
    pub active_by_phone_number: BTreeMap<String, u32>,
    /// The most calls ever live at once per `phoneNumberId`.
    pub max_active_by_phone_number: BTreeMap<String, u32>,
    /// Calls created per customer number (E.164).
    pub dials_by_customer: BTreeMap<String, u32>,
    pub calls_ended: u64,
    /// Calls created with `concurrencyBlocked: true` (blocked-201 behaviour).
    pub calls_blocked: u64,
    /// Dials refused with 400 "Over Concurrency Limit" (reject-400 behaviour).
    pub calls_rejected_over_limit: u64,
    /// Ended calls per `endedReason`.
    pub ended_reasons: BTreeMap<String, u32>,
    /// Injected 429 answers.
    pub rate_limited: u64,
    /// Injected 500/503 answers.
    pub server_errors: u64,
    /// Requests held past the client's timeout before handling.
    pub timeouts: u64,
    /// Requests handled whose answer was then held past the client's timeout.
    pub lost_responses: u64,
    /// `POST /call` requests received (every outcome, faults included).
    pub create_requests: u64,
    /// When the latest `POST /call` request was received (epoch ms; 0: never).
    pub last_create_request_ms: i64,
    /// `POST /call` requests held past the client's timeout, their call created afterwards.
    pub late_creates: u64,
    /// `POST /call` requests answered 504 while their call was created later.
    pub gateway_timeouts: u64,
    /// Calls created per autolynx call id (`assistantOverrides.metadata.autolynxCallId`): more
    /// than one is a double dial of the same attempt.
    pub calls_by_call_id: BTreeMap<String, u32>,
    /// Calls ended through their control URL (`end-call`).
    pub calls_ended_by_control: u64,
    /// Calls that will not end on their own.
    pub never_ending_calls: u64,
    /// Webhook HTTP requests made (every attempt, retries and duplicates included).
    pub webhooks_sent: u64,
    /// Attempts answered 2xx.
    pub webhooks_delivered: u64,
    /// Attempts answered non-2xx or that failed.
    pub webhooks_failed: u64,
    /// Attempts that were retries.
    pub webhooks_retried: u64,
    /// Messages abandoned after the last retry.
    pub webhooks_given_up: u64,
    /// Messages delivered a second time on purpose.
    pub webhooks_duplicated: u64,
    /// Messages never sent on purpose.
    pub webhooks_dropped: u64,
    /// Messages held back on purpose.
    pub webhooks_delayed: u64,
    /// Calls whose `in-progress` update was sent after `ended`.
    pub webhooks_reordered: u64,
}

//! Prometheus metrics: one recorder per process (installed once, however many apps a test
//! process starts), the names autolynx exports, and small recording helpers so call sites stay
//! one line. Gauges that describe the database (campaigns by status, live calls per campaign,
//! alert inputs) are computed at scrape time by `http::metrics`.

use std::sync::LazyLock;
use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_util::MetricKindMask;

pub const CALLS_TOTAL: &str = "autolynx_calls_total";
pub const DIALS_TOTAL: &str = "autolynx_dials_total";
pub const DIAL_LATENCY: &str = "autolynx_dial_latency_seconds";
pub const WEBHOOK_LATENCY: &str = "autolynx_webhook_latency_seconds";
pub const WEBHOOKS_TOTAL: &str = "autolynx_webhooks_total";
pub const PROVIDER_ERRORS: &str = "autolynx_provider_errors_total";
pub const SUPERVISOR_RESTARTS: &str = "autolynx_supervisor_restarts_total";
pub const HTTP_REQUESTS: &str = "autolynx_http_requests_total";
pub const HTTP_LATENCY: &str = "autolynx_http_request_duration_seconds";
pub const SWEEPS_TOTAL: &str = "autolynx_sweeps_total";
pub const DUPLICATE_CALLS: &str = "autolynx_duplicate_calls_total";
pub const AMBIGUOUS_DIALS: &str = "autolynx_ambiguous_dials_total";
pub const GROUP_COMMITS: &str = "autolynx_group_commits_total";
pub const GUARDRAIL_PAUSES: &str = "autolynx_guardrail_pauses_total";
pub const OPT_OUTS: &str = "autolynx_opt_outs_total";
pub const GROUP_COMMIT_SIZE: &str = "autolynx_group_commit_writes";
pub const CAMPAIGNS: &str = "autolynx_campaigns";
pub const LIVE_CALLS: &str = "autolynx_live_calls";
pub const QUEUED_CONTACTS: &str = "autolynx_queued_contacts";
pub const CAMPAIGN_CAP: &str = "autolynx_campaign_cap";
pub const ACCOUNT_LIVE_CALLS: &str = "autolynx_account_live_calls";
pub const ACCOUNT_MAX_CALLS: &str = "autolynx_account_max_concurrent_calls";
pub const SUPERVISORS: &str = "autolynx_supervisors";
pub const ALERT_CONCURRENCY: &str = "autolynx_alert_concurrency_utilization";
pub const ALERT_ACCOUNT_CONCURRENCY: &str = "autolynx_alert_account_concurrency_utilization";
pub const ALERT_ERROR_RATE: &str = "autolynx_alert_error_rate";
pub const ALERT_THRESHOLD: &str = "autolynx_alert_threshold";
pub const NODE_CAMPAIGNS: &str = "autolynx_node_campaigns";
pub const CLUSTER_NODES: &str = "autolynx_cluster_nodes";
pub const CLUSTER_CAMPAIGNS: &str = "autolynx_cluster_campaigns";
pub const ACCOUNT_SLOTS_TAKEN: &str = "autolynx_account_slots_taken";
pub const LEASE_TAKEOVERS: &str = "autolynx_lease_takeovers_total";
pub const FENCING_REJECTIONS: &str = "autolynx_fencing_rejections_total";

/// The seed's alert thresholds: concurrency at 75 % / 95 % of the cap, error rate 5 % / 10 %.
pub const ALERT_THRESHOLDS: &[(&str, f64)] = &[
    ("concurrency_warning", 0.75),
    ("concurrency_critical", 0.95),
    ("error_rate_warning", 0.05),
    ("error_rate_critical", 0.10),
];

/// Latency buckets (seconds) for every `*_seconds` histogram.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Per-campaign gauges stop being refreshed when the campaign finishes; they disappear from
/// the output after this long.
const IDLE_GAUGE_TIMEOUT: Duration = Duration::from_secs(600);

static HANDLE: LazyLock<PrometheusHandle> = LazyLock::new(|| {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
        .expect("the bucket list is not empty")
        .idle_timeout(MetricKindMask::GAUGE, Some(IDLE_GAUGE_TIMEOUT))
        .build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
    }
    describe();
    handle
});

/// Installs the process-wide recorder (idempotent). Call before recording anything.
pub fn init() {
    LazyLock::force(&HANDLE);
}

/// The Prometheus text exposition of everything recorded so far.
pub fn render() -> String {
    let handle = &*HANDLE;
    handle.run_upkeep();
    handle.render()
}

fn describe() {
    describe_counter!(
        CALLS_TOTAL,
        "Calls that reached a terminal status, by status and outcome class"
    );
    describe_counter!(
        DIALS_TOTAL,
        "Answers to POST /call, by result (accepted or error)"
    );
    describe_histogram!(
        DIAL_LATENCY,
        metrics::Unit::Seconds,
        "From the start of a dial (slot claimed) to the provider's answer to POST /call"
    );
    describe_histogram!(
        WEBHOOK_LATENCY,
        metrics::Unit::Seconds,
        "Time to verify, record and apply one provider webhook"
    );
    describe_counter!(WEBHOOKS_TOTAL, "Provider webhooks handled, by result");
    describe_counter!(
        PROVIDER_ERRORS,
        "Failed provider requests, by operation and error class"
    );
    describe_counter!(
        SUPERVISOR_RESTARTS,
        "Campaign supervisors restarted after a failure"
    );
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests, by route pattern, method and status"
    );
    describe_histogram!(
        HTTP_LATENCY,
        metrics::Unit::Seconds,
        "HTTP request duration, by route pattern"
    );
    describe_counter!(SWEEPS_TOTAL, "Sweeps run, by trigger (tick or timer)");
    describe_counter!(
        OPT_OUTS,
        "Numbers put on the do-not-call list because the person asked on a call"
    );
    describe_counter!(
        GUARDRAIL_PAUSES,
        "Campaigns paused by a guardrail, by reason (safety-brake, budget-reached)"
    );
    describe_counter!(
        GROUP_COMMITS,
        "Transactions committed by the group-commit writer, by result"
    );
    describe_histogram!(GROUP_COMMIT_SIZE, "Writes served by one group commit");
    describe_counter!(
        DUPLICATE_CALLS,
        "Provider calls carrying the id of a dial already resolved to another call (ended at once)"
    );
    describe_counter!(
        AMBIGUOUS_DIALS,
        "Dials without a trustworthy answer (timeout, reset, 5xx), by how they were resolved \
         (found, absent, unknown)"
    );
    describe_gauge!(
        CAMPAIGNS,
        "Campaigns by status (from the database at scrape time)"
    );
    describe_gauge!(
        LIVE_CALLS,
        "Live calls per active campaign (from the database at scrape time)"
    );
    describe_gauge!(
        QUEUED_CONTACTS,
        "Contacts still to dial per active campaign"
    );
    describe_gauge!(CAMPAIGN_CAP, "Concurrency cap per active campaign");
    describe_gauge!(
        ACCOUNT_LIVE_CALLS,
        "Calls holding a slot of the account-wide budget"
    );
    describe_gauge!(
        ACCOUNT_MAX_CALLS,
        "The account-wide budget (provider.max_concurrent_calls)"
    );
    describe_gauge!(SUPERVISORS, "Campaign supervisors the runtime holds");
    describe_gauge!(
        ALERT_CONCURRENCY,
        "Live calls / cap per active campaign (compare with autolynx_alert_threshold)"
    );
    describe_gauge!(
        ALERT_ACCOUNT_CONCURRENCY,
        "Account live calls / account budget"
    );
    describe_gauge!(
        ALERT_ERROR_RATE,
        "Failed or timed-out calls / terminal calls per active campaign"
    );
    describe_gauge!(ALERT_THRESHOLD, "Alert thresholds from the seed, by alert");
    describe_gauge!(
        NODE_CAMPAIGNS,
        "Campaigns this node runs (holds the lease of); PostgreSQL clusters only"
    );
    describe_gauge!(
        CLUSTER_NODES,
        "Live nodes of the cluster, as of this node's last heartbeat"
    );
    describe_gauge!(
        CLUSTER_CAMPAIGNS,
        "Campaigns each live node runs, by node (the cluster view, from the database)"
    );
    describe_gauge!(
        ACCOUNT_SLOTS_TAKEN,
        "Account slots held by calls across the cluster (from the database at scrape time)"
    );
    describe_counter!(
        LEASE_TAKEOVERS,
        "Campaign leases this node took over from a node that let them expire"
    );
    describe_counter!(
        FENCING_REJECTIONS,
        "Writes of this node refused because it no longer held the campaign's lease"
    );
}

/// A call reached a terminal status.
pub fn call_terminal(status: &str, outcome: Option<&str>) {
    counter!(CALLS_TOTAL, "status" => status.to_owned(), "outcome" => outcome.unwrap_or("unknown").to_owned())
        .increment(1);
}

/// `POST /call` answered after `latency` (measured from the start of the dial).
pub fn dial_answered(latency: Duration, accepted: bool) {
    histogram!(DIAL_LATENCY).record(latency.as_secs_f64());
    let result = if accepted { "accepted" } else { "error" };
    counter!(DIALS_TOTAL, "result" => result).increment(1);
}

/// A webhook was handled in `latency`; `result` is `applied`, `duplicate`, `unknown-call` or
/// `refused`.
pub fn webhook_handled(latency: Duration, result: &'static str) {
    histogram!(WEBHOOK_LATENCY).record(latency.as_secs_f64());
    counter!(WEBHOOKS_TOTAL, "result" => result).increment(1);
}

/// A provider request failed.
pub fn provider_error(operation: &'static str, class: &'static str) {
    counter!(PROVIDER_ERRORS, "operation" => operation, "class" => class).increment(1);
}

/// A failed campaign supervisor was restarted.
pub fn supervisor_restart() {
    counter!(SUPERVISOR_RESTARTS).increment(1);
}

/// An HTTP request finished.
pub fn http_request(route: &str, method: &str, status: u16, latency: Duration) {
    counter!(HTTP_REQUESTS, "route" => route.to_owned(), "method" => method.to_owned(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_LATENCY, "route" => route.to_owned()).record(latency.as_secs_f64());
}

/// The provider created a second call for one of our dials.
pub fn duplicate_call() {
    counter!(DUPLICATE_CALLS).increment(1);
}

/// An ambiguous dial was resolved: `found` at the provider, proven `absent`, or `unknown`.
pub fn ambiguous_dial(resolution: &'static str) {
    counter!(AMBIGUOUS_DIALS, "resolution" => resolution).increment(1);
}

/// A person asked on a call not to be called again.
pub fn opt_out() {
    counter!(OPT_OUTS).increment(1);
}

/// A guardrail paused a campaign (`reason`: `safety-brake`, `budget-reached`).
pub fn guardrail_pause(reason: &'static str) {
    counter!(GUARDRAIL_PAUSES, "reason" => reason).increment(1);
}

/// A group-commit transaction ended: `committed`, `failed` (the commit or the transaction
/// itself failed; every caller is answered with the error) or `rerun` (one caller's work
/// failed; it was rolled back and the rest ran again without it).
pub fn group_commit(size: usize, result: &'static str) {
    counter!(GROUP_COMMITS, "result" => result).increment(1);
    histogram!(GROUP_COMMIT_SIZE).record(size as f64);
}

/// A sweep ran.
pub fn sweep(trigger: &'static str) {
    counter!(SWEEPS_TOTAL, "trigger" => trigger).increment(1);
}

/// This node took a campaign's lease from a node that let it expire.
pub fn lease_takeover() {
    counter!(LEASE_TAKEOVERS).increment(1);
}

/// A write of this node was refused by a campaign lease's fence.
pub fn fencing_rejection() {
    counter!(FENCING_REJECTIONS).increment(1);
}

/// This node's heartbeat: the campaigns it runs and the live nodes it sees.
pub fn cluster(campaigns: usize, nodes: usize) {
    metrics::gauge!(NODE_CAMPAIGNS).set(campaigns as f64);
    metrics::gauge!(CLUSTER_NODES).set(nodes as f64);
}

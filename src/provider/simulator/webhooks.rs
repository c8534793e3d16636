//! Webhook delivery: one ordered queue per call, signed like Vapi would, with the drop,
//! duplicate and delay faults, and retries of non-2xx answers with exponential backoff.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{Shared, lock};

/// Starts the delivery task of one call; messages sent on the returned channel are delivered
/// in order (unless a fault says otherwise). The task ends when the sender is dropped.
pub(crate) fn delivery_queue(shared: &Arc<Shared>) -> mpsc::UnboundedSender<Value> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    let task_shared = shared.clone();
    shared.spawn(async move {
        let shared = task_shared;
        while let Some(message) = rx.recv().await {
            let faults = lock(&shared.config).faults;
            let (drop, delay, duplicate) = {
                let mut state = shared.state();
                let drop = state.rng.chance(faults.webhook_drop_rate);
                let delay = (!drop && state.rng.chance(faults.webhook_delay_rate))
                    .then(|| state.rng.range(faults.webhook_delay_ms));
                let duplicate = !drop && state.rng.chance(faults.webhook_duplicate_rate);
                if drop {
                    state.stats.webhooks_dropped += 1;
                }
                if delay.is_some() {
                    state.stats.webhooks_delayed += 1;
                }
                if duplicate {
                    state.stats.webhooks_duplicated += 1;
                }
                (drop, delay, duplicate)
            };
            if drop {
                continue;
            }
            let copies = if duplicate { 2 } else { 1 };
            match delay {
                Some(ms) => {
                    let delayed = shared.clone();
                    shared.spawn(async move {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        for _ in 0..copies {
                            deliver(&delayed, &message).await;
                        }
                    });
                }
                None => {
                    for _ in 0..copies {
                        deliver(&shared, &message).await;
                    }
                }
            }
        }
    });
    tx
}

/// POSTs one message, retrying non-2xx answers and failures.
async fn deliver(shared: &Shared, message: &Value) {
    let Some(targets) = lock(&shared.webhook_url).clone() else {
        return;
    };
    // Several URLs (comma-separated) are used in turn, attempt by attempt, as a load balancer
    // in front of several autolynx nodes would.
    let targets: Vec<&str> = targets
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if targets.is_empty() {
        return;
    }
    let Ok(body) = serde_json::to_vec(message) else {
        return;
    };
    let (plan, keep, timeline) = {
        let config = lock(&shared.config);
        (
            config.webhook_delivery,
            config.keep_delivered,
            config.keep_timeline,
        )
    };
    // Deliveries are `{"message": {...}}` envelopes.
    let inner = message.get("message").unwrap_or(message);
    let is_final = timeline
        && inner.get("type").and_then(Value::as_str) == Some("status-update")
        && inner.get("status").and_then(Value::as_str) == Some("ended");
    for attempt in 0..=plan.max_retries {
        if attempt > 0 {
            shared.state().stats.webhooks_retried += 1;
            let backoff = plan.backoff_ms.saturating_mul(1 << (attempt - 1).min(16));
            tokio::time::sleep(Duration::from_millis(backoff)).await;
        }
        let turn = shared
            .webhook_turn
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let url = targets[turn % targets.len()];
        let path = reqwest::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/".to_owned());
        // Signed at each attempt, like Vapi: a retry carries a fresh timestamp.
        let mut request = shared
            .http
            .post(url)
            .timeout(Duration::from_millis(plan.timeout_ms))
            .header("content-type", "application/json")
            .body(body.clone());
        match shared.signer.sign("POST", &path, &body, Utc::now()) {
            Ok(headers) => {
                for (name, value) in headers {
                    request = request.header(name, value);
                }
            }
            Err(err) => {
                tracing::warn!(%err, "simulator could not sign a webhook");
            }
        }
        {
            let mut state = shared.state();
            state.stats.webhooks_sent += 1;
            if is_final && attempt == 0 {
                let call = inner.get("call").unwrap_or(&Value::Null);
                let campaign_id = crate::provider::str_at(
                    call,
                    &[
                        "assistantOverrides",
                        "metadata",
                        crate::provider::METADATA_CAMPAIGN_ID,
                    ],
                )
                .or_else(|| {
                    crate::provider::str_at(
                        call,
                        &["metadata", crate::provider::METADATA_CAMPAIGN_ID],
                    )
                })
                .map(str::to_owned);
                state.timeline.push(super::TimelineEntry {
                    at: std::time::Instant::now(),
                    kind: super::TimelineKind::FinalStatusSent,
                    campaign_id,
                });
            }
        }
        let ok = matches!(request.send().await, Ok(r) if r.status().is_success());
        let mut state = shared.state();
        if ok {
            state.stats.webhooks_delivered += 1;
            if keep {
                state.delivered.push(message.clone());
            }
            return;
        }
        state.stats.webhooks_failed += 1;
    }
    shared.state().stats.webhooks_given_up += 1;
}

//! Duplicate provider calls. Vapi has no idempotency key for `POST /call`, so a dial whose
//! answer was lost may still create a call after autolynx resolved that dial another way (a
//! later send was answered, a look-up or a webhook found another call). Such a call carries
//! our call id with a provider id other than the one recorded: it is ended at once through the
//! provider, recorded once on the call's event trail, counted
//! (`autolynx_duplicate_calls_total`), and holds an account permit until it is known to have
//! ended, so the account budget keeps counting what the provider counts.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DbErr;
use serde_json::json;
use uuid::Uuid;

use crate::provider::{ProviderCall, ProviderError};
use crate::runtime::RuntimeContext;
use crate::store;

/// Event type on the call's trail.
pub const DUPLICATE_EVENT: &str = "duplicate-call";

/// Checks of a duplicate's end before its permit is given back anyway.
const END_CHECKS: u32 = 60;
/// Between two checks.
const END_CHECK_EVERY: Duration = Duration::from_millis(500);
/// The end request is repeated every this many checks while the call is still live.
const END_RESEND_EVERY: u32 = 10;

/// A provider call `duplicate` carries the id of our call `call_id`, which is recorded with
/// the provider id `recorded`. `ended`: the news that revealed it says it is already over.
/// Answers `true` the first time this duplicate is seen.
pub async fn found(
    ctx: &Arc<RuntimeContext>,
    call_id: Uuid,
    recorded: &str,
    duplicate: &ProviderCall,
    ended: bool,
) -> Result<bool, DbErr> {
    let payload = json!({
        "providerCallId": duplicate.id,
        "recordedProviderCallId": recorded,
        "status": duplicate.status,
    });
    let dedupe_key = format!("{DUPLICATE_EVENT}:{}", duplicate.id);
    let first = store::events::record(
        &ctx.db,
        &store::events::NewEvent {
            call_id,
            kind: DUPLICATE_EVENT,
            status: None,
            payload: &payload,
            dedupe_key: &dedupe_key,
        },
    )
    .await?;
    if ended {
        // The provider no longer counts it.
        ctx.duplicate_permits().remove(&duplicate.id);
    }
    if !first {
        return Ok(false);
    }
    crate::metrics::duplicate_call();
    tracing::warn!(
        %call_id,
        provider_call_id = %duplicate.id,
        recorded_provider_call_id = %recorded,
        "the provider created a second call for one dial; ending it"
    );
    if !ended {
        // It is live at the provider: it takes its share of the account budget (when one is
        // free) until it is known to have ended.
        if let Ok(permit) = ctx.budget.clone().try_acquire_owned() {
            ctx.duplicate_permits().insert(duplicate.id.clone(), permit);
        }
        let ctx = ctx.clone();
        let duplicate = duplicate.clone();
        tokio::spawn(async move { end(ctx, duplicate).await });
    }
    Ok(true)
}

/// Ends a duplicate through the provider and waits until it is over (or no longer known).
async fn end(ctx: Arc<RuntimeContext>, call: ProviderCall) {
    for check in 0..END_CHECKS {
        if check % END_RESEND_EVERY == 0 {
            match ctx.provider.end_call(&call).await {
                Ok(()) => {}
                Err(ProviderError::NotFound) => break,
                Err(e) => {
                    tracing::warn!(provider_call_id = %call.id, error = %e, "ending a duplicate call failed; will retry");
                }
            }
        }
        tokio::time::sleep(END_CHECK_EVERY).await;
        match ctx.provider.get_call(&call.id).await {
            Ok(c) if c.is_ended() => break,
            Err(ProviderError::NotFound) => break,
            _ => {}
        }
    }
    ctx.duplicate_permits().remove(&call.id);
}

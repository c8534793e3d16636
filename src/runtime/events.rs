//! Runtime events: every call and campaign status change, broadcast to whoever listens (the
//! live-progress streams). Sending never waits: a listener that falls behind loses events
//! and is told so, the runtime is never slowed.

use chrono::{DateTime, Utc};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignStatus};

/// Events buffered per listener before it is considered too slow.
pub const BUS_CAPACITY: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeEvent {
    /// A call's status changed (or its outcome became known).
    Call {
        campaign_id: Uuid,
        call_id: Uuid,
        contact_id: Uuid,
        status: CallStatus,
        outcome: Option<String>,
        ended_reason: Option<String>,
        at: DateTime<Utc>,
    },
    /// A campaign's status changed.
    Campaign {
        campaign_id: Uuid,
        status: CampaignStatus,
        /// Why it is PAUSED (`operator`, `safety-brake`, …), when it is.
        pause_reason: Option<String>,
        /// The numbers behind a guardrail's pause, in words.
        pause_detail: Option<String>,
        at: DateTime<Utc>,
    },
}

impl RuntimeEvent {
    pub fn campaign_id(&self) -> Uuid {
        match self {
            RuntimeEvent::Call { campaign_id, .. } | RuntimeEvent::Campaign { campaign_id, .. } => {
                *campaign_id
            }
        }
    }
}

/// A broadcast channel of [`RuntimeEvent`]s.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<RuntimeEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        Self { tx }
    }
}

impl EventBus {
    pub fn publish(&self, event: RuntimeEvent) {
        // No listener is not an error.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RuntimeEvent> {
        self.tx.subscribe()
    }
}

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

/// A broadcast channel of [`RuntimeEvent`]s. In a cluster, what this node publishes is also
/// forwarded to the other nodes, and theirs are published here.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<RuntimeEvent>,
    forward: std::sync::Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<RuntimeEvent>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        Self {
            tx,
            forward: std::sync::Arc::default(),
        }
    }
}

impl EventBus {
    /// An event of this node: to its listeners, and to the other nodes' when in a cluster.
    pub fn publish(&self, event: RuntimeEvent) {
        if let Some(forward) = self.forward.get() {
            let _ = forward.send(event.clone());
        }
        self.publish_local(event);
    }

    /// An event to this node's listeners only (one another node forwarded).
    pub fn publish_local(&self, event: RuntimeEvent) {
        // No listener is not an error.
        let _ = self.tx.send(event);
    }

    /// From now on every event published is also sent to `forward` (once per bus).
    pub fn forward_to(&self, forward: tokio::sync::mpsc::UnboundedSender<RuntimeEvent>) {
        let _ = self.forward.set(forward);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RuntimeEvent> {
        self.tx.subscribe()
    }
}

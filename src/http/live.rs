//! Live progress over Server-Sent Events: `GET /api/campaigns/{id}/events` (one campaign) and
//! `GET /api/events` (every campaign the caller may see).
//!
//! Each stream is a task (the *pump*) between the runtime's event bus and the HTTP response:
//!
//! - **Late joiners start from a correct snapshot.** The pump subscribes to the bus *first*,
//!   then reads the snapshot from the database, then forwards events. An event that raced with
//!   the snapshot may therefore repeat a state the snapshot already shows; that is harmless
//!   because call and campaign states only move forward (and each stream drops a call event
//!   that would move a call backwards, see [`CallOrder`]).
//! - **`counters` are coalesced**: after any change at most one `counters` event per campaign
//!   every [`COUNTERS_PERIOD`], read from the database in one grouped query, so a busy
//!   campaign does not turn every call event into database reads.
//! - **Bounded buffers, slow clients dropped.** The pump hands events to the response through
//!   a bounded channel of [`STREAM_BUFFER`] events. When it is full (the client does not read
//!   fast enough and the socket buffers are full too) or when the pump itself fell behind the
//!   bus (`RecvError::Lagged`), the stream is cut: nothing more is sent — not even what is
//!   still buffered — and the response ends without an `end` event. The runtime never waits
//!   for anyone: the bus is a broadcast channel whose send never blocks. A client that sees
//!   the stream close without `end` reconnects and gets a fresh snapshot.
//! - **A clean end**: a campaign stream ends after the campaign's COMPLETED, STOPPED or FAILED
//!   event with a final `counters` and an `end` event; if the campaign has already finished at
//!   connect time, right after the snapshot. The all-campaigns stream never ends by itself.
//! - Keep-alive comments every [`KEEP_ALIVE`] let proxies keep the connection open and let the
//!   server notice a client that went away.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use poem::web::Data;
use poem::web::sse::Event;
use poem_openapi::param::Path;
use poem_openapi::payload::EventStream;
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Union};
use sea_orm::DatabaseConnection;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignStatus};
use crate::http::auth::BearerAuth;
use crate::http::campaigns::{CampaignStatusDto, CountersDto, visible_campaign};
use crate::http::common::owner_scope;
use crate::http::error::{ApiError, ApiResult};
use crate::http::{ApiTags, AppState};
use crate::runtime::events::RuntimeEvent;
use crate::store;
use crate::store::campaigns::Counters;

/// Interval of the keep-alive comments.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// At most one `counters` event per campaign in this period.
pub const COUNTERS_PERIOD: Duration = Duration::from_millis(250);
/// Events buffered per stream between the pump and the socket; a stream that would need more
/// is cut.
pub const STREAM_BUFFER: usize = 256;

pub struct LiveApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallStatusDto {
    Queued,
    Ringing,
    InProgress,
    Ended,
    Failed,
    Canceled,
    Timeout,
}

impl From<CallStatus> for CallStatusDto {
    fn from(s: CallStatus) -> Self {
        match s {
            CallStatus::Queued => Self::Queued,
            CallStatus::Ringing => Self::Ringing,
            CallStatus::InProgress => Self::InProgress,
            CallStatus::Ended => Self::Ended,
            CallStatus::Failed => Self::Failed,
            CallStatus::Canceled => Self::Canceled,
            CallStatus::Timeout => Self::Timeout,
        }
    }
}

/// `snapshot`: where the campaign stands when the stream starts.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct SnapshotEvent {
    pub campaign_id: Uuid,
    pub status: CampaignStatusDto,
    pub counters: CountersDto,
    /// Calls per status (QUEUED, RINGING, IN_PROGRESS, ENDED, FAILED, CANCELED, TIMEOUT).
    pub calls_by_status: BTreeMap<String, u64>,
}

/// `call`: a call's status changed, or its outcome became known.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CallEvent {
    pub campaign_id: Uuid,
    pub call_id: Uuid,
    pub contact_id: Uuid,
    pub status: CallStatusDto,
    /// answered, no-answer, busy, voicemail, invalid-number, retryable-error,
    /// permanent-error or unknown; set once the call is terminal.
    pub outcome: Option<String>,
    pub ended_reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// `campaign`: the campaign's status changed.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CampaignEvent {
    pub campaign_id: Uuid,
    pub status: CampaignStatusDto,
    /// Why the campaign is PAUSED.
    pub pause_reason: Option<crate::http::campaigns::PauseReasonDto>,
    /// The numbers that tripped a guardrail, in words.
    pub pause_detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// `counters`: the campaign's live counters (at most every 250 ms while things change).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct CountersEvent {
    pub campaign_id: Uuid,
    #[oai(flatten)]
    pub counters: CountersDto,
}

/// `end`: the campaign finished; the stream closes after this event.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct EndEvent {
    pub campaign_id: Uuid,
    pub status: CampaignStatusDto,
}

/// One Server-Sent Event. The SSE event name is the `type` field; `data` is this object as
/// JSON.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type", one_of)]
pub enum LiveEvent {
    #[oai(mapping = "snapshot")]
    Snapshot(SnapshotEvent),
    #[oai(mapping = "call")]
    Call(CallEvent),
    #[oai(mapping = "campaign")]
    Campaign(CampaignEvent),
    #[oai(mapping = "counters")]
    Counters(CountersEvent),
    #[oai(mapping = "end")]
    End(EndEvent),
}

impl LiveEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Snapshot(_) => "snapshot",
            LiveEvent::Call(_) => "call",
            LiveEvent::Campaign(_) => "campaign",
            LiveEvent::Counters(_) => "counters",
            LiveEvent::End(_) => "end",
        }
    }

    fn snapshot(campaign_id: Uuid, status: CampaignStatus, counters: &Counters) -> Self {
        LiveEvent::Snapshot(SnapshotEvent {
            campaign_id,
            status: status.into(),
            counters: counters.into(),
            calls_by_status: counters.calls_by_status.clone(),
        })
    }

    fn counters(campaign_id: Uuid, counters: &Counters) -> Self {
        LiveEvent::Counters(CountersEvent {
            campaign_id,
            counters: counters.into(),
        })
    }

    fn end(campaign_id: Uuid, status: CampaignStatus) -> Self {
        LiveEvent::End(EndEvent {
            campaign_id,
            status: status.into(),
        })
    }
}

type LiveStream = BoxStream<'static, LiveEvent>;

#[derive(ApiResponse)]
pub enum LiveResponse {
    /// `text/event-stream`: a `snapshot`, then `call`, `campaign` and `counters` events as
    /// things change, keep-alive comments, and `end` when the campaign finishes. A stream
    /// that closes without `end` was cut because the client read too slowly: reconnect.
    #[oai(status = 200)]
    Ok(EventStream<LiveStream>),
}

#[OpenApi(tag = "ApiTags::Campaigns")]
impl LiveApi {
    /// Live progress of one campaign as Server-Sent Events.
    ///
    /// A first `snapshot` (status, counters, calls by status), then a `call` event for every call status change, a
    /// `campaign` event for every campaign status change, `counters` at most every 250 ms
    /// while things change, and a final `counters` + `end` when the campaign is COMPLETED,
    /// STOPPED or FAILED (at once if it already is).
    #[oai(
        path = "/campaigns/:id/events",
        method = "get",
        operation_id = "streamCampaignEvents"
    )]
    async fn campaign_events(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
        id: Path<Uuid>,
    ) -> ApiResult<LiveResponse> {
        let campaign = visible_campaign(&state, &auth.0, id.0).await?;
        // Subscribe before reading the snapshot: nothing that happens after the snapshot
        // can be missed.
        let bus = state.runtime.subscribe();
        let (status, counters) = campaign_state(&state.db, campaign.id).await?;
        let ((tx, cut), stream) = channel();
        // The channel is empty: these cannot fail.
        let _ = tx.try_send(LiveEvent::snapshot(campaign.id, status, &counters));
        if status.is_finished() {
            let _ = tx.try_send(LiveEvent::end(campaign.id, status));
        } else {
            Pump::new(state.db.clone(), bus, tx, cut, Scope::Campaign(campaign.id)).spawn();
        }
        Ok(respond(stream))
    }

    /// Live progress of every campaign as Server-Sent Events (admins; operators get their own
    /// campaigns): a `snapshot` for each campaign in progress, then the same `call`, `campaign`,
    /// `counters` and `end` events as the per-campaign stream, for every campaign.
    ///
    /// This stream does not end by itself.
    #[oai(path = "/events", method = "get", operation_id = "streamEvents")]
    async fn all_events(
        &self,
        auth: BearerAuth,
        state: Data<&AppState>,
    ) -> ApiResult<LiveResponse> {
        let owner = owner_scope(&auth.0);
        let bus = state.runtime.subscribe();
        let active = store::campaigns::active_visible(&state.db, owner).await?;
        let ids: Vec<Uuid> = active.iter().map(|c| c.id).collect();
        let mut counters = store::campaigns::counters(&state.db, &ids).await?;
        let ((tx, cut), stream) = channel();
        let mut visible = HashMap::new();
        for c in &active {
            let status = c.status;
            let counters = counters.remove(&c.id).unwrap_or_default();
            if tx
                .try_send(LiveEvent::snapshot(c.id, status, &counters))
                .is_err()
            {
                // More campaigns in progress than the stream buffers: the rest arrive with
                // their next change.
                break;
            }
            visible.insert(c.id, true);
        }
        Pump::new(
            state.db.clone(),
            bus,
            tx,
            cut,
            Scope::All { owner, visible },
        )
        .spawn();
        Ok(respond(stream))
    }
}

/// The campaign's status and counters now.
async fn campaign_state(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<(CampaignStatus, Counters), ApiError> {
    let campaign = store::campaigns::get(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    let status = campaign.status;
    let counters = store::campaigns::counters(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((status, counters))
}

/// The sending half handed to the pump: the bounded channel and the flag that cuts the
/// stream.
type PumpTx = (mpsc::Sender<LiveEvent>, Arc<AtomicBool>);

/// A bounded channel whose receiving end is the response stream. Once `cut` is set the stream
/// ends at once, dropping whatever is still buffered.
fn channel() -> (PumpTx, LiveStream) {
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    let cut = Arc::new(AtomicBool::new(false));
    let flag = cut.clone();
    let stream = ReceiverStream::new(rx)
        .take_while(move |_| std::future::ready(!flag.load(Ordering::Acquire)))
        .boxed();
    ((tx, cut), stream)
}

fn respond(stream: LiveStream) -> LiveResponse {
    LiveResponse::Ok(EventStream::new(stream).keep_alive(KEEP_ALIVE).to_event(
        |event: LiveEvent| Event::message(event.to_json_string()).event_type(event.name()),
    ))
}

/// What a stream carries.
enum Scope {
    /// One campaign; the stream ends when it finishes.
    Campaign(Uuid),
    /// Every campaign the caller may see.
    All {
        /// Only this owner's campaigns (operators); `None` for admins.
        owner: Option<Uuid>,
        /// Campaign id → whether the caller may see it (a cache of database checks).
        visible: HashMap<Uuid, bool>,
    },
}

/// Per call, the furthest status forwarded, so a stream never shows a call moving backwards
/// even if two changes of one call were published out of order.
#[derive(Default)]
struct CallOrder {
    by_campaign: HashMap<Uuid, HashMap<Uuid, u8>>,
}

impl CallOrder {
    fn rank(status: CallStatus) -> u8 {
        match status {
            CallStatus::Queued => 0,
            CallStatus::Ringing => 1,
            CallStatus::InProgress => 2,
            _ => 3,
        }
    }

    /// Whether an event with `status` may be forwarded; records it if so. A terminal call
    /// may be reported again (its outcome or cost became known).
    fn admit(&mut self, campaign_id: Uuid, call_id: Uuid, status: CallStatus) -> bool {
        let rank = Self::rank(status);
        let calls = self.by_campaign.entry(campaign_id).or_default();
        match calls.get(&call_id) {
            Some(&last) if rank < last || (rank == last && !status.is_terminal()) => false,
            _ => {
                calls.insert(call_id, rank);
                true
            }
        }
    }

    fn forget(&mut self, campaign_id: Uuid) {
        self.by_campaign.remove(&campaign_id);
    }
}

/// Why a pump stops.
enum Stop {
    /// The campaign finished (its `end` was sent) or the client went away.
    Done,
    /// The client or the pump fell behind.
    TooSlow,
}

/// Forwards the bus's events for one stream.
struct Pump {
    db: DatabaseConnection,
    bus: broadcast::Receiver<RuntimeEvent>,
    tx: mpsc::Sender<LiveEvent>,
    cut: Arc<AtomicBool>,
    scope: Scope,
    order: CallOrder,
    /// Campaigns whose counters changed since they were last sent.
    dirty: HashSet<Uuid>,
    /// When the next `counters` may be sent.
    counters_due: Instant,
}

impl Pump {
    fn new(
        db: DatabaseConnection,
        bus: broadcast::Receiver<RuntimeEvent>,
        tx: mpsc::Sender<LiveEvent>,
        cut: Arc<AtomicBool>,
        scope: Scope,
    ) -> Self {
        Self {
            db,
            bus,
            tx,
            cut,
            scope,
            order: CallOrder::default(),
            dirty: HashSet::new(),
            counters_due: Instant::now() + COUNTERS_PERIOD,
        }
    }

    fn spawn(self) {
        tokio::spawn(self.run());
    }

    async fn run(mut self) {
        match self.pump().await {
            Stop::Done => {}
            Stop::TooSlow => {
                self.cut.store(true, Ordering::Release);
                tracing::info!("live-progress client too slow: stream closed");
            }
        }
    }

    async fn pump(&mut self) -> Stop {
        loop {
            let flush = !self.dirty.is_empty();
            tokio::select! {
                biased;
                () = self.tx.closed() => return Stop::Done,
                () = tokio::time::sleep_until(self.counters_due), if flush => {
                    if let Err(stop) = self.flush_counters().await {
                        return stop;
                    }
                }
                received = self.bus.recv() => match received {
                    Ok(event) => {
                        if let Err(stop) = self.forward(event).await {
                            return stop;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "live-progress stream lagged behind the bus");
                        return Stop::TooSlow;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Stop::Done,
                },
            }
        }
    }

    fn send(&self, event: LiveEvent) -> Result<(), Stop> {
        self.tx.try_send(event).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Stop::TooSlow,
            mpsc::error::TrySendError::Closed(_) => Stop::Done,
        })
    }

    /// Whether this stream carries events of `campaign_id`.
    async fn carries(&mut self, campaign_id: Uuid) -> bool {
        match &mut self.scope {
            Scope::Campaign(id) => *id == campaign_id,
            Scope::All { owner: None, .. } => true,
            Scope::All {
                owner: Some(owner),
                visible,
            } => {
                if let Some(known) = visible.get(&campaign_id) {
                    return *known;
                }
                match store::campaigns::get_visible(&self.db, campaign_id, Some(*owner)).await {
                    Ok(found) => {
                        visible.insert(campaign_id, found.is_some());
                        found.is_some()
                    }
                    Err(e) => {
                        // Not cached: checked again at the campaign's next event.
                        tracing::warn!(error = %e, %campaign_id, "campaign visibility check failed");
                        false
                    }
                }
            }
        }
    }

    async fn forward(&mut self, event: RuntimeEvent) -> Result<(), Stop> {
        let campaign_id = event.campaign_id();
        if !self.carries(campaign_id).await {
            return Ok(());
        }
        match event {
            RuntimeEvent::Call {
                campaign_id,
                call_id,
                contact_id,
                status,
                outcome,
                ended_reason,
                at,
            } => {
                if !self.order.admit(campaign_id, call_id, status) {
                    return Ok(());
                }
                self.send(LiveEvent::Call(CallEvent {
                    campaign_id,
                    call_id,
                    contact_id,
                    status: status.into(),
                    outcome,
                    ended_reason,
                    at,
                }))?;
                self.changed(campaign_id);
            }
            RuntimeEvent::Campaign {
                campaign_id,
                status,
                pause_reason,
                pause_detail,
                at,
            } => {
                self.send(LiveEvent::Campaign(CampaignEvent {
                    campaign_id,
                    status: status.into(),
                    pause_reason: pause_reason
                        .as_deref()
                        .map(crate::http::campaigns::PauseReasonDto::parse),
                    pause_detail,
                    at,
                }))?;
                if status.is_finished() {
                    return self.finish(campaign_id, status).await;
                }
                self.changed(campaign_id);
            }
        }
        Ok(())
    }

    fn changed(&mut self, campaign_id: Uuid) {
        if self.dirty.is_empty() {
            // The first change after a quiet spell goes out at once if the last `counters`
            // is old enough; later ones wait for the period.
            self.counters_due = self.counters_due.max(Instant::now());
        }
        self.dirty.insert(campaign_id);
    }

    /// Sends the changed campaigns' counters (one grouped query).
    async fn flush_counters(&mut self) -> Result<(), Stop> {
        self.counters_due = Instant::now() + COUNTERS_PERIOD;
        let ids: Vec<Uuid> = self.dirty.iter().copied().collect();
        match store::campaigns::counters(&self.db, &ids).await {
            Ok(counters) => {
                self.dirty.clear();
                for id in ids {
                    let c = counters.get(&id).cloned().unwrap_or_default();
                    self.send(LiveEvent::counters(id, &c))?;
                }
            }
            // Kept dirty: tried again next period.
            Err(e) => tracing::warn!(error = %e, "could not read live counters"),
        }
        Ok(())
    }

    /// A campaign finished: its final counters, then `end`. Ends a campaign stream.
    async fn finish(&mut self, campaign_id: Uuid, status: CampaignStatus) -> Result<(), Stop> {
        self.dirty.remove(&campaign_id);
        self.order.forget(campaign_id);
        match store::campaigns::counters(&self.db, &[campaign_id]).await {
            Ok(mut counters) => {
                let c = counters.remove(&campaign_id).unwrap_or_default();
                self.send(LiveEvent::counters(campaign_id, &c))?;
            }
            Err(e) => tracing::warn!(error = %e, "could not read final counters"),
        }
        self.send(LiveEvent::end(campaign_id, status))?;
        match self.scope {
            Scope::Campaign(_) => Err(Stop::Done),
            Scope::All { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_never_move_backwards_in_a_stream() {
        let mut order = CallOrder::default();
        let (campaign, call) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(order.admit(campaign, call, CallStatus::Ringing));
        assert!(!order.admit(campaign, call, CallStatus::Queued));
        assert!(!order.admit(campaign, call, CallStatus::Ringing));
        assert!(order.admit(campaign, call, CallStatus::InProgress));
        assert!(order.admit(campaign, call, CallStatus::Ended));
        assert!(!order.admit(campaign, call, CallStatus::InProgress));
        // The end-of-call report enriches a terminal call: reported again.
        assert!(order.admit(campaign, call, CallStatus::Ended));
        order.forget(campaign);
        assert!(order.admit(campaign, call, CallStatus::Queued));
    }

    #[test]
    fn events_are_named_by_their_type() {
        let id = Uuid::now_v7();
        let event = LiveEvent::end(id, CampaignStatus::Completed);
        assert_eq!(event.name(), "end");
        let json: serde_json::Value = serde_json::from_str(&event.to_json_string()).unwrap();
        assert_eq!(json["type"], "end");
        assert_eq!(json["status"], "COMPLETED");
        assert_eq!(json["campaignId"], id.to_string());
        let counters = Counters {
            total_contacts: 3,
            completed: 1,
            ..Counters::default()
        };
        let json: serde_json::Value =
            serde_json::from_str(&LiveEvent::counters(id, &counters).to_json_string()).unwrap();
        assert_eq!(json["type"], "counters");
        assert_eq!(json["totalContacts"], 3);
        assert_eq!(json["completed"], 1);
    }
}

//! The campaign runtime: a root actor owning one supervisor per running campaign, each with a
//! bounded pool of call actors that *is* the campaign's cap. Everything that must survive a
//! crash lives in the database; the actors only hold what can be rebuilt from it.

pub mod call;
pub mod campaign;
pub mod cluster;
pub mod duplicate;
pub mod events;
pub mod root;
pub mod sweep;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;

use ractor::{Actor, ActorRef};
use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::config::Settings;
use crate::domain::call::CallUpdate;
use crate::domain::campaign::CampaignStatus;
use crate::provider::{Provider, ProviderCall};
use crate::store;

use self::call::CallMsg;
use self::events::{EventBus, RuntimeEvent};
use self::root::{RootActor, RootMsg};

/// What every actor needs: the database, the provider and the settings, plus the account-wide
/// concurrency budget and the directory of live call actors.
pub struct RuntimeContext {
    pub db: DatabaseConnection,
    pub provider: Arc<dyn Provider>,
    pub settings: Arc<Settings>,
    /// One permit per call the Vapi account may have live, shared fairly (FIFO) by every
    /// campaign: Vapi's limit is per account, not per campaign.
    pub budget: Arc<Semaphore>,
    /// Every call and campaign status change, for live-progress streams.
    pub events: EventBus,
    calls: Mutex<HashMap<Uuid, ActorRef<CallMsg>>>,
    /// Each running campaign's supervisor, by campaign id.
    supervisors: Mutex<HashMap<Uuid, ActorRef<campaign::CampaignMsg>>>,
    /// Calls whose `POST /call` is on its way. A dial task outlives an actor that is stopped
    /// (its supervisor crashed), so a new tracker must wait for it rather than dial again.
    dials_in_flight: Mutex<HashSet<Uuid>>,
    /// Dials the provider accepted since start (the sweep reports the difference).
    dials_accepted: AtomicU64,
    /// Group commit of the hot path's durable writes.
    writer: store::writer::Writer,
    /// The account permit each placed call holds, by call id (with its campaign). Held here
    /// rather than by the supervisor so that a crashed supervisor's live calls keep their share
    /// of the budget; released when the call is terminal.
    call_permits: Mutex<HashMap<Uuid, (Uuid, OwnedSemaphorePermit)>>,
    /// Per campaign: whether a `POST /call` may leave now. Closed by pause and stop *before*
    /// they answer, and checked by every dial right before it is sent, so nothing leaves after
    /// the operator was told it would not (a retry, a concurrency wait, a claim just before).
    gates: Mutex<HashMap<Uuid, Arc<AtomicBool>>>,
    /// Account permits held by duplicate provider calls until they are known to have ended,
    /// by provider call id.
    duplicate_permits: Mutex<HashMap<String, OwnedSemaphorePermit>>,
    /// This node of a PostgreSQL cluster: the campaign leases it holds, fencing its writes;
    /// `None` on SQLite, where the file lock keeps every other process out.
    pub cluster: Option<Arc<cluster::Cluster>>,
}

impl RuntimeContext {
    pub fn new(
        db: DatabaseConnection,
        provider: Arc<dyn Provider>,
        settings: Arc<Settings>,
    ) -> Arc<Self> {
        Self::clustered(db, provider, settings, None)
    }

    /// [`Self::new`] for a node of a PostgreSQL cluster: it runs the campaigns whose lease it
    /// holds, its claims, dial markers and status changes are written only while the lease is
    /// still its own, and no dial leaves once it has lapsed.
    pub fn clustered(
        db: DatabaseConnection,
        provider: Arc<dyn Provider>,
        settings: Arc<Settings>,
        cluster: Option<Arc<cluster::Cluster>>,
    ) -> Arc<Self> {
        let budget = Arc::new(Semaphore::new(
            settings.provider.max_concurrent_calls as usize,
        ));
        let writer = store::writer::Writer::start(
            db.clone(),
            store::writer::Batching {
                max_batch: settings.database.group_commit_max_batch as usize,
                max_wait: Duration::from_millis(settings.database.group_commit_max_wait_ms),
                writers: settings.database.group_commit_writers.max(1) as usize,
            },
        );
        Arc::new(Self {
            db,
            provider,
            settings,
            budget,
            events: EventBus::default(),
            calls: Mutex::new(HashMap::new()),
            supervisors: Mutex::new(HashMap::new()),
            dials_in_flight: Mutex::new(HashSet::new()),
            dials_accepted: AtomicU64::new(0),
            writer,
            call_permits: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
            duplicate_permits: Mutex::new(HashMap::new()),
            cluster,
        })
    }

    /// A write of this node's own dialing for a campaign (claims, dial markers) through the
    /// group commit, run only in a transaction that finds the campaign's lease still this
    /// node's (see [`cluster`]); without a cluster (SQLite), a plain write.
    pub(crate) async fn write_fenced<R, F>(
        &self,
        campaign_id: Uuid,
        work: F,
    ) -> Result<R, sea_orm::DbErr>
    where
        R: Send + 'static,
        F: for<'t> Fn(
                &'t sea_orm::DatabaseTransaction,
            )
                -> futures_util::future::BoxFuture<'t, Result<R, sea_orm::DbErr>>
            + Send
            + Sync
            + 'static,
    {
        // The epoch is the one this write was decided under, read now: a write still queued
        // when this node lost the lease and took it back (a new epoch, a new supervisor) is
        // refused, not passed under the new epoch.
        let fence = match &self.cluster {
            Some(cluster) => Some((cluster.clone(), cluster.epoch_for_write(campaign_id)?)),
            None => None,
        };
        self.writer
            .write(move |txn| {
                let fence = fence.clone();
                let work = work(txn);
                Box::pin(async move {
                    if let Some((cluster, epoch)) = &fence {
                        cluster.check(txn, campaign_id, *epoch).await?;
                    }
                    work.await
                })
            })
            .await
    }

    /// Claims contacts for dialing (fenced by the campaign's lease). In a cluster, each claim
    /// takes one of the account's slots in the same transaction: only as many contacts as
    /// there are free slots (within this node's fair share while other nodes wait) are claimed,
    /// and `short` says some were left for lack of one.
    pub(crate) async fn claim(
        &self,
        campaign_id: Uuid,
        chosen: Vec<crate::store::entities::contact::Model>,
    ) -> Result<(Vec<crate::store::entities::call::Model>, bool), sea_orm::DbErr> {
        let cluster = self.cluster.clone();
        let max = self.settings.provider.max_concurrent_calls;
        // This node's campaigns that found no slot before this one are served first.
        let ahead = cluster
            .as_ref()
            .map_or(0, |c| c.slot_waiters_ahead(campaign_id));
        let (claimed, short) = self
            .write_fenced(campaign_id, move |txn| {
                let (chosen, cluster) = (chosen.clone(), cluster.clone());
                Box::pin(async move {
                    let Some(cluster) = cluster else {
                        return Ok((store::calls::claim_many_in(txn, &chosen).await?, false));
                    };
                    let mut want = chosen.len();
                    if cluster.others_want_slots() {
                        let held = store::cluster::slots_held(txn, cluster.node()).await?;
                        want = want.min(cluster.slot_room(max, held).saturating_sub(ahead));
                    }
                    // Free slots beyond those left to the campaigns ahead: the ones locked for
                    // them stay free when this transaction ends.
                    let mut slots = store::cluster::lock_free_slots(txn, want + ahead).await?;
                    let slots = slots.split_off(ahead.min(slots.len()));
                    let short = slots.len() < chosen.len();
                    let calls = store::calls::claim_many_in(txn, &chosen[..slots.len()]).await?;
                    let pairs: Vec<(i32, Uuid)> = slots
                        .iter()
                        .copied()
                        .zip(calls.iter().map(|c| c.id))
                        .collect();
                    store::cluster::assign_slots(txn, cluster.node(), &pairs).await?;
                    Ok((calls, short))
                })
            })
            .await?;
        if let Some(cluster) = &self.cluster {
            if short {
                cluster.want_slots(campaign_id);
            } else {
                cluster.got_slots(campaign_id);
            }
        }
        Ok((claimed, short))
    }

    /// Whether a dial for the campaign may leave as far as its lease goes (always, without a
    /// cluster).
    pub(crate) fn holds_lease(&self, campaign_id: Uuid) -> bool {
        self.cluster.as_ref().is_none_or(|c| c.holds(campaign_id))
    }

    /// Whether this node runs the campaign (always, without a cluster).
    pub fn owns(&self, campaign_id: Uuid) -> bool {
        self.cluster.as_ref().is_none_or(|c| c.owns(campaign_id))
    }

    /// The ids of the calls this node's actors follow.
    pub(crate) fn followed_calls(&self) -> Vec<Uuid> {
        self.calls().keys().copied().collect()
    }

    /// Whether a supervisor of this node runs the campaign.
    pub(crate) fn supervises(&self, campaign_id: Uuid) -> bool {
        self.supervisors().contains_key(&campaign_id)
    }

    /// Tells the actors this node has of these calls what the database says of them now (news
    /// stored by another node), in one query.
    pub(crate) async fn refresh_calls(&self, call_ids: &[Uuid]) {
        let actors: HashMap<Uuid, ActorRef<CallMsg>> = call_ids
            .iter()
            .filter_map(|id| self.call_actor(*id).map(|a| (*id, a)))
            .collect();
        if actors.is_empty() {
            return;
        }
        let ids: Vec<Uuid> = actors.keys().copied().collect();
        match store::calls::get_many(&self.db, &ids).await {
            Ok(calls) => {
                for call in calls {
                    if let Some(actor) = actors.get(&call.id) {
                        let news = crate::runtime::call::CallNews::of(&call);
                        let _ = actor.cast(CallMsg::Updated(news));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the calls another node updated")
            }
        }
    }

    /// The campaign's dial gate (closed until its supervisor opens it).
    pub(crate) fn gate(&self, campaign_id: Uuid) -> Arc<AtomicBool> {
        self.gates
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(campaign_id)
            .or_default()
            .clone()
    }

    /// Opens or closes the campaign's dial gate.
    pub(crate) fn set_gate(&self, campaign_id: Uuid, open: bool) {
        self.gate(campaign_id).store(open, Ordering::SeqCst);
    }

    pub(crate) fn duplicate_permits(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, OwnedSemaphorePermit>> {
        self.duplicate_permits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Tells a call's actor that the provider's call for its dial is known (a webhook carried
    /// our id before the dial's answer, or instead of it).
    pub(crate) fn found(&self, call_id: Uuid, call: ProviderCall) {
        if let Some(actor) = self.call_actor(call_id) {
            let _ = actor.cast(CallMsg::Found(call));
        }
    }

    fn permits(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (Uuid, OwnedSemaphorePermit)>> {
        self.call_permits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lets `call_id` hold `permit` until the call is terminal.
    pub(crate) fn hold_permit(
        &self,
        campaign_id: Uuid,
        call_id: Uuid,
        permit: OwnedSemaphorePermit,
    ) {
        self.permits().insert(call_id, (campaign_id, permit));
    }

    /// Whether the call already holds an account permit.
    pub(crate) fn holds_permit(&self, call_id: Uuid) -> bool {
        self.permits().contains_key(&call_id)
    }

    /// Account permits the campaign's calls hold.
    pub(crate) fn permits_held(&self, campaign_id: Uuid) -> usize {
        self.permits()
            .values()
            .filter(|(c, _)| *c == campaign_id)
            .count()
    }

    /// Gives the call's permit back to the budget.
    pub(crate) fn release_permit(&self, call_id: Uuid) {
        let released = self.permits().remove(&call_id);
        drop(released);
    }

    /// Gives back the permits of the campaign's calls that are not in `live` (they ended while
    /// no supervisor followed them).
    pub(crate) fn release_permits_except(&self, campaign_id: Uuid, live: &HashSet<Uuid>) {
        let released: Vec<_> = {
            let mut permits = self.permits();
            let ended: Vec<Uuid> = permits
                .iter()
                .filter(|(call, (c, _))| *c == campaign_id && !live.contains(call))
                .map(|(call, _)| *call)
                .collect();
            ended
                .iter()
                .filter_map(|call| permits.remove(call))
                .collect()
        };
        drop(released);
    }

    fn calls(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, ActorRef<CallMsg>>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn register_call(&self, call_id: Uuid, actor: ActorRef<CallMsg>) {
        self.calls().insert(call_id, actor);
    }

    pub(crate) fn unregister_call(&self, call_id: Uuid, actor: &ActorRef<CallMsg>) {
        let mut calls = self.calls();
        if calls
            .get(&call_id)
            .is_some_and(|a| a.get_id() == actor.get_id())
        {
            calls.remove(&call_id);
        }
    }

    fn supervisors(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Uuid, ActorRef<campaign::CampaignMsg>>> {
        self.supervisors.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn register_supervisor(
        &self,
        campaign_id: Uuid,
        actor: ActorRef<campaign::CampaignMsg>,
    ) {
        self.supervisors().insert(campaign_id, actor);
    }

    pub(crate) fn unregister_supervisor(
        &self,
        campaign_id: Uuid,
        actor: &ActorRef<campaign::CampaignMsg>,
    ) {
        let mut supervisors = self.supervisors();
        if supervisors
            .get(&campaign_id)
            .is_some_and(|a| a.get_id() == actor.get_id())
        {
            supervisors.remove(&campaign_id);
        }
    }

    /// Asks these campaigns' supervisors to look at their contacts again (something outside
    /// them settled some).
    fn wake_campaigns(&self, campaign_ids: &[Uuid]) {
        let supervisors = self.supervisors();
        for id in campaign_ids {
            if let Some(sup) = supervisors.get(id) {
                let _ = sup.cast(campaign::CampaignMsg::Wake);
            }
        }
    }

    fn dials(&self) -> std::sync::MutexGuard<'_, HashSet<Uuid>> {
        self.dials_in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a dial of `call_id` as on its way; `false` when one already is.
    pub(crate) fn begin_dial(&self, call_id: Uuid) -> bool {
        self.dials().insert(call_id)
    }

    pub(crate) fn end_dial(&self, call_id: Uuid) {
        self.dials().remove(&call_id);
    }

    pub(crate) fn dial_in_flight(&self, call_id: Uuid) -> bool {
        self.dials().contains(&call_id)
    }

    fn call_actor(&self, call_id: Uuid) -> Option<ActorRef<CallMsg>> {
        self.calls().get(&call_id).cloned()
    }

    /// Whether a call actor follows this call (the sweep leaves those alone).
    pub fn has_call_actor(&self, call_id: Uuid) -> bool {
        self.calls().contains_key(&call_id)
    }

    /// `POST /call` answered `latency` after the dial started; `accepted` when the provider
    /// created the call.
    pub fn record_dial_answer(&self, latency: Duration, accepted: bool) {
        if accepted {
            self.dials_accepted.fetch_add(1, Ordering::Relaxed);
        }
        crate::metrics::dial_answered(latency, accepted);
    }

    /// Dials the provider accepted since the runtime started.
    pub fn dials_accepted(&self) -> u64 {
        self.dials_accepted.load(Ordering::Relaxed)
    }

    /// Applies what was learned about a call (the one transition function), then publishes
    /// the change. Every writer of call state goes through here.
    pub async fn apply(
        &self,
        call_id: Uuid,
        update: &CallUpdate,
    ) -> Result<Option<store::calls::Applied>, sea_orm::DbErr> {
        self.apply_through(None, call_id, update).await
    }

    /// [`Self::apply`] for this node's own decision about a call of a campaign it runs (a dial
    /// given back unsent, a call failed here), fenced by the campaign's lease: a node that lost
    /// the campaign must not settle a call its new owner may be placing or following.
    pub(crate) async fn apply_decided(
        &self,
        campaign_id: Uuid,
        call_id: Uuid,
        update: &CallUpdate,
    ) -> Result<Option<store::calls::Applied>, sea_orm::DbErr> {
        self.apply_through(Some(campaign_id), call_id, update).await
    }

    /// The group commit's write of a call update, fenced by `fence`'s lease when given.
    async fn apply_through(
        &self,
        fence: Option<Uuid>,
        call_id: Uuid,
        update: &CallUpdate,
    ) -> Result<Option<store::calls::Applied>, sea_orm::DbErr> {
        let work = apply_work(call_id, self.scrubbed(update));
        let applied = match fence {
            Some(campaign_id) => self.write_fenced(campaign_id, work).await?,
            None => self.writer.write(work).await?,
        };
        if let Some(a) = &applied {
            self.announce(a, update);
        }
        Ok(applied)
    }

    /// The update without what switched-off features must not keep (transcripts, costs).
    fn scrubbed(&self, update: &CallUpdate) -> CallUpdate {
        let mut update = update.clone();
        let features = &self.settings.features;
        update.scrub(features.transcript_storage, features.cost_tracking);
        update
    }

    /// The group-commit writer: the hot path's durable writes share its transactions.
    pub fn writer(&self) -> &store::writer::Writer {
        &self.writer
    }

    /// Counts and publishes what an applied update changed.
    fn announce(&self, a: &store::calls::Applied, update: &CallUpdate) {
        if a.became_terminal {
            // Vapi no longer counts it: its share of the account budget is free again.
            self.release_permit(a.call.id);
            crate::metrics::call_terminal(a.call.status.as_str(), a.call.outcome.as_deref());
        }
        if a.status_changed || a.call.outcome.is_some() && update.cost.is_some() {
            self.events.publish(RuntimeEvent::Call {
                campaign_id: a.call.campaign_id,
                call_id: a.call.id,
                contact_id: a.call.contact_id,
                status: a.call.status,
                outcome: a.call.outcome.clone(),
                ended_reason: a.call.ended_reason.clone(),
                at: Utc::now(),
            });
        }
    }

    /// Tells a call's actor, if it has one, that its status changed in the database.
    fn notify(&self, a: &store::calls::Applied) {
        if a.status_changed
            && let Some(actor) = self.call_actor(a.call.id)
        {
            let _ = actor.cast(CallMsg::Updated(crate::runtime::call::CallNews::of(
                &a.call,
            )));
        }
    }

    /// Moves a campaign `from → to` (conditional on `from`), then publishes the change.
    pub async fn transition_campaign(
        &self,
        campaign_id: Uuid,
        from: CampaignStatus,
        to: CampaignStatus,
        detail: Option<&str>,
    ) -> Result<bool, sea_orm::DbErr> {
        self.transition(campaign_id, from, to, detail, None, false)
            .await
    }

    /// [`Self::transition_campaign`] by the campaign's supervisor, with the words that explain
    /// a guardrail's pause: in a cluster, written only while this node still holds the
    /// campaign's lease.
    pub async fn transition_campaign_explained(
        &self,
        campaign_id: Uuid,
        from: CampaignStatus,
        to: CampaignStatus,
        detail: Option<&str>,
        pause_detail: Option<&str>,
    ) -> Result<bool, sea_orm::DbErr> {
        self.transition(campaign_id, from, to, detail, pause_detail, true)
            .await
    }

    async fn transition(
        &self,
        campaign_id: Uuid,
        from: CampaignStatus,
        to: CampaignStatus,
        detail: Option<&str>,
        pause_detail: Option<&str>,
        fenced: bool,
    ) -> Result<bool, sea_orm::DbErr> {
        let moved = match self.cluster.as_ref().filter(|_| fenced) {
            Some(cluster) => {
                use sea_orm::TransactionTrait;
                let epoch = cluster.epoch_for_write(campaign_id)?;
                let txn = self.db.begin().await?;
                cluster.check(&txn, campaign_id, epoch).await?;
                let moved = store::campaigns::transition_explained(
                    &txn,
                    campaign_id,
                    from,
                    to,
                    detail,
                    pause_detail,
                )
                .await?;
                txn.commit().await?;
                moved
            }
            None => {
                store::campaigns::transition_explained(
                    &self.db,
                    campaign_id,
                    from,
                    to,
                    detail,
                    pause_detail,
                )
                .await?
            }
        };
        if moved {
            let paused = to == CampaignStatus::Paused;
            self.events.publish(RuntimeEvent::Campaign {
                campaign_id,
                status: to,
                pause_reason: paused.then(|| {
                    detail
                        .unwrap_or(store::campaigns::PAUSED_BY_OPERATOR)
                        .to_owned()
                }),
                pause_detail: pause_detail.filter(|_| paused).map(str::to_owned),
                at: Utc::now(),
            });
        }
        Ok(moved)
    }
}

/// An operator's command for a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Pause,
    Resume,
    Stop(StopMode),
}

impl Command {
    /// Whether a campaign in `status` shows this command carried out (pause and stop only:
    /// start and resume lead to several states another cause could also explain).
    pub fn shows_in(self, status: CampaignStatus) -> bool {
        match self {
            Command::Pause => status == CampaignStatus::Paused,
            Command::Stop(_) => status == CampaignStatus::Stopped,
            Command::Start | Command::Resume => false,
        }
    }
}

/// How a stop treats calls in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopMode {
    /// Calls in progress finish.
    Finish,
    /// Calls in progress are ended through the provider.
    Hangup,
}

impl StopMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StopMode::Finish => "finish",
            StopMode::Hangup => "hangup",
        }
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ControlError {
    #[error("no such campaign")]
    NotFound,
    #[error("a {current} campaign cannot {command}")]
    Illegal {
        current: CampaignStatus,
        command: &'static str,
    },
    #[error("the runtime could not carry out the command: {0}")]
    Internal(String),
    /// The command is refused for a reason of the campaign's own (its budget is reached).
    #[error("{0}")]
    Refused(String),
    /// The node running the campaign did not answer in time, or it changed hands meanwhile:
    /// asking again is safe.
    #[error("{0}")]
    Unavailable(String),
}

impl Command {
    /// The one rule for operators' commands: the status a campaign in `current` moves to, or
    /// why it cannot. Resume answers QUEUED; the supervisor refines it to what is true (DIALING
    /// or RUNNING when calls were placed or are live).
    pub fn target(self, current: CampaignStatus) -> Result<CampaignStatus, ControlError> {
        use CampaignStatus::*;
        let to = match (self, current) {
            (Command::Start, Created) => Queued,
            (Command::Pause, s) if s.dials() => Paused,
            (Command::Resume, Paused) => Queued,
            (Command::Stop(_), s) if !s.is_finished() => Stopped,
            _ => {
                return Err(ControlError::Illegal {
                    current,
                    command: self.name(),
                });
            }
        };
        Ok(to)
    }

    pub fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Pause => "pause",
            Command::Resume => "resume",
            Command::Stop(_) => "stop",
        }
    }
}

/// Timeout for asking an actor something from an HTTP handler.
const CALL_TIMEOUT_MS: u64 = 10_000;

/// The handle the rest of the service uses.
#[derive(Clone)]
pub struct Runtime {
    ctx: Arc<RuntimeContext>,
    root: ActorRef<RootMsg>,
}

impl Runtime {
    /// Starts the root actor, which resumes every unfinished campaign found in the database.
    pub async fn start(ctx: Arc<RuntimeContext>) -> anyhow::Result<Self> {
        let (root, _) = Actor::spawn(None, RootActor, ctx.clone())
            .await
            .map_err(|e| anyhow::anyhow!("could not start the runtime: {e}"))?;
        Ok(Self { ctx, root })
    }

    pub fn context(&self) -> &Arc<RuntimeContext> {
        &self.ctx
    }

    /// Every call and campaign status change from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<RuntimeEvent> {
        self.ctx.events.subscribe()
    }

    /// Carries out an operator's command and answers with the campaign's new status. In a
    /// cluster, the node running the campaign carries it out (this one answers when it has, or
    /// when it did not in time); a campaign nobody runs is taken by this node first, except a
    /// start beyond this node's fair share (another node takes it at once).
    pub async fn control(
        &self,
        campaign_id: Uuid,
        command: Command,
    ) -> Result<CampaignStatus, ControlError> {
        let Some(cluster) = self.ctx.cluster.clone() else {
            return self.control_here(campaign_id, command).await;
        };
        let internal = |e: sea_orm::DbErr| ControlError::Internal(e.to_string());
        let db = &self.ctx.db;
        for _ in 0..3 {
            if cluster.owns(campaign_id) {
                return self.control_here(campaign_id, command).await;
            }
            match store::cluster::owner(db, campaign_id)
                .await
                .map_err(internal)?
            {
                Some((node, _)) if node != cluster.node() => {
                    return self.forward(&cluster, node, campaign_id, command).await;
                }
                Some(_) => {}
                None => {
                    // A start is taken here below this node's share (never by a node that
                    // cannot dial); the other commands by whichever node receives them.
                    let take = command != Command::Start
                        || (cluster.dials() && {
                            let running = store::cluster::owned_campaigns(db)
                                .await
                                .map_err(internal)?
                                .len();
                            cluster.owned().len() < cluster.fair_share(running + 1)
                        });
                    if !take {
                        // Moved to QUEUED here; a node below its share takes it at once.
                        let result = self.control_here(campaign_id, command).await;
                        cluster::send(db, &cluster::Message::Wake).await;
                        return result;
                    }
                    if cluster.take(db, campaign_id).await.map_err(internal)? {
                        let result = self.control_here(campaign_id, command).await;
                        if !self.ctx.supervises(campaign_id) {
                            // Nothing to run (a campaign stopped before it started).
                            cluster.release(db, campaign_id).await;
                        }
                        return result;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(ControlError::Unavailable(
            "the campaign changed hands between nodes while the command was routed; send it again"
                .into(),
        ))
    }

    /// Sends the command to the node that runs the campaign and waits for its answer.
    async fn forward(
        &self,
        cluster: &cluster::Cluster,
        to: Uuid,
        campaign: Uuid,
        command: Command,
    ) -> Result<CampaignStatus, ControlError> {
        let request = Uuid::now_v7();
        let answer = cluster.expect(request);
        let message = cluster::Message::Command {
            request,
            from: cluster.node(),
            to,
            campaign,
            command,
        };
        cluster::send(&self.ctx.db, &message).await;
        match tokio::time::timeout(Duration::from_millis(CALL_TIMEOUT_MS), answer).await {
            Ok(Ok(result)) => result,
            _ => {
                cluster.forget_request(request);
                // The owner may have acted after all, its answer late or lost (this node's
                // listener reconnecting): a pause or a stop the database shows is answered as
                // done rather than "send it again".
                if let Ok(Some(now)) = store::campaigns::get(&self.ctx.db, campaign).await
                    && command.shows_in(now.status)
                {
                    return Ok(now.status);
                }
                Err(ControlError::Unavailable(
                    "the node running this campaign did not answer in time; send the command again \
                     (it takes the campaign over if that node is gone)"
                        .into(),
                ))
            }
        }
    }

    /// A command another node forwarded: carried out if this node still runs the campaign.
    async fn control_forwarded(
        &self,
        campaign: Uuid,
        command: Command,
    ) -> Result<CampaignStatus, ControlError> {
        if !self.ctx.owns(campaign) {
            return Err(ControlError::Unavailable(
                "the campaign changed hands between nodes while the command was routed; send it again"
                    .into(),
            ));
        }
        self.control_here(campaign, command).await
    }

    /// Carries out a command for a campaign this node runs (or may run).
    async fn control_here(
        &self,
        campaign_id: Uuid,
        command: Command,
    ) -> Result<CampaignStatus, ControlError> {
        ractor::call_t!(
            self.root,
            RootMsg::Control,
            CALL_TIMEOUT_MS,
            campaign_id,
            command
        )
        .map_err(|e| ControlError::Internal(e.to_string()))?
    }

    /// Whether the root actor is alive, and how many supervisors it runs.
    pub async fn supervisors(&self) -> Option<usize> {
        ractor::call_t!(self.root, RootMsg::Count, 2_000).ok()
    }

    /// Starts supervisors for runnable campaigns that have none (all of them, or just
    /// `campaign`); answers the ids adopted.
    ///
    /// In a cluster, runnable campaigns without an owner are taken first (`campaign` whatever
    /// this node's share, or all of them up to it); campaigns another node runs are left to it.
    pub async fn adopt(&self, campaign: Option<Uuid>) -> Result<Vec<Uuid>, ControlError> {
        let mut adopted = Vec::new();
        if let Some(cluster) = self.ctx.cluster.clone() {
            adopted = self
                .balance(&cluster, campaign)
                .await
                .map_err(|e| ControlError::Internal(e.to_string()))?;
        }
        for id in self.adopt_owned(campaign).await? {
            if !adopted.contains(&id) {
                adopted.push(id);
            }
        }
        Ok(adopted)
    }

    /// Starts supervisors for the runnable campaigns this node runs that have none.
    async fn adopt_owned(&self, campaign: Option<Uuid>) -> Result<Vec<Uuid>, ControlError> {
        ractor::call_t!(self.root, RootMsg::Adopt, CALL_TIMEOUT_MS, campaign)
            .map_err(|e| ControlError::Internal(e.to_string()))
    }

    /// Stops running a campaign whose lease this node lost: its supervisor and call actors are
    /// stopped without writing anything, and its calls' account permits are given back here.
    pub async fn disown(&self, campaign_id: Uuid) {
        let _ = ractor::call_t!(self.root, RootMsg::Disown, CALL_TIMEOUT_MS, campaign_id);
    }

    /// One round of the cluster: heartbeat, renewals (a lost lease stops its supervisor), the
    /// fair share of orphaned campaigns taken, leases of finished campaigns handed back, the
    /// slots of ended calls freed, and the calls this node follows checked against the database
    /// (news another node stored whose notification was lost).
    pub async fn cluster_round(&self) {
        let Some(cluster) = self.ctx.cluster.clone() else {
            return;
        };
        let db = &self.ctx.db;
        if let Err(e) = cluster.heartbeat(db).await {
            tracing::warn!(error = %e, "could not send this node's heartbeat");
        }
        match cluster.renew(db).await {
            Ok(lost) => {
                for campaign in lost {
                    tracing::error!(
                        %campaign,
                        "lost the campaign's lease (it lapsed, or another node took it over): its supervisor \
                         stops here and this node places no more calls for it"
                    );
                    self.disown(campaign).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the campaign leases; no call is placed for a campaign once its lease lapses");
                return;
            }
        }
        if let Err(e) = self.balance(&cluster, None).await {
            tracing::warn!(error = %e, "could not look for campaigns to run");
        }
        // A slot whose call ended on a path that did not free it (rare), and slots above a
        // lowered limit: every tenth round.
        if cluster.next_round() % 10 == 0 {
            let max = self.ctx.settings.provider.max_concurrent_calls;
            let tidied = async {
                store::cluster::reclaim_slots(db).await?;
                store::cluster::trim_slots(db, max).await
            };
            if let Err(e) = tidied.await {
                tracing::warn!(error = %e, "could not free the account slots of ended calls");
            }
        }
        // Alone, this node stored every end itself; with others, one may have been stored
        // elsewhere and its notification lost.
        if cluster.live_count() > 1 {
            let followed = self.ctx.followed_calls();
            for chunk in followed.chunks(1_000) {
                match store::calls::ended_among(db, chunk).await {
                    Ok(ended) => self.ctx.refresh_calls(&ended).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not check the calls this node follows");
                        break;
                    }
                }
            }
        }
    }

    /// Takes orphaned campaigns up to this node's fair share (`only`: that one, whatever the
    /// share) and starts their supervisors; hands back the leases of campaigns that no longer
    /// run. Answers the campaigns taken.
    async fn balance(
        &self,
        cluster: &cluster::Cluster,
        only: Option<Uuid>,
    ) -> Result<Vec<Uuid>, sea_orm::DbErr> {
        let db = &self.ctx.db;
        // Who holds what is read before what is runnable: a campaign released in between was
        // finished before, so it is not read runnable after (read the other way round, a
        // finished campaign's lease handed back meanwhile would be taken again for nothing).
        let held: HashSet<Uuid> = store::cluster::owned_campaigns(db)
            .await?
            .into_iter()
            .collect();
        let runnable: Vec<Uuid> = store::campaigns::runnable(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        if only.is_none() {
            // Not one taken a moment ago by a command: its supervisor may not run yet.
            for campaign in cluster.owned_since(cluster.every()) {
                if !runnable.contains(&campaign) && !self.ctx.supervises(campaign) {
                    cluster.release(db, campaign).await;
                }
            }
        }
        let mut taken = Vec::new();
        if self.ctx.settings.vapi.api_key.is_none() {
            return Ok(taken);
        }
        let share = match only {
            Some(_) => usize::MAX,
            None => cluster.fair_share(runnable.len()),
        };
        let mut mine = cluster.owned().len();
        for &campaign in &runnable {
            if mine >= share {
                break;
            }
            if only.is_some_and(|id| id != campaign)
                || held.contains(&campaign)
                || !cluster.take(db, campaign).await?
            {
                continue;
            }
            mine += 1;
            // Whatever stops its supervisor from starting here hands the lease back (a lease
            // held without a supervisor would keep the campaign from running anywhere).
            let started = match store::cluster::adopt_slots(db, campaign, cluster.node()).await {
                Ok(()) => self.adopt_owned(Some(campaign)).await,
                Err(e) => Err(ControlError::Internal(e.to_string())),
            };
            match started {
                Ok(ids) if ids.is_empty() && !self.ctx.supervises(campaign) => {
                    // It finished meanwhile: nothing to run.
                    cluster.release(db, campaign).await;
                    mine -= 1;
                }
                Ok(ids) => taken.extend(ids),
                Err(e) => {
                    tracing::warn!(%campaign, error = %e, "could not start the supervisor of a campaign taken; its lease is handed back");
                    if !self.ctx.supervises(campaign) {
                        cluster.release(db, campaign).await;
                        mine -= 1;
                    }
                }
            }
        }
        // Above its share while another node has room (it joined, or came back after a
        // restart): one campaign a round is handed to the others, the one with the fewest live
        // calls here. Never below the share, so the shares settle and nothing bounces.
        if only.is_none() && mine > share && cluster.another_has_room(share) {
            let candidate = cluster
                .owned_since(cluster.every())
                .into_iter()
                .filter(|c| runnable.contains(c) && self.ctx.supervises(*c))
                .min_by_key(|c| self.ctx.permits_held(*c));
            if let Some(campaign) = candidate {
                self.hand_over(cluster, campaign).await;
            }
        }
        Ok(taken)
    }

    /// Hands a running campaign to another node: its supervisor stops here without writing (as
    /// when a lease is lost, so no dial leaves from here any more) and its lease is handed
    /// back; a node below its share takes it and follows its live calls, as after a SIGTERM.
    async fn hand_over(&self, cluster: &cluster::Cluster, campaign: Uuid) {
        let Some(epoch) = cluster.epoch(campaign) else {
            return;
        };
        tracing::info!(%campaign, "handing a campaign to a node below its share");
        self.disown(campaign).await;
        let db = &self.ctx.db;
        if let Err(e) = store::cluster::release(db, campaign, cluster.node(), epoch).await {
            tracing::warn!(%campaign, error = %e, "could not hand the campaign's lease back; it expires by itself");
        }
        cluster::send(db, &cluster::Message::Wake).await;
    }

    /// A message from the cluster's channel.
    pub(crate) async fn on_cluster_message(&self, message: cluster::Message) {
        let Some(cluster) = self.ctx.cluster.clone() else {
            return;
        };
        match message {
            cluster::Message::Wake => cluster.wake.notify_one(),
            cluster::Message::Call(call) => self.ctx.refresh_calls(&[call]).await,
            cluster::Message::Command {
                request,
                from,
                to,
                campaign,
                command,
            } if to == cluster.node() => {
                let runtime = self.clone();
                tokio::spawn(async move {
                    let result = runtime.control_forwarded(campaign, command).await;
                    let answer = cluster::Message::Answer {
                        request,
                        to: from,
                        result,
                    };
                    cluster::send(&runtime.ctx.db, &answer).await;
                });
            }
            cluster::Message::Answer {
                request,
                to,
                result,
            } if to == cluster.node() => cluster.answered(request, result),
            cluster::Message::Event { from, event } if from != cluster.node() => {
                self.ctx.events.publish_local(event);
            }
            _ => {}
        }
    }

    /// Test hook: kills a campaign's supervisor (and its call actors) without the root
    /// restarting it, as a supervisor lost to a bug would be; the sweep must adopt it.
    #[doc(hidden)]
    pub async fn kill_supervisor_for_test(&self, campaign_id: Uuid) -> bool {
        ractor::call_t!(
            self.root,
            RootMsg::KillForTest,
            CALL_TIMEOUT_MS,
            campaign_id
        )
        .unwrap_or(false)
    }

    /// Test hook: keeps a campaign's supervisor busy for `busy` (its mailbox waits).
    #[doc(hidden)]
    pub fn inject_supervisor_stall(&self, campaign_id: Uuid, busy: Duration) {
        let _ = self.root.cast(RootMsg::InjectStall(campaign_id, busy));
    }

    /// Test hook: makes a campaign's supervisor panic, to exercise supervision.
    #[doc(hidden)]
    pub fn inject_supervisor_panic(&self, campaign_id: Uuid) {
        let _ = self.root.cast(RootMsg::InjectPanic(campaign_id));
    }

    /// Stops every actor. Calls stay recorded in the database and are adopted at next start.
    pub async fn shutdown(&self) {
        let _ = ractor::call_t!(self.root, RootMsg::Shutdown, CALL_TIMEOUT_MS);
        let _ = self
            .root
            .stop_and_wait(None, Some(Duration::from_secs(5)))
            .await;
    }
}

/// Variables sent to the assistant: the contact's extra columns plus its name and business.
pub fn variable_values(
    contact: &crate::store::entities::contact::Model,
) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> =
        serde_json::from_value(contact.variables_json.clone()).unwrap_or_default();
    values.insert("name".to_owned(), contact.name.clone());
    values.insert("business_name".to_owned(), contact.business_name.clone());
    values
}

/// Applies an update and tells the call's actor about a status change (news from outside the
/// actor: webhooks).
pub async fn apply_and_notify(
    ctx: &RuntimeContext,
    call_id: Uuid,
    update: &CallUpdate,
) -> Result<Option<store::calls::Applied>, sea_orm::DbErr> {
    let applied = ctx.apply(call_id, update).await?;
    if let Some(a) = &applied {
        ctx.notify(a);
        tell_owner(ctx, a).await;
    }
    Ok(applied)
}

/// Stores a webhook event and applies its update in one transaction, then publishes the change
/// and tells the call's actor. `Duplicate` when the event was already stored.
pub async fn record_and_apply(
    ctx: &RuntimeContext,
    event: &store::events::NewEvent<'_>,
    update: Option<&CallUpdate>,
) -> Result<store::calls::Recorded, sea_orm::DbErr> {
    let (call_id, kind, status, payload, key) = (
        event.call_id,
        event.kind.to_owned(),
        event.status.map(str::to_owned),
        event.payload.clone(),
        event.dedupe_key.to_owned(),
    );
    let owned = update.map(|u| ctx.scrubbed(u));
    let recorded = ctx
        .writer
        .write(move |txn| {
            let (kind, status, payload, key, owned) = (
                kind.clone(),
                status.clone(),
                payload.clone(),
                key.clone(),
                owned.clone(),
            );
            Box::pin(async move {
                let event = store::events::NewEvent {
                    call_id,
                    kind: &kind,
                    status: status.as_deref(),
                    payload: &payload,
                    dedupe_key: &key,
                };
                store::calls::record_and_apply_in(txn, &event, owned.as_ref()).await
            })
        })
        .await?;
    if let (store::calls::Recorded::Stored(Some(a)), Some(update)) = (&recorded, update) {
        if let Some(why) = &update.opt_out {
            tracing::info!(
                call_id = %a.call.id,
                campaign_id = %a.call.campaign_id,
                reason = %why,
                "the person asked not to be called again: the number is on the do-not-call list"
            );
            crate::metrics::opt_out();
        }
        ctx.announce(a, update);
        ctx.notify(a);
        tell_owner(ctx, a).await;
        // A campaign whose last waiting contact the opt-out settled finishes now, not at its
        // next wake-up.
        ctx.wake_campaigns(&a.opted_out_in);
    }
    Ok(recorded)
}

/// In a cluster, a call that another node follows learns of its change through that node's
/// listener (and, should the notification be lost, its poll).
async fn tell_owner(ctx: &RuntimeContext, a: &store::calls::Applied) {
    if let Some(cluster) = &ctx.cluster
        && a.status_changed
        && !ctx.has_call_actor(a.call.id)
        && !cluster.owns(a.call.campaign_id)
    {
        cluster::send(&ctx.db, &cluster::Message::Call(a.call.id)).await;
    }
}

/// The group commit's work of applying `update` to a call.
fn apply_work(
    call_id: Uuid,
    update: CallUpdate,
) -> impl for<'t> Fn(
    &'t sea_orm::DatabaseTransaction,
) -> futures_util::future::BoxFuture<
    't,
    Result<Option<store::calls::Applied>, sea_orm::DbErr>,
> + Send
+ Sync
+ 'static {
    move |txn| {
        let update = update.clone();
        Box::pin(async move { store::calls::apply_in(txn, call_id, &update).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pause_or_a_stop_is_read_off_the_campaigns_status() {
        assert!(Command::Pause.shows_in(CampaignStatus::Paused));
        assert!(!Command::Pause.shows_in(CampaignStatus::Running));
        assert!(Command::Stop(StopMode::Hangup).shows_in(CampaignStatus::Stopped));
        assert!(!Command::Stop(StopMode::Finish).shows_in(CampaignStatus::Completed));
        for status in CampaignStatus::ALL {
            assert!(!Command::Start.shows_in(status));
            assert!(!Command::Resume.shows_in(status));
        }
    }
}

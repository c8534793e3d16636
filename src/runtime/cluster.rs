//! Several processes (nodes) on one PostgreSQL database, each running a fair share of the
//! campaigns (see `store::cluster` for the tables). PostgreSQL is the only coordinator: leases
//! judged by its clock, fenced writes, a slot table for the account's limit, and `LISTEN/NOTIFY`
//! for news between nodes (with polling behind it, since a notification is lost while a
//! listener reconnects).
//!
//! Two checks guard every dial of a campaign. In the database, the claim and the dial marker are
//! written only in a transaction that finds the campaign's lease still this node's at its epoch
//! (a node that lost it writes nothing, so it sends nothing). In memory, right before
//! `POST /call` leaves, the lease must still be valid by the local clock: it is counted from
//! when the last successful renewal was *sent*, so it ends no later than the database's expiry
//! (clocks run at the same rate; their offsets do not matter). A process paused past its
//! expiry therefore finds its leases over when it wakes, before its renewal even runs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use tokio::sync::{Notify, oneshot};
use uuid::Uuid;

use crate::domain::campaign::{CallStatus, CampaignStatus};
use crate::runtime::events::RuntimeEvent;
use crate::runtime::{Command, ControlError, StopMode};
use crate::store;
use crate::store::cluster::Node;

#[derive(Debug, Clone, Copy)]
struct Lease {
    epoch: i64,
    /// When the lease ends by the local clock (see the module's text).
    valid_until: Instant,
    /// When this node took it.
    taken: Instant,
}

/// This node: its id, its campaign leases and what it knows of the others.
pub struct Cluster {
    node: Uuid,
    holder: String,
    ttl: Duration,
    every: Duration,
    /// This node can place calls (it has the provider's key); one that cannot takes no
    /// campaign and is not counted in the shares.
    dials: bool,
    leases: Mutex<HashMap<Uuid, Lease>>,
    /// The live nodes, as of the last heartbeat.
    nodes: Mutex<Vec<Node>>,
    /// A campaign of this node found no free account slot since the last heartbeat.
    wants_slots: AtomicBool,
    /// This node's campaigns waiting for account slots, first come first served, with when
    /// each last asked (one that stopped asking — paused, finished — drops out).
    slot_queue: Mutex<std::collections::VecDeque<(Uuid, Instant)>>,
    /// Asks the cluster loop to look at the campaigns now rather than at its next tick.
    pub(crate) wake: Notify,
    /// Commands sent to other nodes, waiting for their answer, by request id.
    pending: Mutex<HashMap<Uuid, oneshot::Sender<Result<CampaignStatus, ControlError>>>>,
    rounds: AtomicU64,
}

impl Cluster {
    pub fn new(node: Uuid, holder: String, ttl: Duration, every: Duration, dials: bool) -> Self {
        Self {
            node,
            holder,
            ttl,
            every,
            dials,
            leases: Mutex::new(HashMap::new()),
            nodes: Mutex::new(Vec::new()),
            wants_slots: AtomicBool::new(false),
            slot_queue: Mutex::new(std::collections::VecDeque::new()),
            wake: Notify::new(),
            pending: Mutex::new(HashMap::new()),
            rounds: AtomicU64::new(0),
        }
    }

    pub fn node(&self) -> Uuid {
        self.node
    }

    /// Whether this node can place calls (and so takes campaigns).
    pub fn dials(&self) -> bool {
        self.dials
    }

    /// Counts a round; answers how many came before it.
    pub(crate) fn next_round(&self) -> u64 {
        self.rounds.fetch_add(1, Ordering::Relaxed)
    }

    pub fn every(&self) -> Duration {
        self.every
    }

    fn leases(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Lease>> {
        self.leases.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this node holds the campaign's lease (as of its last renewal).
    pub fn owns(&self, campaign: Uuid) -> bool {
        self.leases().contains_key(&campaign)
    }

    /// The campaigns this node holds.
    pub fn owned(&self) -> Vec<Uuid> {
        self.leases().keys().copied().collect()
    }

    /// The campaigns this node has held for at least `age` (not those a command is just
    /// starting).
    pub fn owned_since(&self, age: Duration) -> Vec<Uuid> {
        self.leases()
            .iter()
            .filter(|(_, l)| l.taken.elapsed() >= age)
            .map(|(c, _)| *c)
            .collect()
    }

    /// Whether a dial for the campaign may leave now: its lease is valid by the local clock.
    pub fn holds(&self, campaign: Uuid) -> bool {
        self.leases()
            .get(&campaign)
            .is_some_and(|l| Instant::now() < l.valid_until)
    }

    /// The live nodes, as of the last heartbeat (at least this one).
    pub fn nodes(&self) -> Vec<Node> {
        self.nodes.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The live nodes, this one included.
    pub fn live_count(&self) -> usize {
        self.nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|n| n.node_id != self.node)
            .count()
            + 1
    }

    /// The live nodes that take campaigns (they can dial), this one counted if it can; at
    /// least one, so a share is never a division by zero.
    pub fn dialing_count(&self) -> usize {
        let others = self
            .nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|n| n.node_id != self.node && n.dials)
            .count();
        (others + usize::from(self.dials)).max(1)
    }

    /// The epoch an owner's write is decided under (refused at once without the lease).
    pub(crate) fn epoch_for_write(&self, campaign: Uuid) -> Result<i64, DbErr> {
        self.epoch(campaign).ok_or_else(|| {
            self.fenced(campaign);
            DbErr::Custom(store::cluster::FENCED.into())
        })
    }

    /// The database's check, inside the transaction of the owner's write it guards, at the
    /// epoch the write was decided under.
    pub async fn check(
        &self,
        txn: &impl ConnectionTrait,
        campaign: Uuid,
        epoch: i64,
    ) -> Result<(), DbErr> {
        let result = store::cluster::check(txn, campaign, self.node, epoch).await;
        if result.as_ref().is_err_and(store::is_fenced) {
            self.fenced(campaign);
        }
        result
    }

    fn fenced(&self, campaign: Uuid) {
        crate::metrics::fencing_rejection();
        tracing::error!(
            %campaign,
            "fenced: this node no longer holds the campaign's lease; the write (a claim, a dial \
             marker, a status change or a call given back) is refused and no call is placed \
             for it"
        );
    }

    /// Takes the campaign's lease if nobody holds it; `true` when this node holds it now.
    pub async fn take(&self, db: &impl ConnectionTrait, campaign: Uuid) -> Result<bool, DbErr> {
        if self.owns(campaign) {
            return Ok(true);
        }
        let sent = Instant::now();
        let Some(epoch) = store::cluster::acquire(db, campaign, self.node, self.ttl).await? else {
            return Ok(false);
        };
        if epoch > 1 {
            crate::metrics::lease_takeover();
        }
        self.leases().insert(
            campaign,
            Lease {
                epoch,
                valid_until: sent + self.ttl,
                taken: sent,
            },
        );
        tracing::info!(%campaign, epoch, "campaign lease taken: this node runs it");
        Ok(true)
    }

    /// Renews every lease; answers the campaigns this node lost (another node holds them now,
    /// or they lapsed: either way this node no longer runs them). A failure to reach the
    /// database stops the round: the leases not renewed lapse by the local clock.
    pub async fn renew(&self, db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
        let held: Vec<(Uuid, i64)> = self.leases().iter().map(|(c, l)| (*c, l.epoch)).collect();
        let mut lost = Vec::new();
        for (campaign, epoch) in held {
            let sent = Instant::now();
            if store::cluster::renew(db, campaign, self.node, epoch, self.ttl).await? {
                if let Some(lease) = self.leases().get_mut(&campaign)
                    && lease.epoch == epoch
                {
                    lease.valid_until = lease.valid_until.max(sent + self.ttl);
                }
            } else {
                let mut leases = self.leases();
                if leases.get(&campaign).is_some_and(|l| l.epoch == epoch) {
                    leases.remove(&campaign);
                    lost.push(campaign);
                }
            }
        }
        Ok(lost)
    }

    /// Hands one lease back (its campaign ended or is not runnable any more).
    pub async fn release(&self, db: &impl ConnectionTrait, campaign: Uuid) {
        let Some(lease) = self.leases().remove(&campaign) else {
            return;
        };
        if let Err(e) = store::cluster::release(db, campaign, self.node, lease.epoch).await {
            tracing::warn!(%campaign, error = %e, "could not hand a campaign lease back; it expires by itself");
        }
    }

    /// Forgets a lease without telling the database (it was lost).
    pub(crate) fn forget(&self, campaign: Uuid) {
        self.leases().remove(&campaign);
    }

    /// Leaves the cluster: every lease handed back at once.
    pub async fn leave(&self, db: &impl ConnectionTrait) {
        self.leases().clear();
        match store::cluster::leave(db, self.node).await {
            Ok(n) => tracing::info!(
                campaigns = n,
                "left the cluster: campaign leases handed back"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "could not hand the campaign leases back; they expire by themselves")
            }
        }
    }

    /// The epoch at which this node holds the campaign's lease.
    pub(crate) fn epoch(&self, campaign: Uuid) -> Option<i64> {
        self.leases().get(&campaign).map(|l| l.epoch)
    }

    /// Whether another live node runs fewer than `share` campaigns, as of its last heartbeat
    /// (it would take a campaign handed back).
    pub(crate) fn another_has_room(&self, share: usize) -> bool {
        self.nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|n| {
                n.node_id != self.node
                    && n.dials
                    && usize::try_from(n.campaigns).unwrap_or(0) < share
            })
    }

    /// The share of `runnable` campaigns this node should run: an even split over the live
    /// nodes, rounded up.
    pub fn fair_share(&self, runnable: usize) -> usize {
        runnable.div_ceil(self.dialing_count())
    }

    /// A campaign found no free account slot: it queues (or keeps its place) for the next.
    pub(crate) fn want_slots(&self, campaign: Uuid) {
        self.wants_slots.store(true, Ordering::Relaxed);
        let mut queue = self.slot_queue.lock().unwrap_or_else(|p| p.into_inner());
        match queue.iter_mut().find(|(c, _)| *c == campaign) {
            Some(entry) => entry.1 = Instant::now(),
            None => queue.push_back((campaign, Instant::now())),
        }
    }

    /// The campaign got every slot it asked for: it leaves the queue.
    pub(crate) fn got_slots(&self, campaign: Uuid) {
        self.slot_queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(c, _)| *c != campaign);
    }

    /// How many of this node's campaigns wait for slots ahead of `campaign` (all of them when
    /// it is not queued): free slots go to them first. Those that stopped asking for a second
    /// are dropped.
    pub(crate) fn slot_waiters_ahead(&self, campaign: Uuid) -> usize {
        let mut queue = self.slot_queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.retain(|(_, asked)| asked.elapsed() < SLOT_WAITER_EXPIRY);
        queue
            .iter()
            .position(|(c, _)| *c == campaign)
            .unwrap_or(queue.len())
    }

    /// Whether another live node waited for account slots at its last heartbeat.
    pub(crate) fn others_want_slots(&self) -> bool {
        self.nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|n| n.node_id != self.node && n.wants_slots)
    }

    /// How many more account slots this node may take while others wait: up to its even share
    /// of the account's limit, `held` being what its calls hold.
    pub(crate) fn slot_room(&self, max: u32, held: usize) -> usize {
        (max as usize)
            .div_ceil(self.dialing_count())
            .saturating_sub(held)
    }

    /// Sends the heartbeat and reads the live nodes.
    pub async fn heartbeat(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let campaigns = self.leases().len();
        let wants = self.wants_slots.swap(false, Ordering::Relaxed);
        store::cluster::heartbeat(
            db,
            self.node,
            &self.holder,
            self.ttl,
            campaigns,
            wants,
            self.dials,
        )
        .await?;
        let nodes = store::cluster::live_nodes(db).await?;
        crate::metrics::cluster(campaigns, nodes.len());
        *self.nodes.lock().unwrap_or_else(|p| p.into_inner()) = nodes;
        Ok(())
    }

    /// Registers a command sent to another node; its answer arrives through [`Self::answered`].
    pub(crate) fn expect(
        &self,
        request: Uuid,
    ) -> oneshot::Receiver<Result<CampaignStatus, ControlError>> {
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(request, tx);
        rx
    }

    pub(crate) fn forget_request(&self, request: Uuid) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&request);
    }

    pub(crate) fn answered(&self, request: Uuid, result: Result<CampaignStatus, ControlError>) {
        let waiting = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&request);
        if let Some(tx) = waiting {
            let _ = tx.send(result);
        }
    }
}

/// Where this process runs, for an operator reading who holds what.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned());
    format!("{host} pid {}", std::process::id())
}

/// What nodes tell each other on [`store::cluster::CHANNEL`] (a line of text: ids, not
/// documents).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A campaign became runnable or lost its owner: look at the campaigns now.
    Wake,
    /// A call's state changed on another node (a webhook): its owner tells the call's actor.
    Call(Uuid),
    /// An operator's command for the campaign's owner `to`, from node `from`.
    Command {
        request: Uuid,
        from: Uuid,
        to: Uuid,
        campaign: Uuid,
        command: Command,
    },
    /// The owner's answer to a command.
    Answer {
        request: Uuid,
        to: Uuid,
        result: Result<CampaignStatus, ControlError>,
    },
    /// A runtime event on node `from`, for the other nodes' live streams.
    Event { from: Uuid, event: RuntimeEvent },
}

fn command_word(command: Command) -> &'static str {
    match command {
        Command::Start => "start",
        Command::Pause => "pause",
        Command::Resume => "resume",
        Command::Stop(StopMode::Finish) => "stop-finish",
        Command::Stop(StopMode::Hangup) => "stop-hangup",
    }
}

fn command_of(word: &str) -> Option<Command> {
    Some(match word {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "resume" => Command::Resume,
        "stop-finish" => Command::Stop(StopMode::Finish),
        "stop-hangup" => Command::Stop(StopMode::Hangup),
        _ => return None,
    })
}

fn opt(s: &Option<String>) -> serde_json::Value {
    s.as_ref().map_or(serde_json::Value::Null, |s| {
        serde_json::Value::String(s.clone())
    })
}

impl Message {
    pub fn encode(&self) -> String {
        match self {
            Message::Wake => "wake".to_owned(),
            Message::Call(call) => format!("call {call}"),
            Message::Command {
                request,
                from,
                to,
                campaign,
                command,
            } => format!(
                "cmd {request} {from} {to} {campaign} {}",
                command_word(*command)
            ),
            Message::Answer {
                request,
                to,
                result,
            } => {
                let body = match result {
                    Ok(status) => serde_json::json!({ "ok": status.as_str() }),
                    Err(ControlError::NotFound) => serde_json::json!({ "notFound": true }),
                    Err(ControlError::Illegal { current, command }) => {
                        serde_json::json!({ "illegal": current.as_str(), "command": command })
                    }
                    Err(ControlError::Refused(why)) => serde_json::json!({ "refused": why }),
                    Err(ControlError::Internal(why)) => serde_json::json!({ "internal": why }),
                    Err(ControlError::Unavailable(why)) => {
                        serde_json::json!({ "unavailable": why })
                    }
                };
                format!("done {request} {to} {body}")
            }
            Message::Event { from, event } => {
                let body = match event {
                    RuntimeEvent::Call {
                        campaign_id,
                        call_id,
                        contact_id,
                        status,
                        outcome,
                        ended_reason,
                        at,
                    } => serde_json::json!({
                        "k": "call", "campaign": campaign_id, "call": call_id,
                        "contact": contact_id, "status": status.as_str(), "outcome": opt(outcome),
                        "endedReason": opt(ended_reason), "at": at,
                    }),
                    RuntimeEvent::Campaign {
                        campaign_id,
                        status,
                        pause_reason,
                        pause_detail,
                        at,
                    } => serde_json::json!({
                        "k": "campaign", "campaign": campaign_id, "status": status.as_str(),
                        "pauseReason": opt(pause_reason), "pauseDetail": opt(pause_detail),
                        "at": at,
                    }),
                };
                format!("ev {from} {body}")
            }
        }
    }

    pub fn decode(text: &str) -> Option<Message> {
        let mut words = text.splitn(2, ' ');
        let kind = words.next()?;
        let rest = words.next().unwrap_or("");
        match kind {
            "wake" => Some(Message::Wake),
            "call" => Some(Message::Call(rest.parse().ok()?)),
            "cmd" => {
                let w: Vec<&str> = rest.split(' ').collect();
                let [request, from, to, campaign, command] = w.as_slice() else {
                    return None;
                };
                Some(Message::Command {
                    request: request.parse().ok()?,
                    from: from.parse().ok()?,
                    to: to.parse().ok()?,
                    campaign: campaign.parse().ok()?,
                    command: command_of(command)?,
                })
            }
            "done" => {
                let mut w = rest.splitn(3, ' ');
                let request = w.next()?.parse().ok()?;
                let to = w.next()?.parse().ok()?;
                let body: serde_json::Value = serde_json::from_str(w.next()?).ok()?;
                let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                let result = if let Some(s) = text("ok") {
                    Ok(s.parse().ok()?)
                } else if body.get("notFound").is_some() {
                    Err(ControlError::NotFound)
                } else if let Some(s) = text("illegal") {
                    let command = command_of(&text("command")?)
                        .or_else(|| {
                            // Stop's name is `stop`, whatever its mode.
                            (text("command")? == "stop").then_some(Command::Stop(StopMode::Finish))
                        })?
                        .name();
                    Err(ControlError::Illegal {
                        current: s.parse().ok()?,
                        command,
                    })
                } else if let Some(s) = text("refused") {
                    Err(ControlError::Refused(s))
                } else if let Some(s) = text("unavailable") {
                    Err(ControlError::Unavailable(s))
                } else {
                    Err(ControlError::Internal(text("internal")?))
                };
                Some(Message::Answer {
                    request,
                    to,
                    result,
                })
            }
            "ev" => {
                let (from, body) = rest.split_once(' ')?;
                let from = from.parse().ok()?;
                let v: serde_json::Value = serde_json::from_str(body).ok()?;
                let uuid = |k: &str| v.get(k)?.as_str()?.parse::<Uuid>().ok();
                let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
                let at = serde_json::from_value(v.get("at")?.clone()).ok()?;
                let event = match v.get("k")?.as_str()? {
                    "call" => RuntimeEvent::Call {
                        campaign_id: uuid("campaign")?,
                        call_id: uuid("call")?,
                        contact_id: uuid("contact")?,
                        status: text("status")?.parse::<CallStatus>().ok()?,
                        outcome: text("outcome"),
                        ended_reason: text("endedReason"),
                        at,
                    },
                    "campaign" => RuntimeEvent::Campaign {
                        campaign_id: uuid("campaign")?,
                        status: text("status")?.parse::<CampaignStatus>().ok()?,
                        pause_reason: text("pauseReason"),
                        pause_detail: text("pauseDetail"),
                        at,
                    },
                    _ => return None,
                };
                Some(Message::Event { from, event })
            }
            _ => None,
        }
    }
}

/// Sends a message to every node (this one included) at once.
pub async fn send(db: &DatabaseConnection, message: &Message) {
    let text = message.encode();
    if text.len() > MAX_PAYLOAD {
        tracing::warn!(
            bytes = text.len(),
            "a cluster message is too long to send; dropped"
        );
        return;
    }
    if let Err(e) = store::cluster::notify(db, &text).await {
        tracing::warn!(error = %e, "could not notify the other nodes; they find out by polling");
    }
}

/// A campaign waiting for account slots that has not asked again for this long left the queue.
const SLOT_WAITER_EXPIRY: Duration = Duration::from_secs(1);

/// PostgreSQL's limit on a notification's payload is 8000 bytes.
const MAX_PAYLOAD: usize = 7_900;

/// The cluster's background work of one node, stopped when dropped.
pub struct ClusterTasks(Vec<tokio::task::JoinHandle<()>>);

impl Drop for ClusterTasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Starts this node's part of the cluster: its rounds (every `runtime.lease_renew_ms`, or at
/// once when woken), the listener on the channel, and the forwarding of its events.
pub fn spawn(runtime: crate::runtime::Runtime) -> Option<ClusterTasks> {
    let cluster = runtime.context().cluster.clone()?;
    let db = runtime.context().db.clone();
    let mut tasks = Vec::new();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tasks.push(tokio::spawn(loops::run(db.clone(), tx)));
    let r = runtime.clone();
    let c = cluster.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            // What arrived together is handled together: the calls other nodes updated are
            // read in one query, so a burst of webhooks elsewhere does not queue reads here.
            let mut batch = vec![first];
            while batch.len() < 500 {
                match rx.try_recv() {
                    Ok(more) => batch.push(more),
                    Err(_) => break,
                }
            }
            let mut calls = Vec::new();
            for incoming in batch {
                match incoming {
                    loops::Incoming::Message(Message::Call(call)) => calls.push(call),
                    loops::Incoming::Message(m) => r.on_cluster_message(m).await,
                    // Notifications may have been lost: look at everything now.
                    loops::Incoming::Reconnected => c.wake.notify_one(),
                }
            }
            r.context().refresh_calls(&calls).await;
        }
    }));

    let r = runtime.clone();
    let c = cluster.clone();
    tasks.push(tokio::spawn(async move {
        let mut tick = tokio::time::interval(c.every());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = c.wake.notified() => {}
            }
            r.cluster_round().await;
        }
    }));

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<RuntimeEvent>();
    runtime.context().events.forward_to(tx);
    let c = cluster;
    tasks.push(tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < 50 {
                match rx.try_recv() {
                    Ok(e) => batch.push(e),
                    Err(_) => break,
                }
            }
            // Alone, nobody else streams them.
            if c.live_count() < 2 {
                continue;
            }
            let texts: Vec<String> = batch
                .into_iter()
                .map(|event| {
                    Message::Event {
                        from: c.node(),
                        event,
                    }
                    .encode()
                })
                .filter(|t| t.len() <= MAX_PAYLOAD)
                .collect();
            if let Err(e) = store::cluster::notify_many(&db, &texts).await {
                tracing::warn!(error = %e, "could not forward events to the other nodes");
            }
        }
    }));
    Some(ClusterTasks(tasks))
}

mod loops {
    use super::*;

    /// What the cluster loop hands the runtime.
    pub enum Incoming {
        Message(Message),
        /// The listener reconnected: notifications may have been lost meanwhile.
        Reconnected,
    }

    /// Listens on the channel, forwarding every message; reconnects (and says so) when the
    /// connection drops.
    pub async fn run(db: DatabaseConnection, out: tokio::sync::mpsc::UnboundedSender<Incoming>) {
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let listener = PgListener::connect_with(db.get_postgres_connection_pool()).await;
            let mut listener = match listener {
                Ok(mut l) => match l.listen(store::cluster::CHANNEL).await {
                    Ok(()) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not listen for the other nodes; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "could not connect a listener; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if out.send(Incoming::Reconnected).is_err() {
                return;
            }
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => {
                        if let Some(m) = Message::decode(n.payload())
                            && out.send(Incoming::Message(m)).is_err()
                        {
                            return;
                        }
                    }
                    Ok(None) => {
                        // The connection dropped: anything sent meanwhile is lost.
                        if out.send(Incoming::Reconnected).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the listener failed; reconnecting");
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_survives_its_encoding() {
        let at = chrono::Utc::now();
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let messages = [
            Message::Wake,
            Message::Call(a),
            Message::Command {
                request: a,
                from: b,
                to: c,
                campaign: a,
                command: Command::Stop(StopMode::Hangup),
            },
            Message::Answer {
                request: a,
                to: b,
                result: Ok(CampaignStatus::Paused),
            },
            Message::Answer {
                request: a,
                to: b,
                result: Err(ControlError::Illegal {
                    current: CampaignStatus::Completed,
                    command: "stop",
                }),
            },
            Message::Answer {
                request: a,
                to: b,
                result: Err(ControlError::Refused("budget: it's spent".into())),
            },
            Message::Answer {
                request: a,
                to: b,
                result: Err(ControlError::NotFound),
            },
            Message::Event {
                from: a,
                event: RuntimeEvent::Call {
                    campaign_id: a,
                    call_id: b,
                    contact_id: c,
                    status: CallStatus::Ended,
                    outcome: Some("voicemail".into()),
                    ended_reason: None,
                    at,
                },
            },
            Message::Event {
                from: a,
                event: RuntimeEvent::Campaign {
                    campaign_id: a,
                    status: CampaignStatus::Paused,
                    pause_reason: Some("operator".into()),
                    pause_detail: Some("a \"quoted\" detail".into()),
                    at,
                },
            },
        ];
        for m in messages {
            assert_eq!(
                Message::decode(&m.encode()),
                Some(m.clone()),
                "{}",
                m.encode()
            );
        }
        assert_eq!(Message::decode("cmd nonsense"), None);
        assert_eq!(Message::decode("hello"), None);
    }

    #[test]
    fn the_fair_share_splits_campaigns_evenly_over_live_nodes() {
        let me = Cluster::new(
            Uuid::now_v7(),
            "me".into(),
            Duration::from_secs(5),
            Duration::from_secs(1),
            true,
        );
        assert_eq!(me.fair_share(12), 12, "alone, it runs them all");
        *me.nodes.lock().unwrap() = (0..3)
            .map(|i| Node {
                node_id: if i == 0 { me.node } else { Uuid::now_v7() },
                holder: format!("n{i}"),
                campaigns: 0,
                wants_slots: i == 2,
                dials: true,
            })
            .collect();
        assert_eq!(me.fair_share(12), 4);
        assert_eq!(me.fair_share(13), 5);
        assert!(me.others_want_slots());
        assert_eq!(me.slot_room(10, 1), 3, "its share is 4");
        assert_eq!(me.slot_room(10, 6), 0);
        assert!(me.another_has_room(4));
        // A node without the provider's key takes no campaign: it is not counted.
        me.nodes.lock().unwrap()[1].dials = false;
        me.nodes.lock().unwrap()[2].dials = false;
        assert_eq!(me.fair_share(12), 12);
        assert_eq!(me.slot_room(10, 1), 9);
        assert!(!me.another_has_room(4), "nobody would take one handed over");
    }
}

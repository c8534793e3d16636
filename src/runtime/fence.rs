//! The runtime lease as the runtime sees it (PostgreSQL; see `store::lease`): which node this
//! process is, the epoch it holds, and until when it may act on it by its own clock.
//!
//! Two checks guard every dial. In the database, the claim and the dial marker are written
//! only in a transaction that finds the lease still this node's at this epoch (a node that
//! lost it writes nothing, so it sends nothing). In memory, right before `POST /call` leaves,
//! the lease must still be valid by the local clock: it is counted from when the last
//! successful renewal was *sent*, so it ends no later than the database's expiry (clocks run
//! at the same rate; their offsets do not matter). A process paused past its expiry therefore
//! finds its lease over when it wakes, before its renewal task even runs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::store;

pub struct Fence {
    node: Uuid,
    epoch: AtomicI64,
    ttl: Duration,
    /// When the lease ends by the local clock (see the module's text).
    valid_until: Mutex<Instant>,
    /// Another process took the lease: this one never dials again and shuts down.
    lost: AtomicBool,
    lost_signal: tokio::sync::Notify,
}

impl Fence {
    /// A lease just taken at `epoch`; `sent` is when the request that took it was sent.
    pub fn new(node: Uuid, epoch: i64, ttl: Duration, sent: Instant) -> Self {
        Self {
            node,
            epoch: AtomicI64::new(epoch),
            ttl,
            valid_until: Mutex::new(sent + ttl),
            lost: AtomicBool::new(false),
            lost_signal: tokio::sync::Notify::new(),
        }
    }

    pub fn node(&self) -> Uuid {
        self.node
    }

    pub fn epoch(&self) -> i64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A renewal sent at `sent` succeeded.
    pub fn renewed(&self, sent: Instant) {
        let mut until = self.valid_until.lock().unwrap_or_else(|p| p.into_inner());
        *until = (*until).max(sent + self.ttl);
    }

    /// The lease lapsed and was taken again at `epoch`, nobody having held it in between.
    pub fn retaken(&self, epoch: i64, sent: Instant) {
        self.epoch.store(epoch, Ordering::SeqCst);
        *self.valid_until.lock().unwrap_or_else(|p| p.into_inner()) = sent + self.ttl;
    }

    /// Whether this process may still send a dial: its lease is valid by the local clock.
    pub fn holds(&self) -> bool {
        !self.is_lost()
            && Instant::now() < *self.valid_until.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Another process took the lease over.
    pub fn lose(&self) {
        self.lost.store(true, Ordering::SeqCst);
        self.lost_signal.notify_one();
    }

    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Resolves once the lease is lost (at once if it already is).
    pub async fn lost(&self) {
        while !self.is_lost() {
            self.lost_signal.notified().await;
        }
    }

    /// The database's check, inside the transaction of the write it guards.
    pub async fn check(&self, txn: &impl ConnectionTrait) -> Result<(), DbErr> {
        store::lease::check(txn, self.node, self.epoch()).await
    }
}

/// What `serve` fails with when another process took its lease over (its exit status is then
/// `startup::EXIT_LEASE_LOST`).
#[derive(Debug, thiserror::Error)]
#[error(
    "another autolynx process took this database's runtime lease over: this one stopped, placing \
     no more calls"
)]
pub struct LeaseLost;

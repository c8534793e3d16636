//! Group commit: the durable writes of the hot path (dial intents and send markers, provider
//! ids, webhook events with their state change, terminal settlements) go through one writer
//! task that runs whatever queued while the previous commit ran in one transaction, and
//! answers each caller only after that commit — a 2xx still means durable, an intent is still
//! stored before `POST /call`. One commit (one fsync) serves many calls instead of one each.
//!
//! Batches are natural (no waiting for company unless `max_wait` says so), bounded
//! (`max_batch`), and fair (first come, first served). Callers' work runs side by side in the
//! batch's transaction, without savepoints (they cost two statements per caller, a third of
//! the hot path's statements): when one caller's work fails, the transaction is rolled back,
//! that caller is answered with its own error, and the batch runs again without it — so work
//! must be re-runnable (`Fn`), and only its last run, the committed one, is answered. A failed
//! commit fails every caller of the batch with the database's error.
//! On SQLite this also makes the runtime a single writer, so its writes never wait on each
//! other's locks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

/// What the writer runs for one caller, and how it answers.
trait Op: Send {
    /// Runs the caller's work inside the batch's transaction, keeping its result; `Err` when
    /// the work failed (the batch is then rolled back and run again without this caller).
    /// May run more than once: only the last run counts.
    fn run<'t>(&'t mut self, txn: &'t DatabaseTransaction) -> BoxFuture<'t, Result<(), DbErr>>;
    /// Answers the caller once the batch's fate is known (`Err`: the commit failed; the work's
    /// own error, when it failed, wins).
    fn answer(self: Box<Self>, committed: Result<(), DbErr>);
}

type Work<R> =
    Box<dyn for<'t> Fn(&'t DatabaseTransaction) -> BoxFuture<'t, Result<R, DbErr>> + Send + Sync>;

struct Job<R> {
    work: Work<R>,
    result: Option<Result<R, DbErr>>,
    reply: oneshot::Sender<Result<R, DbErr>>,
}

impl<R: Send + 'static> Op for Job<R> {
    fn run<'t>(&'t mut self, txn: &'t DatabaseTransaction) -> BoxFuture<'t, Result<(), DbErr>> {
        Box::pin(async move {
            let result = (self.work)(txn).await;
            let failed = result.as_ref().err().map(|e| DbErr::Custom(e.to_string()));
            self.result = Some(result);
            match failed {
                Some(e) => Err(e),
                None => Ok(()),
            }
        })
    }

    fn answer(self: Box<Self>, committed: Result<(), DbErr>) {
        let result = match (committed, self.result) {
            // The work itself failed: its own error (the batch went on without it).
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(DbErr::Custom("the write was not run".into())),
        };
        let _ = self.reply.send(result);
    }
}

/// How the writer batches.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Most callers served by one commit.
    pub max_batch: usize,
    /// How long a batch may wait for more callers after the first (zero: none; the batch is
    /// whatever queued while the previous commit ran).
    pub max_wait: Duration,
    /// Writer tasks taking batches from the one queue, each committing on its own connection
    /// (at least one). More than one only pays where transactions really run side by side
    /// (PostgreSQL); every write the runtime makes is safe under it (conditional updates
    /// re-read and retry).
    pub writers: usize,
}

/// The handle callers use; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::UnboundedSender<Box<dyn Op>>,
    /// Batches committed or failed so far.
    batches: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer tasks on `db`.
    pub fn start(db: DatabaseConnection, batching: Batching) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel::<Box<dyn Op>>();
        let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
        let batches = Arc::new(AtomicU64::new(0));
        for _ in 0..batching.writers.max(1) {
            tokio::spawn(run(db.clone(), jobs.clone(), batching, batches.clone()));
        }
        Self { queue, batches }
    }

    /// Transactions the writer has run so far.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// Runs `work` in the next batch and answers once it is committed: `Ok` means durable.
    /// `work` may run more than once (when another caller's work fails, the batch runs again
    /// without it): it must touch nothing but the transaction it is given.
    pub async fn write<R, F>(&self, work: F) -> Result<R, DbErr>
    where
        R: Send + 'static,
        F: for<'t> Fn(&'t DatabaseTransaction) -> BoxFuture<'t, Result<R, DbErr>>
            + Send
            + Sync
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work: Box::new(work),
            result: None,
            reply,
        };
        self.queue
            .send(Box::new(job))
            .map_err(|_| DbErr::Custom("the database writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| DbErr::Custom("the database writer dropped a write".into()))?
    }
}

/// One writer: takes the next batch (holding the queue only while taking it, so another
/// writer takes the following batch while this one commits), commits it, answers.
async fn run(
    db: DatabaseConnection,
    queue: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Box<dyn Op>>>>,
    batching: Batching,
    batches: Arc<AtomicU64>,
) {
    let max_batch = batching.max_batch.max(1);
    loop {
        let mut jobs = queue.lock().await;
        let Some(first) = jobs.recv().await else {
            return;
        };
        let mut batch = vec![first];
        if !batching.max_wait.is_zero() {
            let deadline = tokio::time::Instant::now() + batching.max_wait;
            while batch.len() < max_batch {
                match tokio::time::timeout_at(deadline, jobs.recv()).await {
                    Ok(Some(job)) => batch.push(job),
                    _ => break,
                }
            }
        }
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        drop(jobs);
        commit(&db, batch, &batches).await;
    }
}

/// Runs the batch's work in one transaction and commits it, then answers every caller. When a
/// caller's work fails, the transaction is rolled back, that caller is answered with its error,
/// and the rest runs again in a new transaction (each round removes one caller, so it ends).
async fn commit(db: &DatabaseConnection, mut batch: Vec<Box<dyn Op>>, batches: &AtomicU64) {
    while !batch.is_empty() {
        let size = batch.len();
        let txn = match db.begin().await {
            Ok(txn) => txn,
            Err(e) => {
                batches.fetch_add(1, Ordering::Relaxed);
                crate::metrics::group_commit(size, "failed");
                for job in batch {
                    job.answer(Err(e.clone()));
                }
                return;
            }
        };
        let mut failed = None;
        for (i, job) in batch.iter_mut().enumerate() {
            if job.run(&txn).await.is_err() {
                failed = Some(i);
                break;
            }
        }
        batches.fetch_add(1, Ordering::Relaxed);
        if let Some(i) = failed {
            crate::metrics::group_commit(size, "rerun");
            // Undo everything this round wrote (on PostgreSQL the transaction is unusable
            // after an error anyway); a rollback that fails leaves the transaction to be
            // rolled back when it is dropped.
            if let Err(e) = txn.rollback().await {
                tracing::warn!(error = %e, "could not roll back a failed batch");
            }
            batch.remove(i).answer(Ok(()));
            continue;
        }
        let committed = txn.commit().await;
        crate::metrics::group_commit(
            size,
            if committed.is_ok() {
                "committed"
            } else {
                "failed"
            },
        );
        for job in batch {
            job.answer(committed.clone());
        }
        return;
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, Statement};

    use super::*;

    async fn sqlite() -> (tempfile::TempDir, DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
        let db = Database::connect(&url).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .await
            .unwrap();
        (dir, db)
    }

    fn insert(
        id: i64,
        v: Option<&'static str>,
    ) -> impl for<'t> Fn(&'t DatabaseTransaction) -> BoxFuture<'t, Result<i64, DbErr>>
    + Send
    + Sync
    + 'static {
        move |txn| {
            Box::pin(async move {
                txn.execute_raw(Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    "INSERT INTO t (id, v) VALUES (?, ?)",
                    [id.into(), v.map(str::to_owned).into()],
                ))
                .await?;
                Ok(id)
            })
        }
    }

    /// Counts its runs, increments the `runs` row and answers the row's value.
    fn bump(
        runs: Arc<AtomicU64>,
    ) -> impl for<'t> Fn(&'t DatabaseTransaction) -> BoxFuture<'t, Result<i64, DbErr>>
    + Send
    + Sync
    + 'static {
        move |txn| {
            let runs = runs.clone();
            Box::pin(async move {
                runs.fetch_add(1, Ordering::SeqCst);
                txn.execute_unprepared("UPDATE runs SET n = n + 1").await?;
                let row = txn
                    .query_one_raw(Statement::from_string(
                        txn.get_database_backend(),
                        "SELECT n FROM runs",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Custom("no runs row".into()))?;
                row.try_get::<i64>("", "n")
            })
        }
    }

    async fn count(db: &DatabaseConnection) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// Concurrent callers share commits; a caller whose write fails gets its own error and the
    /// others commit.
    #[tokio::test]
    async fn many_callers_share_commits_and_a_bad_write_fails_alone() {
        let (_dir, db) = sqlite().await;
        let writer = Arc::new(Writer::start(
            db.clone(),
            Batching {
                max_batch: 64,
                max_wait: Duration::from_millis(5),
                writers: 1,
            },
        ));
        let mut tasks = Vec::new();
        for id in 0..100 {
            let writer = writer.clone();
            // Row 50 breaks a constraint (NOT NULL).
            let v = if id == 50 { None } else { Some("ok") };
            tasks.push(tokio::spawn(
                async move { writer.write(insert(id, v)).await },
            ));
        }
        let mut failed = Vec::new();
        for (id, task) in tasks.into_iter().enumerate() {
            match task.await.unwrap() {
                Ok(got) => assert_eq!(got, id as i64),
                Err(_) => failed.push(id),
            }
        }
        assert_eq!(failed, vec![50]);
        assert_eq!(count(&db).await, 99, "every other write is durable");
        assert!(
            writer.batches() < 100,
            "group commit: {} commits for 100 writes",
            writer.batches()
        );
    }

    /// Several writers take turns at the queue: every write is answered once, each good write is
    /// durable, the bad one fails alone, and commits are still shared.
    #[tokio::test]
    async fn several_writers_share_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
        let mut options = sea_orm::ConnectOptions::new(url);
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
        });
        let db = Database::connect(options).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .await
            .unwrap();
        let writer = Arc::new(Writer::start(
            db.clone(),
            Batching {
                max_batch: 16,
                max_wait: Duration::from_millis(2),
                writers: 3,
            },
        ));
        let mut tasks = Vec::new();
        for id in 0..300 {
            let writer = writer.clone();
            let v = if id == 123 { None } else { Some("ok") };
            tasks.push(tokio::spawn(
                async move { writer.write(insert(id, v)).await },
            ));
        }
        let mut failed = Vec::new();
        for (id, task) in tasks.into_iter().enumerate() {
            match task.await.unwrap() {
                Ok(got) => assert_eq!(got, id as i64),
                Err(_) => failed.push(id),
            }
        }
        assert_eq!(failed, vec![123]);
        assert_eq!(count(&db).await, 299);
        assert!(writer.batches() < 300, "{} commits", writer.batches());
    }

    /// When one caller's work fails, the others' work of that batch runs again in a new
    /// transaction: each is answered with the result of the run that was committed, and what
    /// the rolled-back run wrote is gone (a counter row written by every run shows one write).
    #[tokio::test]
    async fn a_failed_caller_is_dropped_and_the_rest_of_the_batch_runs_again() {
        let (_dir, db) = sqlite().await;
        db.execute_unprepared("CREATE TABLE runs (n INTEGER NOT NULL)")
            .await
            .unwrap();
        db.execute_unprepared("INSERT INTO runs (n) VALUES (0)")
            .await
            .unwrap();
        let writer = Arc::new(Writer::start(
            db.clone(),
            Batching {
                max_batch: 64,
                // Long enough for all three to share the first transaction.
                max_wait: Duration::from_millis(200),
                writers: 1,
            },
        ));
        let runs = Arc::new(AtomicU64::new(0));
        let bump = bump(runs.clone());
        let first = tokio::spawn({
            let writer = writer.clone();
            async move { writer.write(bump).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let bad = tokio::spawn({
            let writer = writer.clone();
            async move { writer.write(insert(1, None)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let last = tokio::spawn({
            let writer = writer.clone();
            async move { writer.write(insert(2, Some("ok"))).await }
        });
        // The counter is 1 in the committed run: the first run's increment was rolled back.
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert!(bad.await.unwrap().is_err());
        assert_eq!(last.await.unwrap().unwrap(), 2);
        assert_eq!(runs.load(Ordering::SeqCst), 2, "the first caller ran twice");
        assert_eq!(count(&db).await, 1, "only the good insert is there");
        assert_eq!(writer.batches(), 2, "one rolled-back round, one commit");
    }

    /// A write is answered only once it is committed: what the caller was told is there.
    #[tokio::test]
    async fn an_answered_write_is_committed() {
        let (_dir, db) = sqlite().await;
        let writer = Writer::start(
            db.clone(),
            Batching {
                max_batch: 8,
                max_wait: Duration::ZERO,
                writers: 1,
            },
        );
        writer.write(insert(7, Some("x"))).await.unwrap();
        assert_eq!(count(&db).await, 1);
        assert!(writer.write(insert(7, Some("again"))).await.is_err());
        assert_eq!(count(&db).await, 1);
    }
}

//! Group commit: the durable writes of the hot path (dial intents and send markers, provider
//! ids, webhook events with their state change, terminal settlements) go through one writer
//! task that runs whatever queued while the previous commit ran in one transaction, and
//! answers each caller only after that commit — a 2xx still means durable, an intent is still
//! stored before `POST /call`. One commit (one fsync) serves many calls instead of one each.
//!
//! Batches are natural (no waiting for company unless `max_wait` says so), bounded
//! (`max_batch`), and fair (first come, first served). Each caller's work runs in its own
//! savepoint: a caller whose work fails is answered with its error and rolled back alone, the
//! others commit. A failed commit fails every caller of the batch with the database's error.
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
    /// Runs the caller's work inside the batch (in a savepoint).
    fn run<'t>(&'t mut self, txn: &'t DatabaseTransaction) -> BoxFuture<'t, Result<(), DbErr>>;
    /// Answers the caller once the batch's fate is known (`Err`: the commit failed).
    fn answer(self: Box<Self>, committed: Result<(), DbErr>);
}

type Work<R> =
    Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<R, DbErr>> + Send>;

struct Job<R> {
    work: Option<Work<R>>,
    result: Option<Result<R, DbErr>>,
    reply: oneshot::Sender<Result<R, DbErr>>,
}

impl<R: Send + 'static> Op for Job<R> {
    fn run<'t>(&'t mut self, txn: &'t DatabaseTransaction) -> BoxFuture<'t, Result<(), DbErr>> {
        Box::pin(async move {
            let Some(work) = self.work.take() else {
                return Ok(());
            };
            let result = work(txn).await;
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
            // The work itself failed: its own error (it was rolled back alone).
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
    pub async fn write<R, F>(&self, work: F) -> Result<R, DbErr>
    where
        R: Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<R, DbErr>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work: Some(Box::new(work)),
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
        let size = batch.len();
        let committed = commit(&db, &mut batch).await;
        batches.fetch_add(1, Ordering::Relaxed);
        crate::metrics::group_commit(size, committed.is_ok());
        for job in batch {
            job.answer(committed.clone());
        }
    }
}

/// Runs every job in its own savepoint of one transaction, then commits.
async fn commit(db: &DatabaseConnection, batch: &mut [Box<dyn Op>]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for job in batch.iter_mut() {
        let savepoint = txn.begin().await?;
        match job.run(&savepoint).await {
            Ok(()) => savepoint.commit().await?,
            // Only this caller's work is undone; it is answered with its own error.
            Err(_) => savepoint.rollback().await?,
        }
    }
    txn.commit().await
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
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<i64, DbErr>> + Send + 'static
    {
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

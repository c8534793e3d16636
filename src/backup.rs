//! `autolynx backup --to FILE` and `autolynx backup verify FILE_OR_URL`.
//!
//! SQLite: an online, consistent copy with `VACUUM INTO` (one snapshot; the server keeps
//! running and writing), then made self-contained (rollback journal, one file).
//! PostgreSQL: `pg_dump --format=custom` when it is installed, else the exact command is
//! printed and the command fails (no backup was made).
//!
//! `verify` opens a SQLite copy or a PostgreSQL database read-only, runs the integrity check
//! (SQLite's `PRAGMA integrity_check`; on PostgreSQL every table is read in full by the row
//! counts), compares the applied migrations with this binary's, prints row counts per table
//! and the newest call event, and fails on any problem. A `pg_dump` archive is checked with
//! `pg_restore --list` (readable, every table and the migration history present); its rows
//! can only be counted once restored, and the report says how.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::store;

/// The SQLite file a `sqlite:` URL names; `None` for in-memory databases.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A PostgreSQL URL without its password, and the password (for `PGPASSWORD`, so it never
/// shows in a process list or in what we print).
fn split_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = reqwest::Url::parse(url).context("database.url is not a valid URL")?;
    let password = parsed.password().map(percent_decode);
    if password.is_some() {
        parsed
            .set_password(None)
            .map_err(|()| anyhow::anyhow!("cannot remove the password from database.url"))?;
    }
    Ok((parsed.to_string(), password))
}

/// `autolynx backup --to FILE`.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<()> {
    let url = settings.database.url.expose_secret();
    if to.exists() {
        bail!(
            "{} already exists: choose a new file (a backup never overwrites)",
            to.display()
        );
    }
    if is_postgres(url) {
        return pg_dump(url, to);
    }
    let source = sqlite_path(url)
        .ok_or_else(|| anyhow::anyhow!("database.url {url:?} names no SQLite file to copy"))?;
    if !source.exists() {
        bail!("there is no database at {}", source.display());
    }
    let db = store::connect(&settings.database)
        .await
        .context("could not open the database")?;
    let copied = sqlite_copy(&db, to).await;
    db.close().await.ok();
    copied?;
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({size} bytes): a consistent copy taken while the database stays in use",
        source.display(),
        to.display()
    );
    println!("check it with: autolynx backup verify {}", to.display());
    Ok(())
}

fn sqlite_url(path: &Path, mode: &str) -> String {
    format!("sqlite://{}?mode={mode}", path.display())
}

/// The `pg_dump` invocation that backs up `url` to `to`: its arguments, the password (for
/// `PGPASSWORD`) and the command as printed (password replaced by a placeholder).
pub fn pg_dump_command(
    url: &str,
    to: &Path,
) -> anyhow::Result<(Vec<String>, Option<String>, String)> {
    let (url, password) = split_password(url)?;
    let args: Vec<String> = [
        "--format=custom",
        "--no-owner",
        "--file",
        &to.display().to_string(),
        "--dbname",
        &url,
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    let printable = format!(
        "{}pg_dump {}",
        if password.is_some() {
            "PGPASSWORD=<password> "
        } else {
            ""
        },
        args.iter()
            .map(|a| shell_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok((args, password, printable))
}

/// A consistent copy of the open SQLite database `db` at `to`, as one self-contained file.
pub async fn sqlite_copy(db: &DatabaseConnection, to: &Path) -> anyhow::Result<()> {
    store::backup::vacuum_into(db, to)
        .await
        .with_context(|| format!("could not copy the database to {}", to.display()))?;
    let copy = Database::connect(sqlite_url(to, "rw"))
        .await
        .context("could not open the copy")?;
    store::backup::use_rollback_journal(&copy).await?;
    copy.close().await.ok();
    Ok(())
}

/// Where `migrate` puts its copy of the SQLite database `source`: next to it, named after
/// the time, e.g. `autolynx.db.before-migrate-20261201T190312Z.db`.
pub fn before_migrate_path(source: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut name = source
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".before-migrate-{stamp}.db"));
    source.with_file_name(name)
}

fn pg_dump(url: &str, to: &Path) -> anyhow::Result<()> {
    let (args, password, printable) = pg_dump_command(url, to)?;
    let mut command = Command::new("pg_dump");
    command.args(&args);
    if let Some(password) = &password {
        command.env("PGPASSWORD", password);
    }
    match command.output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "pg_dump is not installed here, so no backup was made. Run this where it is \
                 (PostgreSQL's client tools, the server's major version or newer):\n  {printable}"
            )
        }
        Err(e) => bail!("could not run pg_dump: {e}\n  {printable}"),
        Ok(out) if !out.status.success() => bail!(
            "pg_dump failed ({}): {}\n  {printable}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Ok(_) => {
            let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
            println!("backed up with: {printable}");
            println!("wrote {} ({size} bytes)", to.display());
            println!("check it with: autolynx backup verify {}", to.display());
            println!(
                "restore with: createdb NEW && pg_restore --no-owner --dbname postgres://…/NEW {}",
                to.display()
            );
            Ok(())
        }
    }
}

/// `%XX` escapes of a URL component decoded (a password as the server expects it).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn shell_quote(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What `verify` found; `problems` empty = the copy is good.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub problems: Vec<String>,
}

impl Report {
    fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn problem(&mut self, problem: impl Into<String>) {
        let problem = problem.into();
        self.lines.push(format!("PROBLEM: {problem}"));
        self.problems.push(problem);
    }
}

/// `autolynx backup verify FILE_OR_URL`: prints the report; an error when it found problems.
pub async fn verify(target: &str) -> anyhow::Result<()> {
    let report = verify_report(target).await;
    for line in &report.lines {
        println!("{line}");
    }
    if report.problems.is_empty() {
        println!("verdict: OK");
        Ok(())
    } else {
        bail!(
            "the backup is not usable: {} problem(s): {}",
            report.problems.len(),
            report.problems.join("; ")
        )
    }
}

/// SQLite files start with this.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// `pg_dump --format=custom` archives start with this.
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

async fn verify_report(target: &str) -> Report {
    let mut report = Report::default();
    if is_postgres(target) {
        let (shown, _) = split_password(target).unwrap_or_else(|_| ("?".to_owned(), None));
        report.line(format!("database: PostgreSQL {shown} (read-only)"));
        match open_postgres_read_only(target).await {
            Ok(db) => {
                report.line(
                    "integrity: PostgreSQL checks its pages itself; every table is read in full \
                     below (pg_amcheck checks indexes too)",
                );
                inspect(&db, &mut report).await;
                db.close().await.ok();
            }
            Err(e) => report.problem(format!("cannot open the database: {e}")),
        }
        return report;
    }
    let path = sqlite_path(target).unwrap_or_else(|| PathBuf::from(target));
    let mut head = [0u8; 16];
    let read = std::fs::File::open(&path).and_then(|mut f| {
        use std::io::Read;
        f.read(&mut head)
    });
    match read {
        Err(e) => {
            report.problem(format!("cannot read {}: {e}", path.display()));
            return report;
        }
        Ok(n) if head[..n].starts_with(PG_DUMP_MAGIC) => {
            verify_pg_dump(&path, &mut report);
            return report;
        }
        Ok(n) if n == SQLITE_MAGIC.len() && head == SQLITE_MAGIC => {}
        Ok(_) => {
            report.problem(format!(
                "{} is neither a SQLite database nor a pg_dump archive",
                path.display()
            ));
            return report;
        }
    }
    report.line(format!("database: SQLite {} (read-only)", path.display()));
    let db = match Database::connect(ConnectOptions::new(sqlite_url(&path, "ro"))).await {
        Ok(db) => db,
        Err(e) => {
            report.problem(format!("cannot open {}: {e}", path.display()));
            return report;
        }
    };
    match store::backup::sqlite_integrity_check(&db).await {
        Ok(lines) if lines == ["ok"] => report.line("integrity: ok"),
        Ok(lines) => report.problem(format!("integrity check: {}", lines.join(" | "))),
        Err(e) => report.problem(format!("integrity check could not run: {e}")),
    }
    inspect(&db, &mut report).await;
    db.close().await.ok();
    report
}

async fn open_postgres_read_only(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    // Every session is read-only on the server's side: nothing here can change the copy.
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}options=-c%20default_transaction_read_only%3Don");
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options).await
}

/// Migrations, row counts and the newest call event.
async fn inspect(db: &DatabaseConnection, report: &mut Report) {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let pending = match store::backup::applied_migrations(db).await {
        Ok(applied) => {
            let unknown: Vec<&String> = applied.iter().filter(|m| !known.contains(m)).collect();
            let pending: Vec<&String> = known.iter().filter(|m| !applied.contains(m)).collect();
            report.line(format!(
                "migrations: {} applied, this binary knows {}",
                applied.len(),
                known.len()
            ));
            if !unknown.is_empty() {
                report.problem(format!(
                    "the copy has migrations this binary does not know (made by a newer \
                     version; restore it with that version): {}",
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !pending.is_empty() {
                report.line(format!(
                    "migrations pending (made by an older version; `serve` applies them): {}",
                    pending
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            !pending.is_empty()
        }
        Err(e) => {
            report.problem(format!(
                "no migration history (not an autolynx database?): {e}"
            ));
            return;
        }
    };
    report.line("rows:");
    for table in migration::TABLES {
        match store::backup::count_rows(db, table).await {
            Ok(n) => report.line(format!("  {table:<18} {n}")),
            Err(_) if pending => report.line(format!("  {table:<18} absent (pending migration)")),
            Err(e) => report.problem(format!("table {table} cannot be read: {e}")),
        }
    }
    match store::backup::newest_call_event(db).await {
        Ok(Some(event)) => report.line(format!(
            "newest call event: {} {} (call {}) at {}",
            event.event_type,
            event.status.as_deref().unwrap_or("-"),
            event.call_id,
            event.received_at.to_rfc3339()
        )),
        Ok(None) => report.line("newest call event: none"),
        Err(e) => report.problem(format!("call events cannot be read: {e}")),
    }
}

/// A `pg_dump` archive: readable by `pg_restore`, with every table and the migration history.
fn verify_pg_dump(path: &Path, report: &mut Report) {
    report.line(format!("archive: pg_dump {}", path.display()));
    let out = match Command::new("pg_restore").arg("--list").arg(path).output() {
        Ok(out) => out,
        Err(e) => {
            report.problem(format!(
                "pg_restore cannot run here ({e}): install PostgreSQL's client tools"
            ));
            return;
        }
    };
    if !out.status.success() {
        report.problem(format!(
            "pg_restore cannot read the archive: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return;
    }
    let toc = String::from_utf8_lossy(&out.stdout);
    let has = |kind: &str, table: &str| {
        toc.lines().any(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words
                .windows(kind.split(' ').count() + 2)
                .any(|w| w.join(" ") == format!("{kind} public {table}"))
        })
    };
    for table in migration::TABLES
        .iter()
        .copied()
        .chain(["seaql_migrations"])
    {
        if has("TABLE", table) && has("TABLE DATA", table) {
            report.line(format!("  {table:<18} present"));
        } else {
            report.problem(format!("the archive lacks table {table} or its data"));
        }
    }
    report.line(
        "row counts and the newest call event need a restore: createdb CHECK && pg_restore \
         --no-owner --dbname postgres://…/CHECK FILE && autolynx backup verify postgres://…/CHECK",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_come_out_of_urls() {
        assert_eq!(
            sqlite_path("sqlite://autolynx.db?mode=rwc"),
            Some(PathBuf::from("autolynx.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/a.db"),
            Some(PathBuf::from("/var/lib/a.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:data.db"),
            Some(PathBuf::from("data.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }

    #[test]
    fn passwords_are_kept_out_of_printed_commands() {
        let (url, password) = split_password("postgres://u:s3cr%40t@db:5432/app").unwrap();
        assert_eq!(url, "postgres://u@db:5432/app");
        assert_eq!(password.as_deref(), Some("s3cr@t"));
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("--file"), "--file");
    }
}

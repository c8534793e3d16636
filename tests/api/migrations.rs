//! Migrations run up → down → up on the test database (SQLite, or PostgreSQL when configured).

use migration::{Migrator, MigratorTrait};

use crate::helpers::TestDb;

#[tokio::test]
async fn migrations_round_trip_and_leave_no_tables_behind() {
    let test_db = TestDb::new().await;
    let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert!(applied >= 4);
    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(&db).await.unwrap().len(),
        0
    );
    let tables = table_names(&db, test_db.is_postgres()).await;
    assert!(
        tables.iter().all(|t| t == "seaql_migrations"),
        "tables left after down: {tables:?}"
    );
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    let tables = table_names(&db, test_db.is_postgres()).await;
    for expected in [
        "users",
        "api_tokens",
        "assistants",
        "campaigns",
        "contacts",
        "calls",
        "call_events",
        "suppression_list",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "{expected} missing: {tables:?}"
        );
    }
    db.close().await.unwrap();
}

async fn table_names(db: &sea_orm::DatabaseConnection, postgres: bool) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = if postgres {
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

fn autolynx(db_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "warn")
        .env_remove("AUTOLYNX_CONFIG")
        .output()
        .expect("run autolynx")
}

fn output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn migrate_up_backs_the_data_up_first() {
    let test_db = TestDb::new().await;
    let url = test_db.url.clone();
    // A database with data and one migration to apply.
    let out = autolynx(&url, &["token", "create", "--name", "a", "--role", "admin"]);
    assert!(out.status.success(), "{}", output(&out));
    let out = autolynx(&url, &["migrate", "down", "--no-backup"]);
    assert!(out.status.success(), "{}", output(&out));
    assert!(output(&out).contains("no backup taken"), "{}", output(&out));

    if test_db.is_postgres() {
        // PostgreSQL: the pg_dump command is shown and nothing happens without --yes.
        let refused = autolynx(&url, &["migrate", "up"]);
        let text = output(&refused);
        assert!(!refused.status.success(), "{text}");
        assert!(text.contains("pg_dump --format=custom"), "{text}");
        assert!(text.contains("--yes"), "{text}");
        let status = output(&autolynx(&url, &["migrate", "status"]));
        assert_eq!(
            status.lines().filter(|l| l.starts_with("pending")).count(),
            1
        );
        let out = autolynx(&url, &["migrate", "up", "--yes"]);
        assert!(out.status.success(), "{}", output(&out));
        assert!(
            output(&out).contains("applied 1 migration"),
            "{}",
            output(&out)
        );
    } else {
        // SQLite: a copy next to the database, taken before the schema changes.
        let out = autolynx(&url, &["migrate", "up"]);
        let text = output(&out);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("applied 1 migration"), "{text}");
        let copy = text
            .lines()
            .find_map(|l| l.strip_prefix("backed up "))
            .and_then(|l| l.split(" to ").nth(1))
            .and_then(|l| l.split(" before").next())
            .unwrap_or_else(|| panic!("no backup path in: {text}"))
            .to_owned();
        let source = autolynx::backup::sqlite_path(&url).unwrap();
        assert_eq!(
            std::path::Path::new(&copy).parent(),
            source.parent(),
            "the copy is next to the database"
        );
        let verified = autolynx(&url, &["backup", "verify", &copy]);
        let report = output(&verified);
        assert!(verified.status.success(), "{report}");
        // The copy is the database as it was: the rolled-back migration still pending.
        assert!(report.contains("migrations pending"), "{report}");
        assert!(report.contains("users              1"), "{report}");
    }
    let status = output(&autolynx(&url, &["migrate", "status"]));
    assert!(status.lines().all(|l| l.starts_with("applied")), "{status}");

    // Nothing pending: nothing to back up, nothing asked.
    let out = autolynx(&url, &["migrate", "up"]);
    assert!(out.status.success(), "{}", output(&out));
    assert!(!output(&out).contains("backed up"), "{}", output(&out));
}

#[tokio::test]
async fn serve_and_migrate_refuse_a_database_from_a_newer_version() {
    use sea_orm::ConnectionTrait;
    let test_db = TestDb::new().await;
    let url = test_db.url.clone();
    let out = autolynx(&url, &["token", "create", "--name", "a", "--role", "admin"]);
    assert!(out.status.success(), "{}", output(&out));
    let db = sea_orm::Database::connect(&url).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20990101_000001_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.unwrap();

    let refused = autolynx::startup::Application::build(crate::helpers::test_settings(&url, &[]))
        .await
        .err()
        .expect("serve refuses a newer schema");
    let message = format!("{refused:#}");
    assert!(message.contains("newer autolynx"), "{message}");
    assert!(message.contains("m20990101_000001_future"), "{message}");

    for args in [
        &["migrate", "up"][..],
        &["migrate", "down", "--yes"][..],
        &["migrate", "status"][..],
    ] {
        let out = autolynx(&url, args);
        let text = output(&out);
        assert!(!out.status.success(), "{args:?}: {text}");
        assert!(text.contains("newer autolynx"), "{args:?}: {text}");
    }
    let status = output(&autolynx(&url, &["migrate", "status"]));
    assert!(
        status.contains("unknown  m20990101_000001_future"),
        "{status}"
    );
}

//! Migration round trip (up → down → up) on SQLite and, when `AUTOLYNX_TEST_POSTGRES_URL` is
//! set, on PostgreSQL in a throw-away database; also checks that CHECK and UNIQUE constraints
//! are enforced.

use chrono::Utc;
use migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr, SqlErr, Value};
use migration::{Alias, Migrator, MigratorTrait, Query, SchemaManager, TABLES};
use uuid::Uuid;

/// Asserts that every application table exists (`true`) or that none does (`false`).
async fn assert_tables(db: &DatabaseConnection, present: bool) {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        let has = manager.has_table(table).await.expect("has_table");
        assert_eq!(has, present, "table {table}: expected present={present}");
    }
}

/// Inserts one row given as `(column, value)` pairs.
async fn insert(
    db: &DatabaseConnection,
    table: &str,
    row: Vec<(&'static str, Value)>,
) -> Result<(), DbErr> {
    let (cols, vals): (Vec<_>, Vec<_>) = row.into_iter().unzip();
    let stmt = Query::insert()
        .into_table(Alias::new(table))
        .columns(cols.into_iter().map(Alias::new))
        .values_panic(vals.into_iter().map(Into::into))
        .to_owned();
    db.execute(&stmt).await.map(|_| ())
}

fn user(id: Uuid, role: &str) -> Vec<(&'static str, Value)> {
    let now = Utc::now();
    vec![
        ("id", id.into()),
        ("name", "Ada".into()),
        ("role", role.into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]
}

fn campaign(id: Uuid, assistant_id: Uuid, owner_id: Uuid, cap: i32) -> Vec<(&'static str, Value)> {
    let now = Utc::now();
    vec![
        ("id", id.into()),
        ("name", "spring".into()),
        ("mode", "continuous".into()),
        ("cap", cap.into()),
        ("assistant_id", assistant_id.into()),
        ("phone_number_id", "pn_1".into()),
        ("status", "CREATED".into()),
        ("owner_id", owner_id.into()),
        ("settings_json", serde_json::json!({}).into()),
        ("created_at", now.into()),
        ("updated_at", now.into()),
    ]
}

fn call_event(call_id: Uuid, dedupe_key: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("id", Uuid::new_v4().into()),
        ("call_id", call_id.into()),
        ("event_type", "status-update".into()),
        ("status", "ringing".into()),
        (
            "payload",
            serde_json::json!({"type": "status-update"}).into(),
        ),
        ("dedupe_key", dedupe_key.into()),
        ("received_at", Utc::now().into()),
    ]
}

fn assert_check_violation(res: Result<(), DbErr>, constraint: &str) {
    let err = res.expect_err("insert should violate a CHECK constraint");
    assert!(
        err.to_string().contains(constraint),
        "expected violation of {constraint}, got: {err}"
    );
}

fn assert_unique_violation(res: Result<(), DbErr>) {
    let err = res.expect_err("insert should violate a UNIQUE constraint");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "expected a unique violation, got: {err}"
    );
}

/// Inserts a valid row into each table along the foreign-key chain and checks that the
/// constraints reject bad rows.
async fn check_constraints(db: &DatabaseConnection) {
    let owner_id = Uuid::new_v4();
    insert(db, "users", user(owner_id, "admin"))
        .await
        .expect("insert admin");
    assert_check_violation(
        insert(db, "users", user(Uuid::new_v4(), "root")).await,
        "ck_users_role",
    );

    let now = Utc::now();
    let assistant_id = Uuid::new_v4();
    insert(
        db,
        "assistants",
        vec![
            ("id", assistant_id.into()),
            ("name", "Receptionist".into()),
            ("source", "local".into()),
            ("config_json", serde_json::json!({"model": "x"}).into()),
            ("created_by", owner_id.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await
    .expect("insert assistant");

    let campaign_id = Uuid::new_v4();
    insert(
        db,
        "campaigns",
        campaign(campaign_id, assistant_id, owner_id, 50),
    )
    .await
    .expect("insert campaign");
    for bad_cap in [0, 51] {
        assert_check_violation(
            insert(
                db,
                "campaigns",
                campaign(Uuid::new_v4(), assistant_id, owner_id, bad_cap),
            )
            .await,
            "ck_campaigns_cap",
        );
    }

    let contact = |id: Uuid, phone: &str| -> Vec<(&'static str, Value)> {
        vec![
            ("id", id.into()),
            ("campaign_id", campaign_id.into()),
            ("row_number", 1.into()),
            ("name", "Bob".into()),
            ("business_name", "Bob's".into()),
            ("phone_e164", phone.into()),
            ("phone_original", phone.into()),
            ("variables_json", serde_json::json!({}).into()),
            ("status", "PENDING".into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]
    };
    let contact_id = Uuid::new_v4();
    insert(db, "contacts", contact(contact_id, "+15550000001"))
        .await
        .expect("insert contact");
    assert_unique_violation(insert(db, "contacts", contact(Uuid::new_v4(), "+15550000001")).await);

    let call_id = Uuid::new_v4();
    insert(
        db,
        "calls",
        vec![
            ("id", call_id.into()),
            ("campaign_id", campaign_id.into()),
            ("contact_id", contact_id.into()),
            ("status", "QUEUED".into()),
            ("dial_intent_at", now.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await
    .expect("insert call");

    insert(db, "call_events", call_event(call_id, "evt-1"))
        .await
        .expect("insert call event");
    assert_unique_violation(insert(db, "call_events", call_event(call_id, "evt-1")).await);
}

async fn roundtrip(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("first up");
    assert_tables(db, true).await;
    check_constraints(db).await;

    Migrator::down(db, None).await.expect("down");
    assert_tables(db, false).await;

    Migrator::up(db, None).await.expect("second up");
    assert_tables(db, true).await;
    let pending = Migrator::get_pending_migrations(db)
        .await
        .expect("pending migrations");
    assert!(
        pending.is_empty(),
        "{} migrations still pending",
        pending.len()
    );
}

#[tokio::test]
async fn roundtrip_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("mig.db").display());
    let db = Database::connect(&url).await.expect("connect sqlite");
    roundtrip(&db).await;
    db.close().await.expect("close");
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[tokio::test]
async fn roundtrip_postgres() {
    let Ok(admin_url) = std::env::var("AUTOLYNX_TEST_POSTGRES_URL") else {
        eprintln!("AUTOLYNX_TEST_POSTGRES_URL not set; skipping the PostgreSQL round trip");
        return;
    };
    let name = format!("autolynx_mig_{}", Uuid::new_v4().simple());
    let admin = Database::connect(&admin_url)
        .await
        .expect("connect postgres");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");

    let url = with_database(&admin_url, &name);
    // Run in a task so that a failed assertion still lets us drop the database.
    let outcome = tokio::spawn(async move {
        let db = Database::connect(&url)
            .await
            .expect("connect test database");
        roundtrip(&db).await;
        db.close().await.expect("close");
    })
    .await;

    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop database");
    admin.close().await.expect("close admin");
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

#[test]
fn with_database_replaces_the_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}

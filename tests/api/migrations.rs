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

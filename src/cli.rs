//! The command line: `serve`, `migrate`, `openapi`, `token create`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use migration::{Migrator, MigratorTrait};

use crate::config::Settings;
use crate::domain::auth::Role;
use crate::startup::Application;
use crate::{http, store, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "autolynx",
    version,
    about = "Outbound AI voice-calling campaigns over the Vapi API",
    long_about = "autolynx dials every contact of a campaign through Vapi without exceeding its \
                  concurrency cap, tracks each call by Vapi's webhooks and survives crashes \
                  without losing or double-dialing anything.\n\nConfiguration: config/default.toml \
                  (built in), then --config FILE or AUTOLYNX_CONFIG, then the seed variables \
                  (DATABASE_URL, VAPI_API_KEY, ...), then AUTOLYNX__SECTION__KEY variables."
)]
pub struct Cli {
    /// Configuration file layered over the built-in defaults (else $AUTOLYNX_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and the campaign runtime (applies pending migrations first).
    Serve,
    /// Inspect or change the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the OpenAPI document (JSON) to stdout; needs no database.
    Openapi,
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back applied migrations (the newest first).
    Down {
        /// How many migrations to roll back.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back every migration (drops every autolynx table and its data).
        #[arg(long)]
        all: bool,
    },
    /// List applied and pending migrations.
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Operator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Operator => Role::Operator,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token, creating (or allowlisting) the user first if needed. The token is
    /// printed alone on the last line of stdout and shown only this once. This is how the
    /// first admin is bootstrapped on a fresh install.
    Create {
        /// The user's name (matched when no --email is given).
        #[arg(long)]
        name: String,
        /// The user's role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The user's email (the user is matched by it when given).
        #[arg(long)]
        email: Option<String>,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        token_name: String,
    },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        println!("{}", http::spec_json());
        return Ok(());
    }
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Openapi => unreachable!("handled above"),
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action).await,
        Command::Token { action } => token(settings, action).await,
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            Migrator::up(&db, None).await?;
            println!("applied {pending} migration(s)");
        }
        MigrateAction::Down { steps, all } => {
            let applied = Migrator::get_applied_migrations(&db).await?.len();
            let steps = if all { None } else { Some(steps) };
            Migrator::down(&db, steps).await?;
            let now = Migrator::get_applied_migrations(&db).await?.len();
            println!("rolled back {} migration(s)", applied - now);
        }
        MigrateAction::Status => {
            for m in Migrator::get_applied_migrations(&db).await? {
                println!("applied  {}", m.name());
            }
            for m in Migrator::get_pending_migrations(&db).await? {
                println!("pending  {}", m.name());
            }
        }
    }
    db.close().await.ok();
    Ok(())
}

async fn token(settings: Settings, action: TokenAction) -> anyhow::Result<()> {
    let TokenAction::Create {
        name,
        role,
        email,
        token_name,
    } = action;
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "--name must not be blank");
    let db = store::connect(&settings.database)
        .await
        .context("could not connect to the database")?;
    store::migrate(&db).await?;
    let email = email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let (user, created) = store::users::upsert_allowlisted(&db, name, email, role.into()).await?;
    let (_, token) = store::users::create_token(&db, user.id, &token_name).await?;
    println!(
        "{} user {} ({}, id {})",
        if created { "created" } else { "allowlisted" },
        user.name,
        user.role,
        user.id
    );
    println!("token (shown once; only its hash is stored):");
    println!("{}", token.expose());
    db.close().await.ok();
    Ok(())
}

//! The runtime benchmark suite: ten scenarios against a real server and the simulator on
//! loopback, on SQLite and (with `AUTOLYNX_BENCH_POSTGRES_URL` naming an admin database) on
//! PostgreSQL in the same run (`nodes`, a cluster of several servers, on PostgreSQL only).
//! Prints a table; `--json FILE` writes it as JSON too.
//!
//! ```text
//! cargo bench --bench runtime [-- --quick] [--json FILE] [--only start,refill,...] [--db sqlite|postgres]
//! ```
//!
//! `--quick` is CI's smoke run (small sizes; CI runs it in the debug profile with
//! `cargo test --bench runtime -- --quick`, where the numbers mean nothing but every scenario
//! runs end to end). Targets are for the 2-core development machine; a miss is printed, never
//! asserted.

/// The binary's allocator, so that what runs in this process is measured as shipped.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod harness;
mod scenarios;

use std::path::PathBuf;

use harness::{Backend, Report};
use scenarios::Sizes;

const SCENARIOS: [&str; 10] = [
    "start", "refill", "makespan", "settled", "webhooks", "import", "export", "scale", "recovery",
    "nodes",
];

struct Args {
    quick: bool,
    /// `sqlite`, `postgres` or both (the default).
    db: Option<String>,
    json: Option<PathBuf>,
    only: Vec<String>,
}

fn args() -> Args {
    let mut args = Args {
        quick: false,
        db: None,
        json: None,
        only: SCENARIOS.iter().map(|s| (*s).to_owned()).collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--json" => args.json = it.next().map(PathBuf::from),
            "--db" => args.db = it.next(),
            "--only" => {
                let list = it.next().unwrap_or_default();
                args.only = list.split(',').map(|s| s.trim().to_owned()).collect();
                for name in &args.only {
                    assert!(
                        SCENARIOS.contains(&name.as_str()),
                        "unknown scenario {name:?}; the scenarios are {SCENARIOS:?}"
                    );
                }
            }
            // `cargo bench` adds `--bench`; libtest-style flags mean nothing here.
            _ => {}
        }
    }
    args
}

fn main() {
    let args = args();
    let sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let mut backends = Vec::new();
    if args.db.as_deref() != Some("postgres") {
        backends.push(Backend::Sqlite);
    }
    if args.db.as_deref() != Some("sqlite") {
        match std::env::var("AUTOLYNX_BENCH_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => backends.push(Backend::Postgres(url)),
            _ => println!("(AUTOLYNX_BENCH_POSTGRES_URL is not set: no PostgreSQL figures)"),
        }
    }
    println!(
        "autolynx benchmarks: {} run, {} profile, machine {}",
        if args.quick { "quick" } else { "full" },
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        harness::machine()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut report = Report::default();
    Report::header();
    let wants = |name: &str| args.only.iter().any(|o| o == name);
    runtime.block_on(async {
        for backend in &backends {
            if wants("start") {
                scenarios::start(&mut report, backend, sizes).await;
            }
            if wants("refill") || wants("makespan") {
                scenarios::makespan(&mut report, backend, sizes).await;
            }
            if wants("settled") {
                scenarios::settled(&mut report, backend, sizes).await;
            }
            if wants("webhooks") {
                scenarios::webhooks(&mut report, backend, sizes).await;
            }
            if wants("import") {
                scenarios::import(&mut report, backend, sizes).await;
            }
            if wants("export") {
                scenarios::export(&mut report, backend, sizes).await;
            }
            if wants("scale") {
                scenarios::scale(&mut report, backend, sizes).await;
            }
            if wants("recovery") {
                scenarios::recovery(&mut report, backend, sizes).await;
            }
            if wants("nodes") {
                scenarios::nodes(&mut report, backend, sizes).await;
            }
        }
    });
    let misses = report.rows.iter().filter(|r| r.met == Some(false)).count();
    println!(
        "{} figures, {} with a target, {misses} missed",
        report.rows.len(),
        report.rows.iter().filter(|r| r.target.is_some()).count()
    );
    if let Some(path) = &args.json {
        report.write_json(path, args.quick);
        println!("wrote {}", path.display());
    }
}

//! The `autolynx` binary: parses the command line and hands over to the library.

use clap::Parser;

/// mimalloc instead of the system allocator: profiling a busy campaign showed a quarter of the
/// CPU in glibc's malloc and free (webhook bodies, JSON values and database rows are many
/// short-lived allocations), and its consolidation kept the resident size high.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = autolynx::cli::Cli::parse();
    match autolynx::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

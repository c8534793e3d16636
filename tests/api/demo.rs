//! `autolynx demo` as a user runs it: a child process that must finish, exit 0 and print the
//! summary.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

/// Runs `autolynx demo` with `args` to its end (at most `limit`): stdout and stderr.
async fn run_demo(args: &[&str], limit: Duration) -> (String, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .arg("demo")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    let finished = tokio::time::timeout(limit, async {
        let (a, b) = tokio::join!(
            stdout.read_to_string(&mut out),
            stderr.read_to_string(&mut err)
        );
        a.and(b).expect("output read");
        child.wait().await.expect("the demo exits")
    })
    .await;
    let status = match finished {
        Ok(status) => status,
        Err(_) => {
            // Killed by its pid (kill_on_drop also covers a panic here).
            let _ = child.start_kill();
            panic!("the demo did not finish in {limit:?}\nstdout:\n{out}\nstderr:\n{err}");
        }
    };
    assert!(
        status.success(),
        "exit {status}\nstdout:\n{out}\nstderr:\n{err}"
    );
    (out, err)
}

/// The value of the summary line starting with `label`.
fn summary_line(out: &str, label: &str) -> String {
    out.lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{out}"))
        .trim_start()[label.len()..]
        .trim()
        .to_owned()
}

#[tokio::test]
async fn demo_runs_a_campaign_within_its_cap_and_prints_the_summary() {
    let (out, _) = run_demo(&["--contacts", "40", "--cap", "4"], Duration::from_secs(90)).await;
    let line = |label: &str| summary_line(&out, label);
    assert_eq!(line("status"), "COMPLETED");
    assert_eq!(line("contacts"), "40");
    assert!(line("success rate").ends_with('%'));
    assert!(line("total cost").starts_with('$'));
    assert!(line("makespan").ends_with(" s"));
    assert!(out.contains("answered"), "{out}");
    // "max concurrency   N / cap 4 (...)": the simulator's count never exceeded the cap.
    let concurrency = line("max concurrency");
    let max: u32 = concurrency
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable: {concurrency}"));
    assert!(concurrency.contains("/ cap 4"), "{concurrency}");
    assert!((1..=4).contains(&max), "{concurrency}");
    assert!(line("dials").contains("at most 1 per contact"), "{out}");
    // The export exists and has a row per contact.
    let export = line("export");
    let rows = csv::Reader::from_path(&export)
        .expect("the export file exists")
        .records()
        .count();
    assert_eq!(rows, 40);
    let dir = std::path::Path::new(&export).parent().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// Under the hostile fault profile the provider refuses the demo's first request with seed 3
/// (a 503 after a timeout): the demo asks again, as a client should, and the campaign still
/// completes within its cap with at most one dial per contact.
#[tokio::test]
async fn demo_under_the_hostile_profile_retries_what_the_provider_refused() {
    let (out, err) = run_demo(
        &[
            "--contacts",
            "12",
            "--cap",
            "3",
            "--fault-profile",
            "hostile",
            "--seed",
            "3",
        ],
        Duration::from_secs(120),
    )
    .await;
    let all = format!("{out}{err}");
    assert!(
        all.contains("cloning the assistant template: retrying"),
        "seed 3 no longer refuses the first request: pick another\n{all}"
    );
    assert_eq!(summary_line(&out, "status"), "COMPLETED");
    assert!(
        summary_line(&out, "max concurrency").contains("cap held"),
        "{out}"
    );
    assert!(
        summary_line(&out, "dials").contains("at most 1 per contact"),
        "{out}"
    );
    let export = summary_line(&out, "export");
    let _ = std::fs::remove_dir_all(std::path::Path::new(&export).parent().unwrap());
}

#[tokio::test]
async fn demo_keep_running_prints_a_console_link_that_signs_in_once() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_autolynx"))
        .args(["demo", "--contacts", "10", "--cap", "4", "--keep-running"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let link = tokio::time::timeout(Duration::from_secs(90), async {
        while let Some(line) = lines.next_line().await.expect("stdout read") {
            if let Some(url) = line.trim_start().strip_prefix("console") {
                return url.trim().to_owned();
            }
        }
        panic!("the demo ended without printing the console link");
    })
    .await
    .expect("the console link within 90 s");
    let (base, secret) = link.split_once("/#signin=").expect("a sign-in link");
    autolynx::startup::install_crypto_provider();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let page = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    for expected in [
        reqwest::StatusCode::CREATED,
        reqwest::StatusCode::UNAUTHORIZED,
    ] {
        let signed_in = client
            .post(format!("{base}/session"))
            .json(&serde_json::json!({ "link": secret }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), expected);
    }
    // Stopped by its own handle (kill_on_drop covers a panic above).
    child.start_kill().expect("stop the demo");
    child.wait().await.ok();
}

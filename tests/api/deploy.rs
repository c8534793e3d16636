//! The deployment files keep up with the code: the alert rules name metrics the service
//! exports, the systemd unit runs a command that exists in prod, and the README links the
//! runbook, which names files that exist.

const ALERTS: &str = include_str!("../../deploy/autolynx-alerts.yml");
const UNIT: &str = include_str!("../../deploy/autolynx.service");
const METRICS_SOURCE: &str = include_str!("../../src/metrics.rs");
const README: &str = include_str!("../../README.md");
const RUNBOOK: &str = include_str!("../../docs/operations.md");

#[test]
fn every_metric_in_the_alert_rules_is_exported() {
    let mut names: Vec<&str> = ALERTS
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("autolynx_"))
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        assert!(
            METRICS_SOURCE.contains(&format!("\"{name}\"")),
            "deploy/autolynx-alerts.yml uses {name}, which src/metrics.rs does not export"
        );
    }
}

#[test]
fn the_systemd_unit_runs_serve_in_prod_with_a_health_check_and_hardening() {
    let exec = UNIT
        .lines()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart");
    assert!(exec.ends_with(" serve"), "{exec}");
    for line in [
        "Environment=AUTOLYNX_ENV=prod",
        "User=autolynx",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "StateDirectory=autolynx",
        "NoNewPrivileges=yes",
    ] {
        assert!(UNIT.lines().any(|l| l == line), "{line} missing");
    }
    let health = UNIT
        .lines()
        .find(|l| l.starts_with("ExecStartPost="))
        .expect("a health check after start");
    assert!(health.contains("/api/health"), "{health}");
}

#[test]
fn the_readme_links_the_runbook_and_the_runbook_names_real_files() {
    assert!(README.contains("(docs/operations.md)"));
    for file in [
        "deploy/autolynx.service",
        "deploy/autolynx-alerts.yml",
        "deploy/autolynx-alerts.test.yml",
        "config/prod.example.toml",
    ] {
        assert!(
            RUNBOOK.contains(file),
            "the runbook does not mention {file}"
        );
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        assert!(path.exists(), "{file} does not exist");
    }
}

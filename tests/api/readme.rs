//! The README's configuration table keeps up with `config/default.toml`.

const README: &str = include_str!("../../README.md");
const DEFAULTS: &str = include_str!("../../config/default.toml");

#[test]
fn readme_lists_every_configuration_key() {
    let mut section = String::new();
    let mut keys = Vec::new();
    for line in DEFAULTS.lines().map(str::trim) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
        } else if let Some((key, _)) = line.split_once('=') {
            keys.push(format!("{section}.{}", key.trim()));
        }
    }
    assert!(keys.len() >= 20, "parsed keys: {keys:?}");
    for key in keys {
        assert!(
            README.contains(&format!("| `{key}` |")),
            "README's configuration table lacks `{key}`"
        );
    }
}

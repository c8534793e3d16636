#!/usr/bin/env bash
# Regenerates what is generated from the code, with the pinned generators:
#   openapi/openapi.json             the spec (`autolynx openapi`)
#   openapi/clients/rust/src/generated.rs   the Rust client (progenitor 0.15.1, pinned in
#                                    openapi/clients/rust/Cargo.toml and Cargo.lock)
# Tests fail when the committed files differ from what this writes
# (tests/api/openapi.rs and openapi/clients/rust/tests/generated.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run -q -- openapi > openapi/openapi.json
AUTOLYNX_REGENERATE=1 cargo test -q -p autolynx-client --test generated

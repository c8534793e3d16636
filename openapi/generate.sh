#!/usr/bin/env bash
# Regenerates what is generated from the code, with the pinned generators:
#   openapi/openapi.json                    the spec (`autolynx openapi`)
#   openapi/clients/rust/src/generated.rs   the Rust client: progenitor 0.15.1 (pinned in
#                                           openapi/clients/rust/Cargo.toml and Cargo.lock)
#   openapi/clients/python                  the Python client: openapi-python-client 0.29.1,
#                                           installed into $CONTRACT_VENV (default .ci/venv)
#   openapi/clients/typescript/src          the TypeScript client: @hey-api/openapi-ts, pinned
#                                           in its package.json and package-lock.json (npm ci)
# Tests and scripts/contract-check fail when the committed files differ from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
venv=${CONTRACT_VENV:-$PWD/.ci/venv}

cargo run -q -- openapi > openapi/openapi.json
AUTOLYNX_REGENERATE=1 cargo test -q -p autolynx-client --test generated

if [ "$("$venv/bin/openapi-python-client" --version 2>/dev/null | awk '{print $NF}')" != "$OPENAPI_PYTHON_CLIENT_VERSION" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION"
fi
OPENAPI_PYTHON_CLIENT="$venv/bin/openapi-python-client" openapi/generate-python.sh
openapi/generate-typescript.sh

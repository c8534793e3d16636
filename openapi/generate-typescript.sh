#!/usr/bin/env bash
# Regenerates openapi/clients/typescript/src from openapi/openapi.json with @hey-api/openapi-ts,
# the version pinned in openapi/clients/typescript/package.json (exactly, with its
# package-lock.json); installs it there with `npm ci` when missing.
# $1 (optional): the client directory to write into instead (scripts/contract-check's drift
# check regenerates into a copy and diffs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${1:-$root/openapi/clients/typescript}
pinned=$(node -p "require('$root/openapi/clients/typescript/package.json').devDependencies['@hey-api/openapi-ts']")
installed=$(node -p "try { require('$root/openapi/clients/typescript/node_modules/@hey-api/openapi-ts/package.json').version } catch { '' }")
if [ "$installed" != "$pinned" ]; then
  (cd openapi/clients/typescript && npm ci --no-audit --no-fund --loglevel=error)
fi
rm -rf "$dir/src"
# The config reads ../../openapi.json: run it where that is the committed spec.
(cd "$dir" && "$root/openapi/clients/typescript/node_modules/.bin/openapi-ts" --silent \
  -f "$root/openapi/clients/typescript/openapi-ts.config.mjs")

#!/usr/bin/env bash
# Regenerates openapi/clients/python with openapi-python-client (version given as $1, the one
# pinned in openapi/generate.sh and scripts/contract-check), then applies one fix for a known
# generator bug: an operation with two request content types (POST /campaigns: JSON or
# multipart) annotates its optional body `| Unset` without importing `Unset` (NameError at
# import time). The fix only adds the import.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=${OPENAPI_PYTHON_CLIENT:-openapi-python-client}
rm -rf openapi/clients/python
"$generator" generate --path openapi/openapi.json --config openapi/clients/python-config.yml \
  --output-path openapi/clients/python --meta setup >/dev/null
grep -rl --include='*.py' '| Unset = UNSET' openapi/clients/python/autolynx_client/api |
  xargs -r sed -i 's/^from \.\.\.types import Response, UNSET$/from ...types import Response, UNSET, Unset/'

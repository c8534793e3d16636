#!/usr/bin/env bash
# The console check: builds autolynx, starts the Vapi simulator and `autolynx serve` on free
# loopback ports with a temporary SQLite database, runs the Playwright script (console.test.mjs)
# against them in Debian's Chromium, and stops the two processes it started (by pid).
# Needs: /usr/bin/chromium (apt-get install chromium) and `npm ci` in web/tests.
# Screenshots and logs land in web/tests/artifacts/ (CI keeps them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

cargo build --quiet --bin autolynx
bin="${CARGO_TARGET_DIR:-$root/target}/debug/autolynx"
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund)

work=$(mktemp -d)
artifacts="$here/artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sim_port=$(free_port)
app_port=$(free_port)
secret="console-check-$RANDOM$RANDOM"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cp "$work"/*.log "$artifacts"/ 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

"$bin" simulator --bind "127.0.0.1:$sim_port" --api-key sim-key \
  --webhook-url "http://127.0.0.1:$app_port/api/webhooks/vapi" --webhook-secret "$secret" \
  --seed 7 --call-ms 1500..2500 --concurrency-limit 10 >"$work/simulator.log" 2>&1 &
pids+=($!)

export DATABASE_URL="sqlite://$work/console.db?mode=rwc"
unset AUTOLYNX_CONFIG
export LOG_LEVEL=info
export VAPI_BASE_URL="http://127.0.0.1:$sim_port" VAPI_API_KEY=sim-key VAPI_PHONE_NUMBER_ID=console-line
export WEBHOOK_SHARED_SECRET="$secret"
export AUTOLYNX__SERVER__BIND="127.0.0.1:$app_port"
# The console check runs at any hour and dials the simulator.
export AUTOLYNX__CAMPAIGNS__LEGAL_HOURS_FLOOR=false
"$bin" serve >"$work/serve.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$app_port/api/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$app_port/api/health" >/dev/null

CONSOLE_URL="http://127.0.0.1:$app_port" SIM_URL="http://127.0.0.1:$sim_port" \
  AUTOLYNX_BIN="$bin" ARTIFACTS="$artifacts" \
  node "$here/console.test.mjs"

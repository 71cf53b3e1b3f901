#!/usr/bin/env bash
# All of eduplan's tests: the Rust workspace (the store's tests on SQLite and PostgreSQL), the
# layout's exact MIP (feature highs), then the browser tests (playwright-core driving Debian's
# chromium against a demo server). Needs what .ci/run installs: Node/npm, chromium, PostgreSQL,
# cmake, g++ and libclang.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${EDUPLAN_TEST_PG:-}" ]; then
  EDUPLAN_TEST_PG=$(scripts/pg-start.sh)
  export EDUPLAN_TEST_PG
fi
export EDUPLAN_REQUIRE_PG=1
[ -d web/node_modules ] || (cd web && npm ci --no-audit --no-fund)

echo "== cargo test (PostgreSQL at $EDUPLAN_TEST_PG)"
cargo build --bin eduplan
cargo test --workspace

# The exact MIP of the layout is a feature (HiGHS is compiled from source: cmake, g++, libclang):
# its tests, the CLI's with it, and the demo server of the browser tests built with it.
echo "== cargo test --features highs (the layout's exact MIP)"
cargo test -p eduplan-layout --features highs --test mip --test network
cargo test -p eduplan-cli --features highs --test cli -- exact
cargo build --bin eduplan --features eduplan-cli/highs

echo "== browser test"
work=$(mktemp -d)
port=${EDUPLAN_E2E_PORT:-18765}
target/debug/eduplan --db "$work/e2e.db" demo --port "$port" --seed 7 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$work/server.log"; echo "demo server exited" >&2; exit 1; }
  sleep 1
done
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/foundation.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/indicators.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/supervision.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/findings.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/plans.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/projections.mjs
EDUPLAN_URL="http://127.0.0.1:$port" EDUPLAN_USER=admin EDUPLAN_PASSWORD=admin123 \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-}" node web/e2e/layout.mjs
echo "== all tests passed"

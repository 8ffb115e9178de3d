#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh clone — installs what is missing, then lint, format, type check, the
# production build (including the workflow bundle), and the unit, replay and integration tests. The integration
# tests start their own Temporal dev server and PostgreSQL database (test/integration/global-setup.ts).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CASCADE_ROOT"

step() {
  local name="$1"; shift
  log "── $name"
  local started=$SECONDS
  "$@" || die "$name failed"
  log "   $name ok ($((SECONDS - started)) s)"
}

ensure_node_modules
# Fail early with instructions if no Temporal CLI can be had; builds it on the first run.
step "Temporal CLI" bash infra/bin/temporal-cli.sh
step "lint" npx eslint . --max-warnings 0
step "format" npx prettier --check --log-level warn .
step "type check" bash -c "npx tsc -p tsconfig.json --noEmit && npx tsc -p apps/web/tsconfig.json"
step "build" npm run --silent build

# The browser tests drive Debian's chromium; install it when missing (root with apt-get), else say how.
ensure_chromium() {
  [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium (apt-get) for the browser tests"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
  else
    die "the browser tests need chromium: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH" 69
  fi
}
step "chromium" ensure_chromium

# The official document's tests read PDFs with poppler (pdftotext, pdfinfo): Debian's poppler-utils.
ensure_poppler() {
  command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing poppler-utils (apt-get) for the document tests"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
    fi
  else
    die "the document tests need poppler: install it (Debian/Ubuntu: sudo apt-get install poppler-utils)" 69
  fi
}
step "poppler" ensure_poppler

mkdir -p "$CASCADE_DATA_DIR"
results="$CASCADE_DATA_DIR/jest-results.json"
rm -f "$results"
set +e
npx jest --runInBand --json --outputFile="$results" "$@"
status=$?
set -e
if [[ -f "$results" ]]; then
  node -e '
    const r = require(process.argv[1]);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  ' "$results" || status=1
fi
# The whole suite (no Jest arguments) ends with the quick fault suite: processes killed and services restarted while
# a directive dispatches and reports arrive (npm run test:faults runs the full one). CASCADE_FAULTS=0 skips it.
if [[ "$status" == 0 && $# == 0 && "${CASCADE_FAULTS:-1}" != 0 ]]; then
  step "faults (quick)" node -r ts-node/register/transpile-only -r tsconfig-paths/register test/faults/run.ts --quick
fi
exit "$status"

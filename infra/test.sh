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
# The static checks and the build, as two lanes side by side (each is one process on one core, and this machine
# has two): lint then format; type check then build. Each lane's output is shown when it ends.
lane() {
  local out="$1"; shift
  (
    while (($#)); do
      local name="$1" command="$2"; shift 2
      local started=$SECONDS
      log "── $name"
      bash -c "$command" || { log "   $name FAILED"; exit 1; }
      log "   $name ok ($((SECONDS - started)) s)"
    done
  ) >"$out" 2>&1
}
lanes_dir="$(mktemp -d)"
mkdir -p "$CASCADE_DATA_DIR"
# The lint's report, which the lint spec reads instead of linting the whole tree a second time.
export CASCADE_ESLINT_REPORT="$CASCADE_DATA_DIR/eslint-report.json"
rm -f "$CASCADE_ESLINT_REPORT"
lane "$lanes_dir/a" "lint" "node infra/bin/eslint-report.mjs '$CASCADE_ESLINT_REPORT'" \
  "format" "npx prettier --check --log-level warn ." &
lane_a=$!
lane "$lanes_dir/b" "type check" "npx tsc -p tsconfig.json --noEmit && npx tsc -p apps/web/tsconfig.json" \
  "build" "npm run --silent build" &
lane_b=$!
lanes_ok=1
wait "$lane_a" || lanes_ok=0
cat "$lanes_dir/a" >&2
wait "$lane_b" || lanes_ok=0
cat "$lanes_dir/b" >&2
rm -rf "$lanes_dir"
((lanes_ok)) || die "the static checks or the build failed (above)"

# Debian tools the tests drive, installed when missing (root with apt-get), else the run says what to install:
# chromium (the browser tests; or CHROMIUM_PATH), poppler-utils (pdftotext, pdfinfo, pdfsig: the official document and
# its signature), libnss3-tools (certutil: pdfsig's trust database), softhsm2 and opensc (a PKCS#11 token and
# pkcs11-tool, which signs inside it).
ensure_debian_tools() {
  local missing=() pair
  for pair in "${CHROMIUM_PATH:-/usr/bin/chromium}:chromium" pdftotext:poppler-utils pdfsig:poppler-utils \
    certutil:libnss3-tools softhsm2-util:softhsm2 pkcs11-tool:opensc; do
    local cmd="${pair%%:*}" pkg="${pair##*:}"
    if [[ "$cmd" == /* ]]; then [[ -x "$cmd" ]] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} (apt-get) for the tests"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  else
    die "the tests need ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})" 69
  fi
}
step "Debian tools" ensure_debian_tools

mkdir -p "$CASCADE_DATA_DIR"
results="$CASCADE_DATA_DIR/jest-results.json"
rm -f "$results" "$CASCADE_DATA_DIR"/jest-results-*.json
# The whole suite runs as CASCADE_JEST_SHARDS parallel Jest processes (2: this machine's cores), each in band with a
# stack of its own (a Temporal dev server and a database, test/integration/global-setup.ts), the files dealt by
# their recorded durations (test/jest-sequencer.js). Each line of a shard's output starts with its number. With Jest
# arguments (a file, -t …), one process as before.
shards="${CASCADE_JEST_SHARDS:-2}"
set +e
if [[ $# == 0 && "$shards" -gt 1 ]]; then
  # one PostgreSQL for all: started here when missing, not by each shard's setup at once
  bash infra/bin/postgres.sh ensure >/dev/null
  pids=()
  for ((k = 1; k <= shards; k++)); do
    (
      # --forceExit: once its results are written and its stack torn down, a shard does not wait on a handle left open
      npx jest --runInBand --forceExit --shard="$k/$shards" --json --outputFile="$CASCADE_DATA_DIR/jest-results-$k.json" 2>&1 |
        sed -u "s/^/[$k] /"
      exit "${PIPESTATUS[0]}"
    ) &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  # one results file, as a single run writes it (infra/bin/jest-durations.mjs reads the shards' files to refresh
  # test/durations.json when asked; nothing rewrites it on its own)
  node -e '
    const fs = require("fs");
    const [out, count] = process.argv.slice(1);
    const files = Array.from({ length: +count }, (_, k) => out.replace(/\.json$/, `-${k + 1}.json`));
    const missing = files.filter((f) => !fs.existsSync(f));
    if (missing.length) { console.error(`no results from ${missing.join(", ")}`); process.exit(1); }
    const parts = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    const merged = { ...parts[0], success: parts.every((p) => p.success), testResults: parts.flatMap((p) => p.testResults) };
    for (const [k, v] of Object.entries(parts[0]))
      if (typeof v === "number" && k !== "startTime") merged[k] = parts.reduce((n, p) => n + (p[k] ?? 0), 0);
    fs.writeFileSync(out, JSON.stringify(merged));
  ' "$results" "$shards" || status=1
else
  npx jest --runInBand --json --outputFile="$results" "$@"
  status=$?
fi
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
# TS_NODE_BASEURL=./dist: the suite's @cascade/* imports load the build's JavaScript, the code the apps it drives run,
# instead of compiling the libraries' TypeScript again (half of its 7–8 s of CPU to load).
if [[ "$status" == 0 && $# == 0 && "${CASCADE_FAULTS:-1}" != 0 ]]; then
  step "faults (quick)" env TS_NODE_BASEURL=./dist \
    node -r ts-node/register/transpile-only -r tsconfig-paths/register test/faults/run.ts --quick
fi
exit "$status"

#!/usr/bin/env bash
# The local stack. `npm start` (= `infra/dev.sh up`): installs what is missing, starts the Temporal dev server,
# PostgreSQL (or uses yours), runs the migrations, starts the worker and the API, loads demo data, prints the URLs,
# and stops what it started on Ctrl-C. A second `up` reuses whatever already runs.
#   infra/dev.sh up [--detach] [--temporal=dev|cluster] [--no-install]
#       --detach            keep running in the background
#       --temporal=cluster  a real Temporal cluster (infra/bin/temporal-server.sh: PostgreSQL, two history processes)
#                           instead of the dev server
#       --no-install        do not install npm packages (node_modules must be there)
#   infra/dev.sh down            stop what a detached `up` started
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CASCADE_ROOT"

RUN_DIR="$CASCADE_DATA_DIR/run"
LOG_DIR="$CASCADE_DATA_DIR/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"
# Exports KEY=VALUE lines of a file for the keys not already set: real environment variables win.
load_env_file() {
  local key value
  while IFS='=' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    [[ -z "${!key:-}" && -n "$value" ]] && export "$key=$value"
  done <"$1"
}
[[ -f .env ]] && load_env_file .env
# Local secrets, made once per checkout and never committed: the JWT key, the bootstrap admin's and demo passwords.
SECRETS="$CASCADE_DATA_DIR/secrets.env"
rand() { node -e 'process.stdout.write(require("crypto").randomBytes(+process.argv[1]).toString("base64url"))' "$1"; }
ensure_secret() { # name value: appended once, so that secrets added by newer versions appear in older checkouts
  grep -q "^$1=" "$SECRETS" 2>/dev/null && return 0
  (umask 077; echo "$1=$2" >>"$SECRETS")
  log "made $1 in $SECRETS"
}
ensure_secret JWT_SECRET "$(rand 48)"
ensure_secret SIGNING_KEY_SECRET "$(rand 48)"
ensure_secret CASCADE_ADMIN_PASSWORD "Sys-$(rand 12)-1"
ensure_secret CASCADE_DEMO_PASSWORD "Demo-$(rand 9)-2"
load_env_file "$SECRETS"
export CASCADE_ADMIN_EMAIL="${CASCADE_ADMIN_EMAIL:-admin@cascade.local}"

export PORT="${PORT:-3000}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export WORKER_HEALTH_PORT="${WORKER_HEALTH_PORT:-3001}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
NODE_PATHS=(env TS_NODE_BASEURL=./dist node -r tsconfig-paths/register)

STARTED=() # "name:pid", in start order
REBUILT=0

pid_alive() { [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_bg() { # name logfile command...
  local name="$1" logfile="$2"; shift 2
  setsid "$@" >>"$logfile" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  STARTED+=("$name:$!")
}

stop_pid() { # name pid
  local name="$1" pid="$2"
  kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  rm -f "$RUN_DIR/$name.pid"
}

cleanup() {
  local rc=$?
  trap - INT TERM EXIT
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[i]%%:*}" "${STARTED[i]##*:}"; done
  stop_cluster
  [[ -f "$RUN_DIR/postgres.started" ]] && { bash infra/bin/postgres.sh stop; rm -f "$RUN_DIR/postgres.started"; }
  exit "$rc"
}

stop_cluster() { # the Temporal cluster, when an `up --temporal=cluster` started it
  [[ -f "$RUN_DIR/temporal-cluster.started" ]] || return 0
  bash infra/bin/temporal-server.sh stop || true
  rm -f "$RUN_DIR/temporal-cluster.started"
}

# PostgreSQL: DATABASE_URL, else the server on :5432, else a private cluster (remembered, to stop it on the way out).
ensure_postgres() {
  [[ -n "${DATABASE_URL:-}" ]] && return 0
  local pg_was_up=0
  port_open 127.0.0.1 5432 && pg_was_up=1
  local server
  server="$(bash infra/bin/postgres.sh ensure)"
  [[ "$server" == *":55432" ]] && ((pg_was_up == 0)) && touch "$RUN_DIR/postgres.started"
  export DATABASE_URL="$server/cascade"
}

temporal_healthy() { "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING; }
api_healthy() { curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; }

# A real Temporal cluster on the app's PostgreSQL (databases temporal and temporal_visibility), its data, logs and
# pids in .data/temporal-cluster; the namespace and the search attributes registered by the script.
start_cluster() {
  ensure_postgres
  export TEMPORAL_CLI="$TEMPORAL_BIN"
  log "starting a Temporal cluster on $TEMPORAL_ADDRESS (PostgreSQL; logs in $CASCADE_DATA_DIR/temporal-cluster)"
  touch "$RUN_DIR/temporal-cluster.started"
  CASCADE_TEMPORAL_PORT="${TEMPORAL_ADDRESS##*:}" CASCADE_TEMPORAL_PG="$(bash infra/bin/postgres.sh ensure)" \
    bash infra/bin/temporal-server.sh start >/dev/null || die "the Temporal cluster did not start"
}

up() {
  local detach=0 install=1 arg
  TEMPORAL_MODE=dev
  for arg in "$@"; do
    case "$arg" in
      --detach) detach=1 ;;
      --no-install) install=0 ;;
      --temporal=dev | --temporal=cluster) TEMPORAL_MODE="${arg#--temporal=}" ;;
      *) die "unknown option $arg (usage: infra/dev.sh up [--detach] [--temporal=dev|cluster] [--no-install])" 2 ;;
    esac
  done
  ((detach)) || trap cleanup INT TERM EXIT

  if ((install)); then ensure_node_modules; else [[ -d node_modules ]] || die "--no-install, but no node_modules"; fi
  # Rebuild only when a source changed since the last build: a second `up` must not swap dist/ under running apps.
  local stamp="dist/.build-stamp"
  if [[ ! -f "$stamp" || -n "$(find apps libs workflows infra tsconfig*.json package-lock.json -newer "$stamp" \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.mts' -o -name '*.json' \) -print -quit)" ]]; then
    log "building (tsc, workflow bundle, web app)"
    REBUILT=1
    npm run --silent build >"$LOG_DIR/build.log" 2>&1 || { tail -40 "$LOG_DIR/build.log"; die "build failed (see $LOG_DIR/build.log)"; }
    touch "$stamp"
  else
    log "build is up to date"
  fi

  TEMPORAL_BIN="$(bash infra/bin/temporal-cli.sh)"
  local attributes
  attributes="$("${NODE_PATHS[@]}" dist/infra/scripts/search-attributes.js)" || die "cannot list the search attributes"
  if temporal_healthy; then
    log "reusing the Temporal server at $TEMPORAL_ADDRESS"
  elif [[ "$TEMPORAL_MODE" == cluster ]]; then
    start_cluster
  else
    local host="${TEMPORAL_ADDRESS%:*}" port="${TEMPORAL_ADDRESS##*:}"
    local flags=()
    while IFS= read -r sa; do flags+=(--search-attribute "$sa"); done <<<"$attributes"
    log "starting the Temporal dev server on $TEMPORAL_ADDRESS (UI on $TEMPORAL_UI_PORT, data in $CASCADE_DATA_DIR/temporal.db)"
    start_bg temporal "$LOG_DIR/temporal.log" "$TEMPORAL_BIN" server start-dev \
      --ip "$host" --port "$port" --ui-port "$TEMPORAL_UI_PORT" --namespace "$TEMPORAL_NAMESPACE" \
      --db-filename "$CASCADE_DATA_DIR/temporal.db" \
      --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL \
      --log-level warn "${flags[@]}"
    wait_for 90 "Temporal" temporal_healthy || die "Temporal did not start (see $LOG_DIR/temporal.log)"
  fi
  # Registering is idempotent: on a reused server an existing attribute is reported and skipped.
  while IFS='=' read -r name type; do
    "$TEMPORAL_BIN" operator search-attribute create --address "$TEMPORAL_ADDRESS" \
      --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type" >/dev/null 2>&1 || true
  done <<<"$attributes"

  ensure_postgres
  log "database: ${DATABASE_URL%%\?*}"
  "${NODE_PATHS[@]}" dist/libs/persistence/src/cli/db.js ensure >&2 || die "could not prepare the database"
  "${NODE_PATHS[@]}" dist/libs/persistence/src/cli/db.js bootstrap-admin >&2 || die "could not create the administrator"

  if pid_alive worker; then
    log "reusing the worker (pid $(cat "$RUN_DIR/worker.pid"))"
    ((REBUILT)) && warn "the worker runs code older than this build: npm run stop && npm start to pick it up"
  else
    log "starting the worker (health on :$WORKER_HEALTH_PORT)"
    start_bg worker "$LOG_DIR/worker.log" "${NODE_PATHS[@]}" dist/apps/worker/src/main.js
  fi
  if api_healthy; then
    log "reusing the API on :$PORT"
    ((REBUILT)) && pid_alive api && warn "the API runs code older than this build: npm run stop && npm start to pick it up"
  else
    log "starting the API on :$PORT"
    start_bg api "$LOG_DIR/api.log" "${NODE_PATHS[@]}" dist/apps/api/src/main.js
  fi
  wait_for 120 "API" api_healthy || die "the API did not become healthy (see $LOG_DIR/api.log)"

  log "loading demo data"
  "${NODE_PATHS[@]}" dist/infra/scripts/seed-demo.js >&2 || warn "demo data failed (see above)"
  if [[ "${DEMO_AUTOPILOT:-1}" == "1" ]]; then
    if pid_alive autopilot; then
      log "reusing the demo autopilot (pid $(cat "$RUN_DIR/autopilot.pid"))"
    else
      log "starting the demo autopilot: the Tây Ninh directive, a report cycle a minute ($LOG_DIR/autopilot.log)"
      start_bg autopilot "$LOG_DIR/autopilot.log" "${NODE_PATHS[@]}" dist/infra/scripts/demo-autopilot.js
    fi
  fi

  cat >&2 <<MSG

  Cascade is running.
    Web app      http://127.0.0.1:$PORT/
    API docs     http://127.0.0.1:$PORT/docs   (OpenAPI: http://127.0.0.1:$PORT/openapi.json)
    Health       http://127.0.0.1:$PORT/health
    Temporal UI  ${TEMPORAL_UI_URL:-$([[ "$TEMPORAL_MODE" == cluster ]] && echo "none in cluster mode (infra/bin/temporal-server.sh status)" || echo "http://127.0.0.1:$TEMPORAL_UI_PORT")}
    Logs         $LOG_DIR
    Sign in      in the web app, or POST /auth/login, as $CASCADE_ADMIN_EMAIL (system administrator) or a demo user from
                 infra/demo/people.json; passwords in $SECRETS
MSG
  if ((detach)); then
    log "detached; stop with: npm run stop"
    return 0
  fi
  log "press Ctrl-C to stop what this command started"
  while true; do
    for entry in "${STARTED[@]}"; do
      kill -0 "${entry##*:}" 2>/dev/null || { warn "${entry%%:*} exited (see $LOG_DIR/${entry%%:*}.log)"; exit 1; }
    done
    sleep 2
  done
}

down() {
  for name in autopilot api worker temporal; do
    pid_alive "$name" && stop_pid "$name" "$(cat "$RUN_DIR/$name.pid")"
  done
  stop_cluster
  [[ -f "$RUN_DIR/postgres.started" ]] && { bash infra/bin/postgres.sh stop; rm -f "$RUN_DIR/postgres.started"; }
  log "stopped"
}

case "${1:-up}" in
  up) shift || true; up "$@" ;;
  down) down ;;
  *) die "usage: infra/dev.sh (up [--detach] [--temporal=dev|cluster] [--no-install]|down)" 2 ;;
esac

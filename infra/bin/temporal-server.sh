#!/usr/bin/env bash
# A real Temporal cluster on this machine, as production runs it (the dev server, `temporal server start-dev`, is one
# process on SQLite): the Temporal server v1.29.1 on PostgreSQL (postgres12 persistence, SQL visibility, 8 history
# shards), every service in a process of its own on its own loopback ports, the history service in two.
#   temporal-server.sh build              the server and its schema tool (go install, first time only); prints nothing
#   temporal-server.sh start              schema, config, every process; prints the frontend's address when SERVING
#   temporal-server.sh stop               stops every process of the cluster (SIGTERM, SIGKILL after 30 s)
#   temporal-server.sh status             one line per process: running or not, pid, ports
#   temporal-server.sh kill SERVICE [SIG] one process (frontend, matching, worker, history-1, history-2), SIGKILL unless told
#   temporal-server.sh start-one SERVICE  (re)starts one process on its ports; returns when it listens
# Settings (environment):
#   CASCADE_TEMPORAL_DIR   config, pids and logs (default .data/temporal-cluster)
#   CASCADE_TEMPORAL_PORT  the frontend's gRPC port (default 7233); the other ports are chosen free at `start`
#   CASCADE_TEMPORAL_PG    the PostgreSQL server, postgres://user[:password]@host:port (default: postgres.sh ensure)
#   CASCADE_TEMPORAL_DB    the databases' name: DB and DB_visibility (default temporal)
#   TEMPORAL_NAMESPACE     the namespace registered (default default), with the app's search attributes
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

TEMPORAL_SERVER_VERSION="${TEMPORAL_SERVER_VERSION:-v1.29.1}"
DIR="${CASCADE_TEMPORAL_DIR:-$CASCADE_DATA_DIR/temporal-cluster}"
FRONTEND_PORT="${CASCADE_TEMPORAL_PORT:-7233}"
DB="${CASCADE_TEMPORAL_DB:-temporal}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SERVICES=(frontend matching worker history-1 history-2)

# --- the binaries ---------------------------------------------------------------------------------------------------
find_tool() { # name in the module (server, sql): the tools dir, PATH (as temporal-server / temporal-sql-tool), ~/go/bin
  local name="$1" alt
  [[ "$name" == server ]] && alt=temporal-server || alt=temporal-sql-tool
  if [[ -x "$CASCADE_TOOLS_DIR/bin/$alt" ]]; then echo "$CASCADE_TOOLS_DIR/bin/$alt"; return; fi
  if command -v "$alt" >/dev/null 2>&1; then command -v "$alt"; return; fi
  local gobin
  gobin="$(go env GOBIN 2>/dev/null || true)"
  for d in "$gobin" "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin" "$HOME/go/bin"; do
    [[ -n "$d" && -x "$d/$name" ]] && "$d/$name" --version 2>/dev/null | grep -q "${TEMPORAL_SERVER_VERSION#v}" &&
      { echo "$d/$name"; return; }
  done
  return 1
}

build() {
  local name pkg
  for name in server sql; do
    find_tool "$name" >/dev/null && continue
    command -v go >/dev/null 2>&1 || die "the Temporal server is built with Go 1.23+ (https://go.dev/dl/): install it" 69
    [[ "$name" == server ]] && pkg=cmd/server || pkg=cmd/tools/sql
    log "building the Temporal $name $TEMPORAL_SERVER_VERSION with go install (first time only; several minutes)"
    local out
    out="$(mktemp -d)"
    GOBIN="$out" go install "go.temporal.io/server/$pkg@$TEMPORAL_SERVER_VERSION" >&2 || die "go install of the Temporal $name failed"
    mkdir -p "$CASCADE_TOOLS_DIR/bin"
    [[ "$name" == server ]] && mv "$out/server" "$CASCADE_TOOLS_DIR/bin/temporal-server" ||
      mv "$out/sql" "$CASCADE_TOOLS_DIR/bin/temporal-sql-tool"
    rmdir "$out"
  done
  schema_dir >/dev/null
}

schema_dir() { # the module's PostgreSQL schemas; downloads the module when the build came from elsewhere
  local mod="go.temporal.io/server@$TEMPORAL_SERVER_VERSION" cache dir
  cache="$(go env GOMODCACHE 2>/dev/null || echo "$HOME/go/pkg/mod")"
  dir="$cache/$mod/schema/postgresql/v12"
  if [[ ! -d "$dir" ]]; then
    command -v go >/dev/null 2>&1 || die "the schemas come with the Go module $mod: install Go 1.23+" 69
    (cd "$(mktemp -d)" && go mod download -x "$mod" >/dev/null 2>&1) || die "cannot download the module $mod"
  fi
  [[ -d "$dir/temporal/versioned" ]] || die "no PostgreSQL schema in $dir"
  echo "$dir"
}

# --- ports and config -----------------------------------------------------------------------------------------------
# Below 32768: the membership table keeps a port as a SMALLINT (and the kernel hands out ephemeral ports above it).
CHOSEN=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ "$CHOSEN" == *" $p "* ]] && continue
    port_open 127.0.0.1 "$p" && continue
    CHOSEN+="$p "
    echo "$p"
    return
  done
}

# ports.env: for each process its gRPC and membership ports (and the frontend's HTTP port); kept across restarts so that
# the membership table's entries of a stopped cluster name the same addresses.
choose_ports() {
  local file="$DIR/ports.env" reuse=1 p
  if [[ -f "$file" ]]; then
    # shellcheck disable=SC1090
    source "$file"
    [[ "${FRONTEND_GRPC:-}" == "$FRONTEND_PORT" ]] || reuse=0
    for p in $(cut -d= -f2 "$file"); do port_open 127.0.0.1 "$p" && reuse=0; done
  else reuse=0; fi
  ((reuse)) && return 0
  port_open 127.0.0.1 "$FRONTEND_PORT" && die "port $FRONTEND_PORT is taken: set CASCADE_TEMPORAL_PORT"
  {
    echo "FRONTEND_GRPC=$FRONTEND_PORT"
    for p in FRONTEND_MEMBERSHIP FRONTEND_HTTP MATCHING_GRPC MATCHING_MEMBERSHIP WORKER_GRPC WORKER_MEMBERSHIP \
      HISTORY_1_GRPC HISTORY_1_MEMBERSHIP HISTORY_2_GRPC HISTORY_2_MEMBERSHIP; do free_port >"$DIR/.port"; echo "$p=$(cat "$DIR/.port")"; done
  } >"$file"
  rm -f "$DIR/.port"
  # shellcheck disable=SC1090
  source "$file"
}

pg_parts() { # postgres://user[:password]@host:port → PG_USER PG_PASSWORD PG_HOST PG_PORT
  eval "$(node -e 'const u=new URL(process.argv[1]);const q=(s)=>"\x27"+decodeURIComponent(s).replace(/\x27/g,"\x27\\\x27\x27")+"\x27";
    console.log(`PG_USER=${q(u.username||"postgres")} PG_PASSWORD=${q(u.password)} PG_HOST=${q(u.hostname||"127.0.0.1")} PG_PORT=${q(u.port||"5432")}`)' "$1")"
}

write_config() { # name history_grpc history_membership
  local name="$1" hgrpc="$2" hmember="$3" store
  {
    cat <<YAML
# Written by infra/bin/temporal-server.sh start: process $name of the local Temporal cluster.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 8
  datastores:
YAML
    for store in default visibility; do
      local db="$DB"
      [[ "$store" == visibility ]] && db="${DB}_visibility"
      cat <<YAML
    $store:
      sql:
        pluginName: postgres12
        databaseName: "$db"
        connectAddr: "$PG_HOST:$PG_PORT"
        connectProtocol: tcp
        user: "$PG_USER"
        password: "$PG_PASSWORD"
        maxConns: 10
        maxIdleConns: 10
        maxConnLifetime: 1h
YAML
    done
    cat <<YAML
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
    rpc: { grpcPort: $FRONTEND_GRPC, membershipPort: $FRONTEND_MEMBERSHIP, httpPort: $FRONTEND_HTTP, bindOnIP: 127.0.0.1 }
  matching:
    rpc: { grpcPort: $MATCHING_GRPC, membershipPort: $MATCHING_MEMBERSHIP, bindOnIP: 127.0.0.1 }
  history:
    rpc: { grpcPort: $hgrpc, membershipPort: $hmember, bindOnIP: 127.0.0.1 }
  worker:
    rpc: { grpcPort: $WORKER_GRPC, membershipPort: $WORKER_MEMBERSHIP, bindOnIP: 127.0.0.1 }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:$FRONTEND_GRPC
dcRedirectionPolicy:
  policy: noop
publicClient:
  hostPort: 127.0.0.1:$FRONTEND_GRPC
dynamicConfigClient:
  filepath: "$DIR/config/dynamicconfig.yaml"
  pollInterval: 60s
YAML
  } >"$DIR/config/$name.yaml"
}

write_configs() {
  mkdir -p "$DIR/config"
  # The frontend pings a client silent for 2 s and drops its connection 2 s later without an answer: the long polls
  # of a frozen worker (SIGSTOP, a paused host) end with it, instead of a minute later, so that no task — a step
  # retried after its heartbeat timeout — is handed to them (the fault suite's fault 7). The same on the dev server:
  # test/faults/step-kill.ts, FRONTEND_KEEPALIVE.
  cat >"$DIR/config/dynamicconfig.yaml" <<YAML
# Written by infra/bin/temporal-server.sh start.
frontend.keepAliveTime:
  - value: 2s
frontend.keepAliveTimeout:
  - value: 2s
YAML
  write_config frontend "$HISTORY_1_GRPC" "$HISTORY_1_MEMBERSHIP"
  write_config matching "$HISTORY_1_GRPC" "$HISTORY_1_MEMBERSHIP"
  write_config worker "$HISTORY_1_GRPC" "$HISTORY_1_MEMBERSHIP"
  write_config history-1 "$HISTORY_1_GRPC" "$HISTORY_1_MEMBERSHIP"
  write_config history-2 "$HISTORY_2_GRPC" "$HISTORY_2_MEMBERSHIP"
}

# --- processes ------------------------------------------------------------------------------------------------------
pid_of() { [[ -f "$DIR/$1.pid" ]] && cat "$DIR/$1.pid"; }
running() { local pid; pid="$(pid_of "$1")" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }
grpc_port_of() { # the port a process is ready on: its gRPC port (the worker service's membership port: it serves no gRPC)
  case "$1" in
    frontend) echo "$FRONTEND_GRPC" ;; matching) echo "$MATCHING_GRPC" ;; worker) echo "$WORKER_MEMBERSHIP" ;;
    history-1) echo "$HISTORY_1_GRPC" ;; history-2) echo "$HISTORY_2_GRPC" ;;
    *) die "no such process: $1 (one of ${SERVICES[*]})" 2 ;;
  esac
}
load_ports() { [[ -f "$DIR/ports.env" ]] || die "no cluster in $DIR: run start first"; source "$DIR/ports.env"; }

start_one() {
  local name="$1" server port
  port="$(grpc_port_of "$name")"
  running "$name" && { log "$name already runs (pid $(pid_of "$name"))"; return 0; }
  server="$(find_tool server)" || die "no Temporal server: run infra/bin/temporal-server.sh build"
  # setsid: a process group of its own, so that a Ctrl-C of the caller does not reach it
  setsid "$server" --root "$DIR" --config config --env "$name" --allow-no-auth start --service "${name%-[0-9]}" \
    >>"$DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
  wait_for 90 "Temporal $name (:$port)" listening "$name" "$port" && running "$name" ||
    { tail -5 "$DIR/$name.log" | cut -c1-400 >&2; die "Temporal $name did not start (see $DIR/$name.log)"; }
}

listening() { # name port: fails at once when the process exited
  running "$1" || { log "Temporal $1 exited"; return 0; }
  port_open 127.0.0.1 "$2"
}

stop_one() { # name [signal]
  local name="$1" signal="${2:-TERM}" pid
  running "$name" || { rm -f "$DIR/$name.pid"; return 0; }
  pid="$(pid_of "$name")"
  kill -"$signal" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$DIR/$name.pid"
}

temporal_cli() { bash "$CASCADE_ROOT/infra/bin/temporal-cli.sh"; }
serving() { "$CLI" operator cluster health --address "127.0.0.1:$FRONTEND_GRPC" 2>/dev/null | grep -q SERVING; }
namespace_ready() { "$CLI" operator namespace describe --address "127.0.0.1:$FRONTEND_GRPC" -n "$NAMESPACE" >/dev/null 2>&1; }

list_attributes() {
  "$CLI" operator search-attribute list --address "127.0.0.1:$FRONTEND_GRPC" -n "$NAMESPACE" -o json \
    >"$DIR/search-attributes.json"
}

# The app's custom search attributes (libs/contracts SEARCH_ATTRIBUTE_KEYS) as Name=Type lines: from the build when
# there is one, else through ts-node.
search_attributes() {
  if [[ -f "$CASCADE_ROOT/dist/infra/scripts/search-attributes.js" ]]; then
    (cd "$CASCADE_ROOT" && TS_NODE_BASEURL=./dist node -r tsconfig-paths/register dist/infra/scripts/search-attributes.js)
  else
    (cd "$CASCADE_ROOT" && node -r ts-node/register/transpile-only -r tsconfig-paths/register infra/scripts/search-attributes.ts)
  fi
}

setup_schema() {
  local tool schemas db
  tool="$(find_tool sql)" || die "no Temporal SQL tool: run infra/bin/temporal-server.sh build"
  schemas="$(schema_dir)"
  local conn=(--plugin postgres12 --ep "$PG_HOST" -p "$PG_PORT" -u "$PG_USER")
  [[ -n "$PG_PASSWORD" ]] && conn+=(--pw "$PG_PASSWORD")
  for db in "$DB" "${DB}_visibility"; do
    local sub=temporal
    [[ "$db" == "${DB}_visibility" ]] && sub=visibility
    "$tool" "${conn[@]}" --db "$db" create-database >>"$DIR/schema.log" 2>&1 || true # exists already: fine
    # setup-schema -v 0.0 only creates the version tables (and is a no-op on a set-up database); update-schema then
    # applies every versioned step not applied yet
    "$tool" "${conn[@]}" --db "$db" setup-schema -v 0.0 >>"$DIR/schema.log" 2>&1 ||
      { tail -5 "$DIR/schema.log" >&2; die "setup-schema of $db failed (see $DIR/schema.log)"; }
    "$tool" "${conn[@]}" --db "$db" update-schema -d "$schemas/$sub/versioned" >>"$DIR/schema.log" 2>&1 ||
      { tail -5 "$DIR/schema.log" >&2; die "update-schema of $db failed (see $DIR/schema.log)"; }
  done
  log "Temporal schema up to date in $DB and ${DB}_visibility on $PG_HOST:$PG_PORT"
}

start() {
  mkdir -p "$DIR"
  build
  local pg="${CASCADE_TEMPORAL_PG:-}"
  [[ -n "$pg" ]] || pg="$(bash "$CASCADE_ROOT/infra/bin/postgres.sh" ensure)"
  pg_parts "$pg"
  CLI="$(temporal_cli)"
  local name
  for name in "${SERVICES[@]}"; do running "$name" && { load_ports; break; }; done
  [[ -n "${FRONTEND_GRPC:-}" ]] || choose_ports
  write_configs
  setup_schema
  # The frontend first, then the namespace and the search attributes, then the rest: a history process reads the
  # search attributes when it first needs them and caches them for 60 s, so they are registered before any runs.
  start_one frontend
  wait_for 90 "Temporal frontend" serving || die "the frontend does not answer SERVING (see $DIR/frontend.log)"
  if ! namespace_ready; then
    "$CLI" operator namespace create --address "127.0.0.1:$FRONTEND_GRPC" -n "$NAMESPACE" --retention 3d >/dev/null ||
      die "cannot register the namespace $NAMESPACE"
    wait_for 30 "namespace $NAMESPACE" namespace_ready || die "the namespace $NAMESPACE does not answer"
  fi
  local attributes sa_name sa_type
  attributes="$(search_attributes)" || die "cannot list the search attributes"
  # a namespace just created is known to the frontend's namespace cache only at its next refresh (up to 10 s)
  wait_for 60 "the namespace's search attributes" list_attributes || die "cannot list the namespace's search attributes"
  local existing
  existing="$(cat "$DIR/search-attributes.json")"
  while IFS='=' read -r sa_name sa_type; do
    grep -q "\"$sa_name\"" <<<"$existing" && continue
    "$CLI" operator search-attribute create --address "127.0.0.1:$FRONTEND_GRPC" -n "$NAMESPACE" \
      --name "$sa_name" --type "$sa_type" >/dev/null || die "cannot register the search attribute $sa_name"
  done <<<"$attributes"
  for name in history-1 history-2 matching worker; do start_one "$name"; done
  wait_for 90 "Temporal cluster" serving || die "the cluster does not answer SERVING"
  echo "127.0.0.1:$FRONTEND_GRPC"
}

stop() {
  [[ -d "$DIR" ]] || return 0
  local name
  # SIGTERM to all at once (each drains on its own), then each awaited
  for name in "${SERVICES[@]}"; do running "$name" && kill -TERM "$(pid_of "$name")" 2>/dev/null; done
  for name in "${SERVICES[@]}"; do stop_one "$name"; done
  log "Temporal cluster stopped"
}

status() {
  load_ports
  local name
  for name in "${SERVICES[@]}"; do
    if running "$name"; then echo "$name running pid $(pid_of "$name") :$(grpc_port_of "$name")"
    else echo "$name stopped :$(grpc_port_of "$name")"; fi
  done
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill)
    [[ -n "${2:-}" ]] || die "usage: temporal-server.sh kill SERVICE [SIGNAL]" 2
    load_ports; grpc_port_of "$2" >/dev/null; stop_one "$2" "${3:-KILL}" ;;
  start-one)
    [[ -n "${2:-}" ]] || die "usage: temporal-server.sh start-one SERVICE" 2
    load_ports; start_one "$2" ;;
  *) die "usage: infra/bin/temporal-server.sh (build|start|stop|status|kill SERVICE [SIGNAL]|start-one SERVICE)" 2 ;;
esac

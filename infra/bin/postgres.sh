#!/usr/bin/env bash
# `postgres.sh ensure` prints the URL of a PostgreSQL server to use (without a database name):
#   DATABASE_URL's server when set; else 127.0.0.1:5432 when it answers; else a private cluster started from the
#   machine's PostgreSQL binaries under .data/postgres (port 55432; as root, where the postgres account cannot enter
#   the clone, in a directory of its own under /var/tmp). Exits non-zero with instructions otherwise.
# `postgres.sh stop` stops the private cluster if it runs; `postgres.sh crash` stops it in immediate mode (a crash).
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

PRIVATE_PORT="${CASCADE_PRIVATE_PG_PORT:-55432}"

pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then pg_config --bindir; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/local/pgsql/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return; }
  done
  return 1
}

# initdb and postgres refuse to run as root: use the system's postgres account when we are root.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root and no 'postgres' account exists to own the private cluster"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The private cluster's directory: .data/postgres, unless we are root and the postgres account cannot reach it (a
# clone inside a mode-700 home directory): then a directory of its own, made for that account, outside the clone
# (named after the clone's data directory, so that ensure, private and stop find the same one).
cluster_dir() {
  local wanted="$CASCADE_DATA_DIR/postgres"
  if [[ "$(id -u)" != 0 ]]; then echo "$wanted"; return; fi
  mkdir -p "$CASCADE_DATA_DIR"
  if runuser -u postgres -- test -x "$CASCADE_DATA_DIR" 2>/dev/null; then echo "$wanted"; return; fi
  local key
  key="$(printf '%s' "$(cd "$CASCADE_DATA_DIR" && pwd -P)" | sha1sum | cut -c1-12)"
  echo "${CASCADE_PG_HOME:-/var/tmp}/cascade-postgres-$key"
}
PRIVATE_DIR="$(cluster_dir)"

server_of() { # strip the database name from a URL
  local url="$1"
  node -e 'const u=new URL(process.argv[1]); u.pathname="/"; u.search=""; process.stdout.write(u.toString().replace(/\/$/,""))' "$url"
}

answers() { # host port
  if command -v pg_isready >/dev/null 2>&1; then pg_isready -q -h "$1" -p "$2"; else port_open "$1" "$2"; fi
}

start_private() {
  local bindir
  bindir="$(pg_bindir)" || die "PostgreSQL is not running on 127.0.0.1:5432 and no PostgreSQL binaries were found.
Install PostgreSQL 14+ (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@15'),
or start one and set DATABASE_URL=postgres://user:password@host:5432/cascade" 69
  mkdir -p "$PRIVATE_DIR"
  if [[ "$(id -u)" == 0 ]]; then chown postgres "$PRIVATE_DIR"; chmod 700 "$PRIVATE_DIR"; fi
  [[ "$PRIVATE_DIR" == "$CASCADE_DATA_DIR/postgres" ]] ||
    log "the postgres account cannot enter $CASCADE_DATA_DIR: the private cluster is in $PRIVATE_DIR"
  if [[ ! -f "$PRIVATE_DIR/PG_VERSION" ]]; then
    log "creating a private PostgreSQL cluster in $PRIVATE_DIR"
    as_pg "$bindir/initdb" -D "$PRIVATE_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! answers 127.0.0.1 "$PRIVATE_PORT"; then
    log "starting the private PostgreSQL cluster on 127.0.0.1:$PRIVATE_PORT"
    as_pg "$bindir/pg_ctl" -D "$PRIVATE_DIR" -l "$PRIVATE_DIR/server.log" -w -t 60 \
      -o "-p $PRIVATE_PORT -k $PRIVATE_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$PRIVATE_PORT"
}

case "${1:-ensure}" in
  ensure)
    if [[ -n "${DATABASE_URL:-}" ]]; then server_of "$DATABASE_URL"; exit 0; fi
    if answers 127.0.0.1 5432; then echo "postgres://postgres@127.0.0.1:5432"; exit 0; fi
    start_private
    ;;
  private) start_private ;;
  stop)
    if [[ -f "$PRIVATE_DIR/postmaster.pid" ]]; then
      bindir="$(pg_bindir)" && as_pg "$bindir/pg_ctl" -D "$PRIVATE_DIR" -m fast stop >/dev/null && log "private PostgreSQL stopped"
    fi
    ;;
  crash)
    # The private cluster stopped as a crash would stop it (immediate mode: no checkpoint, the WAL buffers not yet
    # written are lost, the next start recovers from the WAL): for the fault suite.
    if [[ -f "$PRIVATE_DIR/postmaster.pid" ]]; then
      bindir="$(pg_bindir)" && as_pg "$bindir/pg_ctl" -D "$PRIVATE_DIR" -m immediate stop >/dev/null && log "private PostgreSQL crashed (immediate)"
    fi
    ;;
  *) die "usage: postgres.sh (ensure|private|stop|crash)" 2 ;;
esac

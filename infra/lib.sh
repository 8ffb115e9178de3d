# Shared by the infra scripts. Sourced, not run.
set -euo pipefail
CASCADE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CASCADE_TOOLS_DIR="${CASCADE_TOOLS_DIR:-$CASCADE_ROOT/.tools}"
CASCADE_DATA_DIR="${CASCADE_DATA_DIR:-$CASCADE_ROOT/.data}"
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"

log() { printf '\033[1;34m[cascade]\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m[cascade]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cascade]\033[0m %s\n' "$*" >&2; exit "${2:-1}"; }

# Waits until a command succeeds, up to a deadline in seconds. Polls; never a fixed sleep.
wait_for() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.3
  done
  log "$what is ready"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Installs node_modules when missing or older than package-lock.json.
ensure_node_modules() {
  command -v node >/dev/null || die "Node.js 20.19+ is required: install it from your distribution or nodejs.org"
  command -v npm >/dev/null || die "npm is required (it ships with Node.js)"
  local stamp="$CASCADE_ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$CASCADE_ROOT/package-lock.json" -nt "$stamp" ]]; then
    # `npm install` rather than `npm ci`: it installs the locked versions too, and unlike `npm ci` it does not
    # insist that the lock lists every other platform's optional binaries (which npm leaves out on some mirrors).
    log "installing npm packages"
    (cd "$CASCADE_ROOT" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

#!/usr/bin/env bash
# Prints the path of a toxiproxy server (Shopify's TCP fault proxy: latency, partitions, resets between two
# processes; the fault suite puts it between the API and PostgreSQL and between the worker and Temporal):
# `toxiproxy-server` on PATH, in the project's tools folder or in Go's bin folder, else one built into the tools
# folder with `go install` when Go is present. Exits non-zero with instructions when none can be had.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

TOXIPROXY_VERSION="${TOXIPROXY_VERSION:-v2.5.0}"

if [[ -n "${TOXIPROXY_SERVER:-}" && -x "${TOXIPROXY_SERVER}" ]]; then echo "$TOXIPROXY_SERVER"; exit 0; fi
if command -v toxiproxy-server >/dev/null 2>&1; then command -v toxiproxy-server; exit 0; fi
for dir in "$CASCADE_TOOLS_DIR/bin" "$(go env GOBIN 2>/dev/null || true)" \
  "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin" "$HOME/go/bin"; do
  if [[ -n "$dir" && -x "$dir/toxiproxy-server" ]]; then echo "$dir/toxiproxy-server"; exit 0; fi
done

if command -v go >/dev/null 2>&1; then
  # The module's server package is cmd/server (its binary is called `server`, like the Temporal server's): built
  # into a folder of its own, then renamed.
  log "building toxiproxy-server $TOXIPROXY_VERSION with go install (first time only; a minute or two)"
  out="$(mktemp -d)"
  if GOBIN="$out" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >&2; then
    mkdir -p "$CASCADE_TOOLS_DIR/bin"
    mv "$out/server" "$CASCADE_TOOLS_DIR/bin/toxiproxy-server"
    rmdir "$out"
    echo "$CASCADE_TOOLS_DIR/bin/toxiproxy-server"
    exit 0
  fi
  rm -rf "$out"
  warn "go install of toxiproxy $TOXIPROXY_VERSION failed"
fi

die "No toxiproxy server found. Install one of:
  - Go (https://go.dev/dl/), then run this again: it builds toxiproxy-server into $CASCADE_TOOLS_DIR/bin
  - toxiproxy itself (https://github.com/Shopify/toxiproxy/releases), on PATH as 'toxiproxy-server'
  - or set TOXIPROXY_SERVER=/path/to/toxiproxy-server" 69

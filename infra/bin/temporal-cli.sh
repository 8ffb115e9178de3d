#!/usr/bin/env bash
# Prints the path of a Temporal CLI: `temporal` on PATH, else the project's tools folder, else one built there with
# `go install` when Go is present. Exits non-zero with instructions when none can be had.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if [[ -n "${TEMPORAL_CLI:-}" && -x "${TEMPORAL_CLI}" ]]; then echo "$TEMPORAL_CLI"; exit 0; fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [[ -x "$CASCADE_TOOLS_DIR/bin/temporal" ]]; then echo "$CASCADE_TOOLS_DIR/bin/temporal"; exit 0; fi

if command -v go >/dev/null 2>&1; then
  mkdir -p "$CASCADE_TOOLS_DIR/bin"
  # Newer tags carry a replace directive that `go install` refuses; fall back to older tags if the build fails.
  for version in "$TEMPORAL_CLI_VERSION" v1.5.0 v1.4.0; do
    log "building the Temporal CLI $version with go install (first time only; a few minutes)"
    if GOBIN="$CASCADE_TOOLS_DIR/bin" GOFLAGS="${GOFLAGS:-} -mod=mod" \
      go install "github.com/temporalio/cli/cmd/temporal@$version" >&2; then
      echo "$CASCADE_TOOLS_DIR/bin/temporal"
      exit 0
    fi
    warn "go install of the Temporal CLI $version failed"
  done
fi

die "No Temporal CLI found. Install one of:
  - Go 1.23+ (https://go.dev/dl/), then run this again: it builds the CLI into $CASCADE_TOOLS_DIR/bin
  - the CLI itself (https://docs.temporal.io/cli#install), on PATH as 'temporal'
  - or set TEMPORAL_CLI=/path/to/temporal" 69

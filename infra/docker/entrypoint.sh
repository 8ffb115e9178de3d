#!/bin/sh
# api | worker | migrate — each runs the compiled code with the @cascade/* aliases resolved against dist/.
set -e
case "${1:-api}" in
  api) exec node -r tsconfig-paths/register dist/apps/api/src/main.js ;;
  worker) exec node -r tsconfig-paths/register dist/apps/worker/src/main.js ;;
  migrate) exec node -r tsconfig-paths/register dist/libs/persistence/src/cli/db.js ensure ;;
  *) exec "$@" ;;
esac

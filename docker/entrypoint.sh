#!/bin/sh
# Runs one Hookstream process; the first argument names it, the rest pass through.
# exec replaces the shell so SIGTERM from tini reaches node itself.
set -eu
cd /app

role="${1:-}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
  subscriptions) exec node dist/apps/subscriptions/src/main.js "$@" ;;
  # A larger young generation: fewer scavenges per delivery (as SERVICE_NODE_FLAGS in libs/testing).
  dispatcher) exec node --max-semi-space-size=32 dist/apps/dispatcher/src/main.js "$@" ;;
  log-projector) exec node dist/apps/log-projector/src/main.js "$@" ;;
  migrate) exec node dist/scripts/migrate.js "$@" ;;
  gateway) exec node dist/scripts/gateway.js "$@" ;;
  cli) exec node bin/hookstream.js "$@" ;;
  *)
    echo "usage: hookstream-entrypoint subscriptions|dispatcher|log-projector|migrate|gateway|cli [args...]" >&2
    exit 64
    ;;
esac

#!/usr/bin/env bash
# One command for the local stack: installs what is missing, builds, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
exec node dist/scripts/up.js "$@"

#!/usr/bin/env bash
# PostgreSQL and Redis (go run ./cmd/dev up), Chromium, then every test with -race, a short
# run of each Fuzz target and each benchmark once. No lint; see scripts/test-all.sh.
set -euo pipefail
exec "$(dirname "$0")/test-all.sh" --integration

#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer for this project (reusing running ones, else docker
# compose, else project-local instances under .data/) and creates the application database.
# Progress goes to stderr; stdout gets the URLs to use, as shell exports:
#   eval "$(scripts/startup.sh)"
# Safe to run again: what already runs is reused. scripts/shutdown.sh stops what this started.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh

services_up
for key in DATABASE_URL REDIS_URL; do
	printf "export %s='%s'\n" "$key" "${!key//\'/\'\\\'\'}"
done

#!/usr/bin/env bash
# Stops what scripts/startup.sh started: the project-local PostgreSQL and Redis under .data/,
# or the docker compose services. Never a PostgreSQL or Redis that was already running.
# Their data under .data/ is kept, unless --purge is given.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh

services_down
if [[ ${1:-} == --purge ]]; then
	services_purge
fi

# shellcheck shell=bash disable=SC2034 # SERVICES_STARTED is read by the scripts that source this file
# PostgreSQL and Redis for running and testing movieapi. Source this file, then call
# services_up (make sure both answer, export DATABASE_URL and REDIS_URL, create the
# application database) or services_down (stop what services_up started).
#
# Where each service comes from, in this order:
#   1. whatever already answers at DATABASE_URL / REDIS_URL: used as it is, never stopped;
#   2. docker compose (docker-compose.yml), when a Docker engine answers;
#   3. a project-local instance on 127.0.0.1 with its files under .data/ (Debian packages,
#      installed with apt-get when missing and running as root).
# The URLs come from the environment, else .env, else .env.example.
#
# Functions return non-zero on failure and never exit, so sourcing this file into an
# interactive shell is safe.

SERVICES_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICES_DATA="$SERVICES_ROOT/.data"
SERVICES_COMPOSE_MARKER="$SERVICES_DATA/compose-started"
# Ports of the project-local instances when the URL names the standard port, so that they
# never clash with a PostgreSQL or Redis of the machine's own.
LOCAL_POSTGRES_PORT=${LOCAL_POSTGRES_PORT:-55432}
LOCAL_REDIS_PORT=${LOCAL_REDIS_PORT:-56379}
# Set to 1 by services_up when it started something (rather than reusing what ran).
SERVICES_STARTED=0

# shellcheck source=scripts/services_common.sh
source "$SERVICES_ROOT/scripts/services_common.sh"
# shellcheck source=scripts/services_local.sh
source "$SERVICES_ROOT/scripts/services_local.sh"

# local_url URL STANDARD_PORT LOCAL_PORT: the URL of the project-local instance that stands in
# for URL (loopback, no credentials, same database / db number and options).
local_url() {
	url_parse "$1" || return 1
	local scheme=$URL_SCHEME port=${URL_PORT:-$2} user=''
	[[ $port == "$2" ]] && port=$3
	[[ $scheme == postgres* ]] && user=postgres@
	[[ $scheme == rediss ]] && scheme=redis # the local instance speaks plain TCP
	printf '%s://%s127.0.0.1:%s%s%s\n' "$scheme" "$user" "$port" "$URL_PATH" "$URL_QUERY"
}

# local_source_of KIND URL: says which earlier services_up started the instance at URL
# ("project-local", "docker compose"), or "reused".
local_source_of() {
	local kind=$1 pid port
	url_parse "$2" || return 1
	port=${URL_PORT:-0}
	if url_host_is_loopback && grep -qx "$kind" "$SERVICES_COMPOSE_MARKER" 2>/dev/null; then
		echo "docker compose" && return 0
	elif url_host_is_loopback; then
		if [[ $kind == postgres ]]; then
			for pid in "$SERVICES_DATA/postgres/postmaster.pid" "$(postgres_fallback_dir)/postmaster.pid"; do
				[[ -f $pid && $(sed -n 4p "$pid") == "$port" ]] && echo project-local && return 0
			done
		elif pid=$(redis_local_pid) && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q ":$port\b"; then
			echo project-local && return 0
		fi
	fi
	echo reused
}

# services_up: makes sure PostgreSQL and Redis answer, exports DATABASE_URL and REDIS_URL
# pointing at them, and creates the application database.
services_up() {
	local missing=() pg_source redis_source url port
	services_load_urls || return 1

	postgres_answers "$DATABASE_URL" || missing+=(postgres)
	redis_answers "$REDIS_URL" || missing+=(redis)
	pg_source=$(local_source_of postgres "$DATABASE_URL")
	redis_source=$(local_source_of redis "$REDIS_URL")

	if ((${#missing[@]})); then
		for url in "$DATABASE_URL" "$REDIS_URL"; do
			url_parse "$url" && url_host_is_loopback && continue
			services_fail "nothing answers at $(url_for_display "$url"), and it is not on this machine: start it, or point the URL elsewhere"
			return 1
		done
		if docker_engine_answers; then
			compose_up "${missing[@]}" || return 1
			if [[ " ${missing[*]} " == *" postgres "* ]]; then pg_source="docker compose"; fi
			if [[ " ${missing[*]} " == *" redis "* ]]; then redis_source="docker compose"; fi
		else
			services_log "no Docker engine answers: using project-local instances under .data/"
			if [[ " ${missing[*]} " == *" postgres "* ]]; then
				url=$(local_url "$DATABASE_URL" 5432 "$LOCAL_POSTGRES_PORT") || return 1
				url_parse "$url" && port=$URL_PORT
				postgres_answers "$url" || postgres_local_start "$port" || return 1
				export DATABASE_URL=$url
				pg_source="project-local"
			fi
			if [[ " ${missing[*]} " == *" redis "* ]]; then
				url=$(local_url "$REDIS_URL" 6379 "$LOCAL_REDIS_PORT") || return 1
				url_parse "$url" && port=$URL_PORT
				redis_answers "$url" || redis_local_start "$port" || return 1
				export REDIS_URL=$url
				redis_source="project-local"
			fi
		fi
	fi

	wait_for 30 "PostgreSQL at $(url_for_display "$DATABASE_URL")" postgres_answers "$DATABASE_URL" || return 1
	wait_for 30 "Redis at $(url_for_display "$REDIS_URL")" redis_answers "$REDIS_URL" || return 1
	ensure_database || return 1

	services_log "PostgreSQL ($pg_source): $(url_for_display "$DATABASE_URL")"
	services_log "Redis ($redis_source): $(url_for_display "$REDIS_URL")"
}

# services_down: stops what services_up started (project-local instances, docker compose),
# never a service that was already running.
services_down() {
	local stopped=0
	postgres_local_stop && stopped=1
	redis_local_stop && stopped=1
	if [[ -f $SERVICES_COMPOSE_MARKER ]]; then
		if docker_engine_answers; then
			services_log "docker compose down"
			compose down >&2 && rm -f "$SERVICES_COMPOSE_MARKER" && stopped=1
		else
			services_log "services were started with docker compose, but no Docker engine answers now"
		fi
	fi
	((stopped)) || services_log "nothing to stop: no project-local instance runs and docker compose was not used"
	return 0
}

# services_purge: removes the files of the project-local instances (after services_down).
services_purge() {
	local fallback bindir dir
	fallback=$(dirname "$(postgres_fallback_dir)")
	if bindir=$(postgres_bindir); then
		for dir in "$SERVICES_DATA/postgres" "$(postgres_fallback_dir)"; do
			! postgres_local_running "$bindir" "$dir" ||
				services_fail "PostgreSQL still runs from $dir: not removing its files" || return 1
		done
	fi
	! redis_local_pid >/dev/null || services_fail "Redis still runs from .data/redis: not removing its files" || return 1
	if [[ -d $SERVICES_DATA || -d $fallback ]]; then
		services_log "removing .data/"
		rm -rf "$SERVICES_DATA" "$fallback"
	fi
}

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

services_log() { printf '[services] %s\n' "$*" >&2; }
services_fail() {
	services_log "error: $*"
	return 1
}

# ---------------------------------------------------------------------------------------
# .env files

# dotenv_value KEY FILE: prints the value KEY has in FILE; fails when FILE does not set it.
# Follows the dotenv rules the service uses: optional `export`, quotes, `#` comments.
dotenv_value() {
	local key=$1 file=$2 line value found=1
	[[ -f $file ]] || return 1
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
		value=${BASH_REMATCH[2]}
		if [[ $value =~ ^\"(.*)\"[[:space:]]*(#.*)?$ || $value =~ ^\'(.*)\'[[:space:]]*(#.*)?$ ]]; then
			value=${BASH_REMATCH[1]}
		else
			value=${value%%[[:space:]]#*}
			value=${value%"${value##*[![:space:]]}"}
		fi
		found=0
	done <"$file"
	((found == 0)) || return 1
	printf '%s\n' "$value"
}

# services_load_urls: exports DATABASE_URL and REDIS_URL, keeping values already in the
# environment (the real environment wins, as it does for the service).
services_load_urls() {
	local key value file
	for key in DATABASE_URL REDIS_URL; do
		[[ -n ${!key:-} ]] && continue
		for file in "$SERVICES_ROOT/.env" "$SERVICES_ROOT/.env.example"; do
			if value=$(dotenv_value "$key" "$file") && [[ -n $value ]]; then
				export "$key=$value"
				break
			fi
		done
		[[ -n ${!key:-} ]] || services_fail "$key is not set (environment, .env or .env.example)" || return 1
	done
}

# ---------------------------------------------------------------------------------------
# URLs

# url_parse URL: sets URL_SCHEME, URL_USERINFO, URL_HOST, URL_PORT (may be empty),
# URL_PATH (with its leading slash, may be empty) and URL_QUERY (with its `?`, may be empty).
# Fails for what it cannot read (several hosts, for instance).
url_parse() {
	local re='^([A-Za-z][A-Za-z0-9+.-]*)://(([^@/?#]*)@)?(\[[^]/?#]*\]|[^:/?#,]*)(:([0-9]+))?(/[^?#]*)?(\?[^#]*)?$'
	[[ $1 =~ $re ]] || return 1
	URL_SCHEME=${BASH_REMATCH[1]}
	URL_USERINFO=${BASH_REMATCH[3]}
	URL_HOST=${BASH_REMATCH[4]}
	URL_PORT=${BASH_REMATCH[6]}
	URL_PATH=${BASH_REMATCH[7]}
	URL_QUERY=${BASH_REMATCH[8]}
}

url_host_is_loopback() {
	case $URL_HOST in
	'' | localhost | 127.* | '[::1]') return 0 ;;
	*) return 1 ;;
	esac
}

# url_with_database URL NAME: the PostgreSQL URL with its database replaced by NAME.
url_with_database() {
	url_parse "$1" || services_fail "cannot read the URL ${1%%@*}@…" || return 1
	local auth=${URL_USERINFO:+$URL_USERINFO@}
	printf '%s://%s%s%s/%s%s\n' "$URL_SCHEME" "$auth" "$URL_HOST" "${URL_PORT:+:$URL_PORT}" "$2" "$URL_QUERY"
}

# url_for_display URL: the URL with any password masked.
url_for_display() {
	local url=$1
	if url_parse "$url" && [[ $URL_USERINFO == *:* ]]; then
		url="$URL_SCHEME://${URL_USERINFO%%:*}:***@${url#*@}"
	fi
	printf '%s\n' "$url"
}

# ---------------------------------------------------------------------------------------
# Probes

# tcp_open HOST PORT: something accepts TCP connections there.
tcp_open() {
	local host=${1#[}
	host=${host%]}
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$2" 2>/dev/null
}

postgres_answers() {
	local url=$1
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -t 3 -d "$url"
		return
	fi
	url_parse "$url" || return 1
	tcp_open "${URL_HOST:-127.0.0.1}" "${URL_PORT:-5432}"
}

redis_answers() {
	local url=$1 reply=''
	url_parse "$url" || return 1
	if [[ $URL_SCHEME == redis ]] && command -v redis-cli >/dev/null 2>&1; then
		reply=$(timeout 3 redis-cli --no-auth-warning -u "$url" ping 2>/dev/null) || true
	elif [[ $URL_SCHEME == redis ]]; then
		local host=${URL_HOST#[}
		host=${host%]}
		# PING over plain TCP; a NOAUTH answer still means a Redis server is there.
		# shellcheck disable=SC2016 # expanded by the inner shell
		reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && head -c 7 <&3' \
			_ "${host:-127.0.0.1}" "${URL_PORT:-6379}" 2>/dev/null) || true
		[[ $reply == -NOAUTH ]] && reply=PONG
		reply=${reply#+}
		reply=${reply%$'\r'*}
	else
		tcp_open "${URL_HOST:-127.0.0.1}" "${URL_PORT:-6379}" && reply=PONG
	fi
	[[ $reply == PONG ]]
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_for() {
	local seconds=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + seconds))
	until "$@"; do
		((SECONDS < deadline)) || services_fail "$what did not answer within ${seconds}s" || return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------------------
# Packages

# apt_install PACKAGE...: installs Debian packages (root only), running apt-get update once.
apt_install() {
	if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		services_fail "missing $*: install it (Debian: sudo apt-get install $*) and try again"
		return 1
	fi
	if [[ -z ${SERVICES_APT_UPDATED:-} ]]; then
		services_log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
		SERVICES_APT_UPDATED=1
	fi
	services_log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# ---------------------------------------------------------------------------------------
# Docker compose

docker_engine_answers() {
	command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1 &&
		docker compose version >/dev/null 2>&1
}

compose() {
	docker compose --project-directory "$SERVICES_ROOT" -f "$SERVICES_ROOT/docker-compose.yml" "$@"
}

# compose_up SERVICE...: starts the compose services, published where the URLs point.
compose_up() {
	local user
	url_parse "$DATABASE_URL" || return 1
	user=${URL_USERINFO%%:*}
	export POSTGRES_PORT=${URL_PORT:-5432}
	export POSTGRES_USER=${user:-postgres}
	export POSTGRES_DB=${URL_PATH#/}
	if [[ $URL_USERINFO == *:* ]]; then
		export POSTGRES_PASSWORD=${URL_USERINFO#*:}
	fi
	url_parse "$REDIS_URL" || return 1
	export REDIS_PORT=${URL_PORT:-6379}
	services_log "docker compose up -d --wait $*"
	compose up -d --wait "$@" >&2 || return 1
	SERVICES_STARTED=1
	mkdir -p "$SERVICES_DATA"
	printf '%s\n' "$@" >>"$SERVICES_COMPOSE_MARKER"
}

# ---------------------------------------------------------------------------------------
# Project-local PostgreSQL

postgres_bindir() {
	local candidates=() dir
	[[ -n ${POSTGRES_BINDIR:-} ]] && candidates+=("$POSTGRES_BINDIR")
	mapfile -t -O "${#candidates[@]}" candidates < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
	dir=$(command -v pg_ctl 2>/dev/null) && candidates+=("$(dirname "$dir")")
	for dir in "${candidates[@]}"; do
		if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
			printf '%s\n' "$dir"
			return 0
		fi
	done
	return 1
}

# as_postgres_owner COMMAND...: runs COMMAND as the owner of the data directory. initdb and
# the server refuse to run as root, so as root that is the postgres user.
as_postgres_owner() {
	if [[ $EUID -eq 0 ]]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# The data directory lives under .data/ unless the postgres user cannot reach it there (a
# clone inside /root, say); then it lives in /var/tmp under a name tied to this checkout.
postgres_fallback_dir() {
	printf '/var/tmp/movieapi-%s/postgres\n' "$(printf '%s' "$SERVICES_ROOT" | cksum | cut -d' ' -f1)"
}

postgres_local_dir() {
	install -d -m 755 "$SERVICES_DATA"
	if [[ $EUID -ne 0 ]] || runuser -u postgres -- test -x "$SERVICES_DATA" 2>/dev/null; then
		printf '%s\n' "$SERVICES_DATA/postgres"
	else
		postgres_fallback_dir
	fi
}

postgres_local_running() {
	local bindir=$1 dir=$2
	[[ -f $dir/postmaster.pid ]] && as_postgres_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

postgres_local_init() {
	local bindir=$1 dir=$2 output
	services_log "initdb $dir"
	install -d -m 755 "$(dirname "$dir")"
	install -d -m 700 "$dir"
	if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir"; fi
	if ! output=$(as_postgres_owner "$bindir/initdb" -D "$dir" --auth=trust --username=postgres \
		--encoding=UTF8 --no-locale --no-sync --no-instructions 2>&1); then
		printf '%s\n' "$output" >&2
		services_fail "initdb failed"
		return 1
	fi
	# A development instance: TCP on loopback only, no socket file, durability traded for speed.
	cat >>"$dir/postgresql.conf" <<-'EOF'

		# project-local development instance (scripts/services.sh)
		listen_addresses = '127.0.0.1'
		unix_socket_directories = ''
		max_connections = 200
		fsync = off
		synchronous_commit = off
		full_page_writes = off
	EOF
}

# postgres_local_start PORT: starts (or finds running) the project-local PostgreSQL.
postgres_local_start() {
	local port=$1 bindir dir running_port
	bindir=$(postgres_bindir) || true
	if [[ -z $bindir ]]; then
		apt_install postgresql || return 1
		bindir=$(postgres_bindir) || services_fail "PostgreSQL binaries not found after installing" || return 1
	fi
	dir=$(postgres_local_dir)
	[[ -s $dir/PG_VERSION ]] || postgres_local_init "$bindir" "$dir" || return 1
	if postgres_local_running "$bindir" "$dir"; then
		running_port=$(sed -n 4p "$dir/postmaster.pid")
		[[ $running_port == "$port" ]] && return 0
		services_fail "the project-local PostgreSQL already runs on port $running_port, not $port: run scripts/shutdown.sh first"
		return 1
	fi
	services_log "starting PostgreSQL on 127.0.0.1:$port (data: $dir, log: $dir/server.log)"
	if ! as_postgres_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
		tail -n 20 "$dir/server.log" >&2 || true
		services_fail "PostgreSQL did not start"
		return 1
	fi
	SERVICES_STARTED=1
}

postgres_local_stop() {
	local bindir dir stopped=1
	bindir=$(postgres_bindir) || return 1
	for dir in "$SERVICES_DATA/postgres" "$(postgres_fallback_dir)"; do
		postgres_local_running "$bindir" "$dir" || continue
		services_log "stopping the project-local PostgreSQL ($dir)"
		as_postgres_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && stopped=0
	done
	return "$stopped"
}

# ---------------------------------------------------------------------------------------
# Project-local Redis

process_gone() { ! kill -0 "$1" 2>/dev/null; }

redis_local_pid() {
	local pidfile=$SERVICES_DATA/redis/redis.pid pid
	[[ -f $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server &&
		printf '%s\n' "$pid"
}

# redis_local_start PORT: starts the project-local Redis (no persistence).
redis_local_start() {
	local port=$1 dir=$SERVICES_DATA/redis server
	if redis_local_pid >/dev/null; then
		services_fail "the project-local Redis runs but does not answer on port $port: run scripts/shutdown.sh first"
		return 1
	fi
	server=$(command -v redis-server) || {
		apt_install redis-server || return 1
		server=$(command -v redis-server) || services_fail "redis-server not found after installing" || return 1
	}
	install -d -m 700 "$dir"
	services_log "starting Redis on 127.0.0.1:$port (log: $dir/redis.log)"
	"$server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
	SERVICES_STARTED=1
}

redis_local_stop() {
	local pid
	pid=$(redis_local_pid) || return 1
	services_log "stopping the project-local Redis (pid $pid)"
	kill "$pid"
	wait_for 10 "Redis shutdown" process_gone "$pid" || return 1
	rm -f "$SERVICES_DATA/redis/redis.pid"
}

# ---------------------------------------------------------------------------------------
# Database

# ensure_database: creates the database DATABASE_URL names when it does not exist yet.
ensure_database() {
	local db admin exists
	url_parse "$DATABASE_URL" || return 0
	db=${URL_PATH#/}
	[[ -n $db ]] || return 0
	if ! command -v psql >/dev/null 2>&1; then
		services_log "psql not found: not checking that database '$db' exists"
		return 0
	fi
	admin=$(url_with_database "$DATABASE_URL" postgres) || return 1
	exists=$(psql "$admin" -XAtq -v ON_ERROR_STOP=1 \
		-c "SELECT 1 FROM pg_database WHERE datname = '${db//\'/\'\'}'") ||
		services_fail "cannot query PostgreSQL at $(url_for_display "$admin")" || return 1
	[[ $exists == 1 ]] && return 0
	services_log "creating database '$db'"
	psql "$admin" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${db//\"/\"\"}\"" >/dev/null 2>&1 ||
		[[ $(psql "$admin" -XAtq -c "SELECT 1 FROM pg_database WHERE datname = '${db//\'/\'\'}'") == 1 ]] ||
		services_fail "could not create database '$db'"
}

# ---------------------------------------------------------------------------------------
# Entry points

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

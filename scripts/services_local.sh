# shellcheck shell=bash disable=SC2034 # SERVICES_STARTED is read by the scripts that source services.sh
# Project-local PostgreSQL and Redis under .data/ for scripts/services.sh: install,
# initialise, start and stop them. Sourced by services.sh, not on its own.

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

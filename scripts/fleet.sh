#!/usr/bin/env bash
# A whole local fleet to try by hand: three instances of bin/movieapi behind HAProxy
# (deploy/haproxy.cfg), PostgreSQL through PgBouncer in transaction mode, and Redis in the
# chosen topology. Everything runs on loopback, with its files under .data/fleet/.
#
#   scripts/fleet.sh up      (make fleet)       start it, or say what already runs
#   scripts/fleet.sh down    (make fleet-down)  stop what `up` started
#
# Environment:
#   FLEET_REDIS           sentinel (default): a primary, a replica and three Sentinels;
#                         cluster: three primaries with a replica each; single: REDIS_URL
#   FLEET_LB_PORT         HAProxy's frontend (8080); FLEET_STATS_PORT its exporter (8404)
#   FLEET_APP_PORTS       the instances ("3001 3002 3003")
#   FLEET_PGBOUNCER_PORT  PgBouncer (56433)
#   FLEET_REDIS_PORT      first Redis port (46001); a cluster node's bus port is +10000
# PostgreSQL is whatever `go run ./cmd/dev up` provides (DATABASE_URL, else docker compose,
# else a project-local instance). Needs pgbouncer, haproxy and redis-server: installed with
# apt (go run ./cmd/dev need) when missing and running as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/fleet_redis.sh
source scripts/fleet_redis.sh

FLEET_REDIS=${FLEET_REDIS:-sentinel}
FLEET_LB_PORT=${FLEET_LB_PORT:-8080}
FLEET_STATS_PORT=${FLEET_STATS_PORT:-8404}
read -r -a FLEET_APP_PORTS <<<"${FLEET_APP_PORTS:-3001 3002 3003}"
FLEET_PGBOUNCER_PORT=${FLEET_PGBOUNCER_PORT:-56433}
FLEET_REDIS_PORT=${FLEET_REDIS_PORT:-46001}
FLEET_DIR=$PWD/.data/fleet
PIDS=$FLEET_DIR/pids
LOGS=$FLEET_DIR/logs

say() { printf '[fleet] %s\n' "$*" >&2; }
fail() {
	say "error: $*"
	return 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_for() {
	local seconds=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + seconds))
	until "$@"; do
		((SECONDS < deadline)) || fail "$what did not answer within ${seconds}s" || return 1
		sleep 0.2
	done
}

process_gone() { ! kill -0 "$1" 2>/dev/null; }

# url_parse URL: sets URL_USERINFO, URL_HOST, URL_PORT (may be empty), URL_PATH (with its
# leading slash) and URL_QUERY (with its `?`), for the PostgreSQL URL.
url_parse() {
	local re='^[A-Za-z][A-Za-z0-9+.-]*://(([^@/?#]*)@)?(\[[^]/?#]*\]|[^:/?#,]*)(:([0-9]+))?(/[^?#]*)?(\?[^#]*)?$'
	[[ $1 =~ $re ]] || return 1
	URL_USERINFO=${BASH_REMATCH[2]}
	URL_HOST=${BASH_REMATCH[3]}
	URL_PORT=${BASH_REMATCH[5]}
	URL_PATH=${BASH_REMATCH[6]}
	URL_QUERY=${BASH_REMATCH[7]}
}

# spawn NAME COMMAND...: runs COMMAND in the background, its output in logs/NAME.log and its
# pid in pids/NAME.pid.
spawn() {
	local name=$1
	shift
	nohup "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
	echo $! >"$PIDS/$name.pid"
}

# running NAME: the process of pids/NAME.pid still runs.
running() {
	local pid
	[[ -f $PIDS/$1.pid ]] && pid=$(<"$PIDS/$1.pid") && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

ensure_tools() {
	go run ./cmd/dev need pgbouncer:pgbouncer haproxy:haproxy redis-server:redis-server redis-cli:redis-tools
}

# start_pgbouncer: transaction mode in front of DATABASE_URL's server. Debian's pgbouncer
# refuses to run as root, so as root it switches to the postgres user (-u).
start_pgbouncer() {
	local dir=$FLEET_DIR/pgbouncer user password args=()
	url_parse "$DATABASE_URL" || fail "cannot read DATABASE_URL" || return 1
	user=${URL_USERINFO%%:*} password=''
	[[ $URL_USERINFO == *:* ]] && password=${URL_USERINFO#*:}
	install -d -m 755 "$dir"
	printf '"%s" "%s"\n' "${user:-postgres}" "$password" >"$dir/users.txt"
	cat >"$dir/pgbouncer.ini" <<-EOF
		[databases]
		* = host=${URL_HOST:-127.0.0.1} port=${URL_PORT:-5432}
		[pgbouncer]
		listen_addr = 127.0.0.1
		listen_port = $FLEET_PGBOUNCER_PORT
		unix_socket_dir =
		auth_type = trust
		auth_file = $dir/users.txt
		pool_mode = transaction
		; 3 instances × AXUM_DB_MAX_CONNECTIONS (15) clients share these server connections
		default_pool_size = 10
		max_client_conn = 200
		ignore_startup_parameters = extra_float_digits
	EOF
	chmod 644 "$dir/users.txt" "$dir/pgbouncer.ini"
	[[ $EUID -eq 0 ]] && args=(-u postgres)
	spawn pgbouncer pgbouncer "${args[@]}" "$dir/pgbouncer.ini"
}

# start_instances: bin/movieapi on each port, through PgBouncer, migrating over the direct URL.
start_instances() {
	local port pooled
	url_parse "$DATABASE_URL" || return 1
	pooled="postgres://${URL_USERINFO:+$URL_USERINFO@}127.0.0.1:$FLEET_PGBOUNCER_PORT$URL_PATH$URL_QUERY"
	for port in "${FLEET_APP_PORTS[@]}"; do
		spawn "movieapi-$port" env DATABASE_URL="$pooled" AXUM_DB_TRANSACTION_POOLING=true \
			AXUM_DB_MIGRATE_URL="$DATABASE_URL" REDIS_URL="$FLEET_REDIS_URL" API_BIND_ADDR="127.0.0.1:$port" \
			AXUM_TRUSTED_PROXIES=127.0.0.1/32 AXUM_DRAIN_DELAY_SEC=5 AXUM_METRICS_TYPE=prom \
			AXUM_LOG_FORMAT=json AXUM_LOG_LEVEL=info AXUM_WEBAUTHN_RP_ID=localhost \
			AXUM_WEBAUTHN_ORIGIN="http://localhost:$FLEET_LB_PORT" bin/movieapi serve
	done
	for port in "${FLEET_APP_PORTS[@]}"; do
		wait_for 60 "movieapi on 127.0.0.1:$port" instance_ready "$port"
	done
}

instance_ready() { API_BIND_ADDR="127.0.0.1:$1" bin/movieapi healthcheck --full >/dev/null 2>&1; }

balancer_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$FLEET_LB_PORT/health?mode=full" 2>/dev/null; }

start_haproxy() {
	local i=0 port env=(LB_BIND="127.0.0.1:$FLEET_LB_PORT" LB_STATS_BIND="127.0.0.1:$FLEET_STATS_PORT")
	for port in "${FLEET_APP_PORTS[@]}"; do
		env+=("MOVIEAPI_$((++i))=127.0.0.1:$port")
	done
	spawn haproxy env "${env[@]}" haproxy -db -f deploy/haproxy.cfg
	wait_for 30 "HAProxy to route to a ready instance" balancer_ready
}

fleet_up() {
	if running haproxy; then
		say "already running (make fleet-down stops it)"
		return 0
	fi
	[[ -x bin/movieapi ]] || fail "bin/movieapi is missing: run make build (make fleet does)" || return 1
	ensure_tools || return 1
	local exports
	exports=$(go run ./cmd/dev up) || return 1
	eval "$exports"
	install -d -m 755 "$FLEET_DIR" "$PIDS" "$LOGS"
	start_redis "$FLEET_REDIS" || return 1
	start_pgbouncer || return 1
	start_instances || return 1
	start_haproxy || return 1
	say "up: http://localhost:$FLEET_LB_PORT (passkeys: http://localhost:$FLEET_LB_PORT/passkeys)"
	say "HAProxy stats http://127.0.0.1:$FLEET_STATS_PORT/stats, its metrics /metrics"
	say "instances: ${FLEET_APP_PORTS[*]/#/127.0.0.1:}, through PgBouncer on 127.0.0.1:$FLEET_PGBOUNCER_PORT"
	say "Redis ($FLEET_REDIS): $FLEET_REDIS_URL"
	say "logs and pids: $FLEET_DIR; try: kill -9 \$(cat $PIDS/movieapi-${FLEET_APP_PORTS[0]}.pid), or kill the Redis primary"
	say "stop with: make fleet-down"
}

fleet_down() {
	local pidfile name pid stopped=0
	[[ -d $PIDS ]] || {
		say "nothing to stop"
		return 0
	}
	# The balancer first, the backends last.
	for name in haproxy "${FLEET_APP_PORTS[@]/#/movieapi-}" pgbouncer redis-sentinel-1 redis-sentinel-2 \
		redis-sentinel-3 redis-primary redis-replica redis-node-{1..6}; do
		pidfile=$PIDS/$name.pid
		[[ -f $pidfile ]] || continue
		if running "$name"; then
			pid=$(<"$pidfile")
			kill "$pid"
			wait_for 30 "$name to stop" process_gone "$pid" || kill -9 "$pid" 2>/dev/null || true
			stopped=$((stopped + 1))
		fi
		rm -f "$pidfile"
	done
	say "stopped $stopped process(es); logs stay in $LOGS"
}

case ${1:-} in
up) fleet_up ;;
down) fleet_down ;;
*)
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 2
	;;
esac

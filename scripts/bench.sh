#!/usr/bin/env bash
# Load benchmarks of movieapi (`make bench`). Builds the service, its yardstick
# (bench/baseline) and the sign-in driver (bench/signin); makes sure PostgreSQL
# and Redis answer as `make run` does (scripts/services.sh); starts the service
# on a free loopback port against a database and a Redis key prefix of its own;
# drives each endpoint with wrk; measures the backends' own ceilings with
# redis-benchmark and pgbench at the same concurrency; profiles the cache-hit
# read and a sign-in; writes docs/benchmarks.md (between its bench markers) and
# docs/img/benchmarks.png. Everything it started or created is removed at exit.
#
# Settings (environment):
#   BENCH_DURATION     seconds of each measured run (default 10)
#   BENCH_CONNECTIONS  concurrent connections (default 64)
#   BENCH_THREADS      wrk threads (default: the number of CPUs)
#   BENCH_WARMUP       seconds of unmeasured load before each run (default 2)
#   BENCH_PROFILE      1: record CPU profiles in extra, unmeasured runs (default 1)
#   BENCH_PROFILE_DIR  a directory to keep those profiles in (default: none kept)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/services.sh
source scripts/services.sh
# shellcheck source=scripts/bench_lib.sh
source scripts/bench_lib.sh
# shellcheck source=scripts/bench_report.sh
source scripts/bench_report.sh

DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-$(nproc)}
WARMUP=${BENCH_WARMUP:-2}
PROFILE=${BENCH_PROFILE:-1}
REPORT=docs/benchmarks.md
PLOT=docs/img/benchmarks.png
WRK=$ROOT/bench/wrk

WORK=$(mktemp -d "${TMPDIR:-/tmp}/movieapi-bench.XXXXXX")
RUN_ID="$(date +%s)$$"
BENCH_DB="movieapi_bench_$RUN_ID"
PREFIX="bench:$RUN_ID:"
SERVICE_PID=''
BASELINE_PID=''
DB_CREATED=0

cleanup() {
	local status=$?
	set +e
	stop_process "$SERVICE_PID" service
	stop_process "$BASELINE_PID" baseline
	if [[ -n ${REDIS_URL:-} ]]; then
		bench_log "removing the Redis keys under $PREFIX"
		redis-cli --no-auth-warning -u "$REDIS_URL" --scan --pattern "$PREFIX*" 2>/dev/null |
			xargs -r -n 500 redis-cli --no-auth-warning -u "$REDIS_URL" del >/dev/null 2>&1
	fi
	if ((DB_CREATED)); then
		bench_log "dropping database $BENCH_DB"
		psql "$ADMIN_URL" -XAtq -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null
	fi
	if ((SERVICES_STARTED)); then services_down; fi
	rm -rf "$WORK"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# Tools, builds and backends

need_tool wrk wrk
need_tool gnuplot gnuplot-nox
need_tool redis-benchmark redis-tools
need_tool redis-cli redis-tools
need_tool psql postgresql-client
need_tool pgbench postgresql-contrib

bench_log "building bin/movieapi, bench/baseline and bench/signin"
make --no-print-directory build >/dev/null
go build -o "$WORK/baseline" ./bench/baseline
go build -o "$WORK/signin" ./bench/signin

services_up
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ADMIN_URL=$(url_with_database "$DATABASE_URL" postgres)
BENCH_URL=$(url_with_database "$DATABASE_URL" "$BENCH_DB")
bench_log "creating database $BENCH_DB"
psql "$ADMIN_URL" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$BENCH_DB\"" >/dev/null
DB_CREATED=1

# ---------------------------------------------------------------------------------------
# The service and the baseline

PORT=$(free_port)
ADMIN_PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
ORIGIN="http://localhost:$PORT"
bench_log "starting movieapi on $BASE (log: service.log)"
# Started from the work directory so that no .env of the checkout applies.
(
	cd "$WORK"
	exec env DATABASE_URL="$BENCH_URL" REDIS_URL="$REDIS_URL" API_BIND_ADDR="127.0.0.1:$PORT" \
		AXUM_ADMIN_BIND_ADDR="127.0.0.1:$ADMIN_PORT" AXUM_METRICS_TYPE=prom AXUM_LOG_LEVEL=info \
		AXUM_LOG_FORMAT=text AXUM_SPAN_EVENTS=close AXUM_RATE_LIMIT_PER_MIN=0 AXUM_DB_RETRY_COUNT=0 \
		AXUM_REDIS_KEY_PREFIX="$PREFIX" AXUM_WEBAUTHN_RP_ID=localhost AXUM_WEBAUTHN_ORIGIN="$ORIGIN" \
		"$ROOT/bin/movieapi" serve >>"$WORK/service.log" 2>&1
) &
SERVICE_PID=$!
wait_for 60 "movieapi at $BASE" answers "$BASE/health" || { tail -n 20 "$WORK/service.log" >&2; exit 1; }

BASELINE_PORT=$(free_port)
"$WORK/baseline" -addr "127.0.0.1:$BASELINE_PORT" -redis "$REDIS_URL" -prefix "$PREFIX" >"$WORK/baseline.log" 2>&1 &
BASELINE_PID=$!
wait_for 10 "the baseline server" tcp_open 127.0.0.1 "$BASELINE_PORT"

# ---------------------------------------------------------------------------------------
# Seed data

HIT_ID=$(curl -fsS -X POST "$BASE/movies/add" -H 'Content-Type: application/json' \
	-d '{"title":"Inception","year":2010,"stars":4.8}' | sed -E 's/.*"id":"([0-9a-f]{40})".*/\1/')
curl -fsS -o /dev/null "$BASE/movies/get/$HIT_ID" # fills the cache

# ---------------------------------------------------------------------------------------
# Measured runs

declare -a ROWS=()
record() { ROWS+=("$1|$RESULT"); }

bench_log "GET /health"
measure_wrk "$BASE" /health "$WRK/report.lua"
record "GET /health"
bench_log "GET /health?mode=full"
measure_wrk "$BASE" "/health?mode=full" "$WRK/report.lua"
record "GET /health?mode=full"

bench_log "GET /movies/get/{id}, cache hit"
HITS_BEFORE=$(metric "movie_cache_requests_total{result=\"hit\"}")
measure_wrk "$BASE" "/movies/get/$HIT_ID" "$WRK/report.lua"
record "GET /movies/get/{id} (cache hit)"
HIT_RESULT=$RESULT
HIT_RPS=$(field rps "$RESULT")
HITS=$(($(metric "movie_cache_requests_total{result=\"hit\"}") - HITS_BEFORE))
bench_log "cache hits counted by the service: $HITS"

bench_log "baseline server, same read"
measure_wrk "http://127.0.0.1:$BASELINE_PORT" "/movies/get/$HIT_ID" "$WRK/report.lua" "$BASELINE_PID"
record "baseline: net/http + one Redis GET"
BASELINE_RESULT=$RESULT

# Every read of the miss run must go to PostgreSQL: ids never read before, more
# of them than the run can ask for (the cache-hit rate is an upper bound on the
# miss rate), in random order across the table.
SEED=$(awk -v r="$HIT_RPS" -v d="$((DURATION + WARMUP))" 'BEGIN { n = int(r * d * 1.5) + 1000; print (n < 20000 ? 20000 : n) }')
bench_log "seeding $SEED movies in PostgreSQL for the cache-miss run"
seed_movies "$BENCH_URL" "$SEED" "$WORK/ids.txt"
bench_log "GET /movies/get/{id}, cache miss (each id read once)"
# The warm-up reads ids of its own, so that the measured run reads none twice.
WARM_IDS=$(awk -v r="$HIT_RPS" -v w="$WARMUP" 'BEGIN { print int(r * w * 1.5) + 100 }')
head -n "$WARM_IDS" "$WORK/ids.txt" >"$WORK/ids-warmup.txt"
tail -n +"$((WARM_IDS + 1))" "$WORK/ids.txt" >"$WORK/ids-measured.txt"
if ((WARMUP > 0)); then
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WRK/miss.lua" "$BASE/" -- "$WORK/ids-warmup.txt" "$THREADS" >/dev/null
fi
MISSES_BEFORE=$(metric "movie_cache_requests_total{result=\"miss\"}")
HITS_BEFORE=$(metric "movie_cache_requests_total{result=\"hit\"}")
WARMUP=0 measure_wrk "$BASE" / "$WRK/miss.lua" "$SERVICE_PID" "$WORK/ids-measured.txt" "$THREADS"
record "GET /movies/get/{id} (cache miss)"
MISSES=$(($(metric "movie_cache_requests_total{result=\"miss\"}") - MISSES_BEFORE))
MISS_RUN_HITS=$(($(metric "movie_cache_requests_total{result=\"hit\"}") - HITS_BEFORE))
bench_log "cache misses counted by the service: $MISSES (hits during the miss run: $MISS_RUN_HITS)"

bench_log "POST /movies/add, unique titles"
measure_wrk "$BASE" /movies/add "$WRK/post.lua" "$SERVICE_PID" "$RUN_ID"
record "POST /movies/add"

bench_log "passkey sign-in (begin + finish), $CONNECTIONS concurrent"
measure_signin "$BASE" "$ORIGIN" "$CONNECTIONS"
record "passkey sign-in (begin + finish)"
SIGNIN_RESULT=$RESULT

# ---------------------------------------------------------------------------------------
# Backends' ceilings, floors and micro-benchmarks

bench_log "redis-benchmark -t get -c $CONNECTIONS"
REDIS_CEILING=$(redis_ceiling "$REDIS_URL" "$CONNECTIONS" 200000)
REDIS_RTT=$(redis_ceiling "$REDIS_URL" 1 20000)
bench_log "pgbench -S -c $CONNECTIONS"
pgbench -i -q -s 1 "$BENCH_URL" >/dev/null 2>&1
PG_CEILING=$(pg_ceiling "$BENCH_URL" "$CONNECTIONS" "$DURATION")
PG_RTT=$(pg_ceiling "$BENCH_URL" 1 3)
bench_log "one sign-in at a time"
measure_signin "$BASE" "$ORIGIN" 1
SIGNIN_SERIAL=$RESULT
bench_log "Go micro-benchmarks"
MICRO=$(go_micro_benchmarks)

# ---------------------------------------------------------------------------------------
# Profiles (extra runs, not measured)

PROFILE_HIT='' PROFILE_SIGNIN=''
if ((PROFILE)); then
	bench_log "CPU profile of the cache-hit read"
	PROFILE_HIT=$(profile_during "$WORK/hit.pprof" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$BASE/movies/get/$HIT_ID")
	bench_log "CPU profile of sign-ins"
	PROFILE_SIGNIN=$(profile_during "$WORK/signin.pprof" "$WORK/signin" -url "$BASE" -origin "$ORIGIN" \
		-concurrency "$CONNECTIONS" -duration "${DURATION}s" -prefix "profile$RUN_ID-")
	if [[ -n ${BENCH_PROFILE_DIR:-} ]]; then
		mkdir -p "$BENCH_PROFILE_DIR"
		cp "$WORK"/*.pprof "$BENCH_PROFILE_DIR"/
		bench_log "profiles kept in $BENCH_PROFILE_DIR (go tool pprof -top -cum FILE)"
	fi
fi

# ---------------------------------------------------------------------------------------
# Report

write_report
plot_report
bench_log "wrote $REPORT and $PLOT"

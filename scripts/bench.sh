#!/usr/bin/env bash
# Load benchmarks of movieapi (`make bench`). Builds the service, its yardstick
# (bench/baseline) and the sign-in driver (bench/signin); makes sure PostgreSQL
# and Redis answer as `make run` does (scripts/services.sh); starts the service
# on a free loopback port against a database and a Redis key prefix of its own;
# drives each endpoint with wrk; runs two more instances with the near cache
# on (AXUM_MOVIE_NEAR_CACHE) for its cache-hit read, its cross-instance
# staleness and its memory (bench/nearcache); measures the backends' own
# ceilings with redis-benchmark and pgbench at the same concurrency; profiles
# the cache-hit read and a sign-in; writes docs/benchmarks.md (between its
# bench markers) and docs/img/benchmarks.png. Everything it started or created
# is removed at exit.
#
# Settings (environment):
#   BENCH_DURATION     seconds of each measured run (default 10)
#   BENCH_CONNECTIONS  concurrent connections (default 64)
#   BENCH_THREADS      wrk threads (default: the number of CPUs)
#   BENCH_WARMUP       seconds of unmeasured load before each run (default 2)
#   BENCH_PROFILE      1: record CPU profiles in extra, unmeasured runs (default 1)
#   BENCH_PROFILE_DIR  a directory to keep those profiles in (default: none kept)
#   BENCH_STALENESS_WRITES  updates timed across two near-cache instances (default 1000)
#   BENCH_NEAR_DISTINCT     distinct movies read for the near cache's memory (default 100000)
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
STALENESS_WRITES=${BENCH_STALENESS_WRITES:-1000}
NEAR_DISTINCT=${BENCH_NEAR_DISTINCT:-100000}
REPORT=docs/benchmarks.md
PLOT=docs/img/benchmarks.png
WRK=$ROOT/bench/wrk

WORK=$(mktemp -d "${TMPDIR:-/tmp}/movieapi-bench.XXXXXX")
RUN_ID="$(date +%s)$$"
BENCH_DB="movieapi_bench_$RUN_ID"
PREFIX="bench:$RUN_ID:"
SERVICE_PID=''
BASELINE_PID=''
NEAR_A_PID=''
NEAR_B_PID=''
DB_CREATED=0

cleanup() {
	local status=$?
	set +e
	stop_process "$SERVICE_PID" service
	stop_process "$BASELINE_PID" baseline
	stop_process "$NEAR_A_PID" "near-cache instance A"
	stop_process "$NEAR_B_PID" "near-cache instance B"
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

bench_log "building bin/movieapi, bench/baseline, bench/signin and bench/nearcache"
make --no-print-directory build >/dev/null
go build -o "$WORK/baseline" ./bench/baseline
go build -o "$WORK/signin" ./bench/signin
go build -o "$WORK/nearcache" ./bench/nearcache

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
start_instance service "$PORT" AXUM_ADMIN_BIND_ADDR="127.0.0.1:$ADMIN_PORT"
SERVICE_PID=$STARTED_PID
wait_for 60 "movieapi at $BASE" answers "$BASE/health" || { tail -n 20 "$WORK/service.log" >&2; exit 1; }

BASELINE_PORT=$(free_port)
"$WORK/baseline" -addr "127.0.0.1:$BASELINE_PORT" -redis "$REDIS_URL" -prefix "$PREFIX" >"$WORK/baseline.log" 2>&1 &
BASELINE_PID=$!
wait_for 60 "the baseline server" tcp_open 127.0.0.1 "$BASELINE_PORT"

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

# Movies for the cache-miss run and the near cache's memory walk, in random order
# across the table. Every read of the miss run must go to PostgreSQL: ids never read
# before, more of them than the run can ask for (the cache-hit rate is an upper bound
# on the miss rate). The walk reads ids of its own, the last NEAR_DISTINCT of the list.
MISS_SEED=$(awk -v r="$HIT_RPS" -v d="$((DURATION + WARMUP))" 'BEGIN { n = int(r * d * 1.5) + 1000; print (n < 20000 ? 20000 : n) }')
SEED=$((MISS_SEED + NEAR_DISTINCT))
bench_log "seeding $SEED movies in PostgreSQL for the cache-miss run and the near cache's memory"
seed_movies "$BENCH_URL" "$SEED" "$WORK/ids.txt"
tail -n "$NEAR_DISTINCT" "$WORK/ids.txt" >"$WORK/ids-walk.txt"
head -n "$MISS_SEED" "$WORK/ids.txt" >"$WORK/ids-miss.txt"

# ---------------------------------------------------------------------------------------
# The near cache. Two instances with it on (its default size and MaxStaleness), on the
# same database and Redis key space: A for the cache-hit read and the writes, B for the
# reads of another instance. They run only for these measurements: their drainers'
# idle wake-ups would otherwise take CPU from the other rows.

NEAR_A="http://127.0.0.1:$(free_port)"
start_instance near-a "${NEAR_A##*:}" AXUM_MOVIE_NEAR_CACHE=true
NEAR_A_PID=$STARTED_PID
NEAR_B="http://127.0.0.1:$(free_port)"
start_instance near-b "${NEAR_B##*:}" AXUM_MOVIE_NEAR_CACHE=true
NEAR_B_PID=$STARTED_PID
for url in "$NEAR_A" "$NEAR_B"; do
	wait_for 60 "movieapi with the near cache at $url" answers "$url/health" || { tail -n 20 "$WORK"/near-*.log >&2; exit 1; }
done
grep -q 'msg="movie near cache on"' "$WORK/near-a.log" || { tail -n 20 "$WORK/near-a.log" >&2; services_fail "the near cache did not start"; }
NEAR_STALENESS_MS=$(sed -nE 's/.*msg="movie near cache on".*max_staleness=([0-9.]+)(m?s).*/\1 \2/p' "$WORK/near-a.log" | awk '{ print ($2 == "s" ? $1 * 1000 : $1) }')
NEAR_MAX_MIB=$(sed -nE 's/.*msg="movie near cache on".*max_mib=([0-9]+).*/\1/p' "$WORK/near-a.log")
NEAR_DRAIN=$(sed -nE 's/.*msg="movie near cache on".*drain=([0-9.]+m?s).*/\1/p' "$WORK/near-a.log")

bench_log "GET /movies/get/{id}, cache hit, near cache on (instance A)"
measure_wrk "$NEAR_A" "/movies/get/$HIT_ID" "$WRK/report.lua" "$NEAR_A_PID"
record "GET /movies/get/{id} (cache hit, near cache)"
NEAR_HIT_RESULT=$RESULT

bench_log "near cache: $STALENESS_WRITES updates on A, read back to back on B"
STALE_NEAR=$(staleness "$NEAR_A" "$NEAR_B")
bench_log "  $STALE_NEAR"
bench_log "the same, read on the instance without the near cache (the floor)"
STALE_FLOOR=$(staleness "$NEAR_A" "$BASE")
bench_log "  $STALE_FLOOR"

bench_log "memory: $NEAR_DISTINCT distinct movies read on the instance without the near cache, then on B"
WALK_PLAIN=$(memory_walk "$BASE" "$SERVICE_PID" "$WORK/ids-walk.txt")
WALK_NEAR=$(memory_walk "$NEAR_B" "$NEAR_B_PID" "$WORK/ids-walk.txt")
WALK_NEAR="$WALK_NEAR entries=$(metric_of "$NEAR_B" movie_near_cache_entries) bytes=$(metric_of "$NEAR_B" movie_near_cache_bytes)"
bench_log "  without: $WALK_PLAIN; with: $WALK_NEAR"
bench_log "idle: CPU of an instance with and without the near cache, Redis commands of the whole server"
IDLE=$(idle_cost "$SERVICE_PID" "$NEAR_B_PID" 10)
bench_log "  $IDLE"
stop_process "$NEAR_A_PID" "near-cache instance A"
stop_process "$NEAR_B_PID" "near-cache instance B"
NEAR_A_PID='' NEAR_B_PID=''

# ---------------------------------------------------------------------------------------
# The rest of the measured runs

bench_log "GET /movies/get/{id}, cache miss (each id read once)"
# The warm-up reads ids of its own, so that the measured run reads none twice.
WARM_IDS=$(awk -v r="$HIT_RPS" -v w="$WARMUP" 'BEGIN { print int(r * w * 1.5) + 100 }')
head -n "$WARM_IDS" "$WORK/ids-miss.txt" >"$WORK/ids-warmup.txt"
tail -n +"$((WARM_IDS + 1))" "$WORK/ids-miss.txt" >"$WORK/ids-measured.txt"
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

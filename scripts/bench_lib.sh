# shellcheck shell=bash
# Functions of scripts/bench.sh: starting an instance, measuring one run, the near
# cache's staleness, memory and idle cost, the backends' ceilings, the Go
# micro-benchmarks and profiles. Sourced after scripts/services.sh; they read the
# settings bench.sh sets (WORK, DURATION, CONNECTIONS, THREADS, WARMUP, SERVICE_PID …).
# A measurement leaves its figures in RESULT as "key=value" words.

bench_log() { printf '[bench] %s\n' "$*" >&2; }

# need_tool COMMAND PACKAGE: installs the Debian package (as root) when COMMAND is missing.
need_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	apt_install --minimal "$2" || return 1
	command -v "$1" >/dev/null 2>&1 || services_fail "$1 not found after installing $2"
}

# answers URL: an HTTP GET of URL succeeds.
answers() { curl -fs -o /dev/null --max-time 2 "$1"; }

# free_port: a loopback TCP port nothing listens on.
free_port() {
	local port _
	for _ in {1..100}; do
		port=$((20000 + RANDOM % 30000))
		tcp_open 127.0.0.1 "$port" || {
			echo "$port"
			return 0
		}
	done
	services_fail "no free loopback port found"
}

# start_instance NAME PORT [VAR=value…]: starts bin/movieapi on 127.0.0.1:PORT against the
# bench's database and Redis key prefix, with the bench's settings and the extra variables,
# logging to NAME.log; its pid is left in STARTED_PID. Started from the work directory so
# that no .env of the checkout applies.
start_instance() {
	local name=$1 port=$2
	shift 2
	(
		cd "$WORK"
		exec env DATABASE_URL="$BENCH_URL" REDIS_URL="$REDIS_URL" API_BIND_ADDR="127.0.0.1:$port" \
			AXUM_METRICS_TYPE=prom AXUM_LOG_LEVEL=info AXUM_LOG_FORMAT=text AXUM_SPAN_EVENTS=close \
			AXUM_RATE_LIMIT_PER_MIN=0 AXUM_DB_RETRY_COUNT=0 AXUM_REDIS_KEY_PREFIX="$PREFIX" \
			AXUM_WEBAUTHN_RP_ID=localhost AXUM_WEBAUTHN_ORIGIN="http://localhost:$port" "$@" \
			"$ROOT/bin/movieapi" serve >>"$WORK/$name.log" 2>&1
	) &
	STARTED_PID=$!
}

# redis_calls: "calls=… gets=…", the commands the whole Redis server has run (INFO
# commandstats), all of them and GETs. Other clients of a shared Redis count too.
redis_calls() {
	redis-cli --no-auth-warning -u "$REDIS_URL" info commandstats 2>/dev/null | tr -d '\r' |
		awk -F'[:=,]' '/^cmdstat_/ { all += $3; if ($1 == "cmdstat_get") gets += $3 } END { printf "calls=%d gets=%d\n", all, gets }'
}

# stop_process PID NAME: SIGTERM, then SIGKILL after 10 s.
stop_process() {
	local pid=$1 name=$2 _
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	bench_log "stopping the $name (pid $pid)"
	kill "$pid" 2>/dev/null
	for _ in {1..50}; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null || true
}

# field KEY WORDS: the value of key=value in WORDS.
field() {
	local word
	for word in $2; do
		[[ $word == "$1="* ]] && printf '%s\n' "${word#*=}" && return 0
	done
	echo 0
}

# cpu_ticks PID: user + system CPU time of the process, in clock ticks.
cpu_ticks() { sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# Peak resident memory (VmHWM). Writing 5 to clear_refs resets the peak (Linux ≥ 4.0),
# so each run reports its own; where that is refused, the peak since start.
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# process_usage PID TICKS_BEFORE REQUESTS: "cpu_us=… rss_mib=…" for a finished run.
process_usage() {
	local pid=$1 before=$2 requests=$3 ticks hz
	ticks=$(($(cpu_ticks "$pid") - before))
	hz=$(getconf CLK_TCK)
	awk -v t="$ticks" -v hz="$hz" -v n="$requests" -v kib="$(peak_rss_kib "$pid")" \
		'BEGIN { printf "cpu_us=%.0f rss_mib=%.1f", (n > 0 ? t / hz * 1e6 / n : 0), kib / 1024 }'
}

# measure_wrk BASE PATH SCRIPT [PID [SCRIPT_ARGS…]]: a warm-up, then a measured wrk run
# against BASE+PATH; PID (default: the service) is the process whose CPU and memory count.
measure_wrk() {
	local base=$1 path=$2 script=$3 pid=${4:-$SERVICE_PID} out line before requests seconds redis_before redis_after
	shift $(($# < 4 ? $# : 4))
	if ((WARMUP > 0)); then
		wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$base$path" -- "$@" >/dev/null 2>&1 || true
	fi
	reset_peak "$pid"
	before=$(cpu_ticks "$pid")
	redis_before=$(redis_calls)
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$script" "$base$path" -- "$@" 2>&1) || {
		printf '%s\n' "$out" >&2
		return 1
	}
	redis_after=$(redis_calls)
	line=$(grep '^WRK ' <<<"$out") || { printf '%s\n' "$out" >&2 && return 1; }
	requests=$(field requests "$line")
	seconds=$(field seconds "$line")
	RESULT=$(awk -v n="$requests" -v s="$seconds" -v p50="$(field p50_us "$line")" -v p99="$(field p99_us "$line")" \
		-v e="$(field errors "$line")" 'BEGIN { printf "requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d", n, n / s, p50 / 1000, p99 / 1000, e }')
	RESULT="$RESULT $(process_usage "$pid" "$before" "$requests") $(redis_per_request "$redis_before" "$redis_after" "$requests")"
	bench_log "  $RESULT"
}

# redis_per_request BEFORE AFTER REQUESTS: "redis_cmds=… redis_gets=…", Redis commands (all,
# and GETs) per request between two redis_calls.
redis_per_request() {
	awk -v c0="$(field calls "$1")" -v c1="$(field calls "$2")" -v g0="$(field gets "$1")" -v g1="$(field gets "$2")" -v n="$3" \
		'BEGIN { if (n > 0) printf "redis_cmds=%.3f redis_gets=%.3f", (c1 - c0) / n, (g1 - g0) / n }'
}

# measure_signin BASE ORIGIN CONCURRENCY: the Go driver: registers CONCURRENCY users, then
# signs them in for DURATION seconds. The registrations (a few ms of the service's CPU)
# are counted with the sign-ins.
measure_signin() {
	local base=$1 origin=$2 concurrency=$3 line before redis_before
	reset_peak "$SERVICE_PID"
	before=$(cpu_ticks "$SERVICE_PID")
	redis_before=$(redis_calls)
	line=$("$WORK/signin" -url "$base" -origin "$origin" -concurrency "$concurrency" \
		-duration "${DURATION}s" -prefix "c$concurrency-$RUN_ID-") || return 1
	RESULT=$(awk -v r="$(field rps "$line")" -v p50="$(field p50_ms "$line")" -v p99="$(field p99_ms "$line")" \
		-v n="$(field requests "$line")" -v e="$(field errors "$line")" \
		'BEGIN { printf "requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d", n, r, p50, p99, e }')
	RESULT="$RESULT $(process_usage "$SERVICE_PID" "$before" "$(field requests "$line")")"
	RESULT="$RESULT $(redis_per_request "$redis_before" "$(redis_calls)" "$(field requests "$line")")"
	bench_log "  $RESULT"
}

# metric SERIES: the service's current value of one Prometheus series, as an integer.
# shellcheck disable=SC2153 # BASE is set by bench.sh
metric() { metric_of "$BASE" "$1"; }

# metric_of BASE SERIES: the same for the instance at BASE.
metric_of() {
	curl -fsS "$1/metrics" | awk -v s="$2" 'index($0, s " ") == 1 { printf "%d\n", $2; found = 1 } END { if (!found) print 0 }'
}

# staleness WRITER READER: bench/nearcache's cross-instance staleness, as key=value words.
staleness() {
	"$WORK/nearcache" -mode staleness -writer "$1" -reader "$2" -writes "$STALENESS_WRITES" -bound 5s | sed -n 's/^STALENESS //p'
}

# memory_walk BASE PID FILE: reads every id of FILE once from BASE (64 at a time) and
# gives "seconds=… errors=… rss_mib=…", the peak resident memory of PID during the walk.
memory_walk() {
	local line
	reset_peak "$2"
	line=$("$WORK/nearcache" -mode walk -reader "$1" -ids "$3" -concurrency "$CONNECTIONS") || return 1
	awk -v s="$(field seconds "$line")" -v e="$(field errors "$line")" -v kib="$(peak_rss_kib "$2")" \
		'BEGIN { printf "seconds=%.1f errors=%d rss_mib=%.1f", s, e, kib / 1024 }'
}

# idle_cost PLAIN_PID NEAR_PID SECONDS: with no load, the CPU of an instance without and one
# with the near cache (percent of one core), and the Redis server's commands per second
# from all its clients (what else shares it).
idle_cost() {
	local plain0 near0 redis0 hz
	hz=$(getconf CLK_TCK)
	plain0=$(cpu_ticks "$1") near0=$(cpu_ticks "$2") redis0=$(redis_calls)
	sleep "$3"
	awk -v p="$(($(cpu_ticks "$1") - plain0))" -v n="$(($(cpu_ticks "$2") - near0))" -v hz="$hz" -v s="$3" \
		-v c="$(($(field calls "$(redis_calls)") - $(field calls "$redis0")))" \
		'BEGIN { printf "plain_cpu_pct=%.1f near_cpu_pct=%.1f redis_cmds_per_s=%.0f", p / hz / s * 100, n / hz / s * 100, c / s }'
}

# seed_movies URL COUNT FILE: inserts COUNT movies (40-hex ids, valid rows) and writes
# their ids to FILE in random order, so reads spread over the whole table.
seed_movies() {
	psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "
		INSERT INTO movies (id, title, year, stars)
		SELECT md5('seed' || g) || left(md5('seed#' || g), 8), 'Seeded movie ' || g, 1900 + g % 120, (g % 51) / 10.0
		FROM generate_series(1, $2) AS g
		ON CONFLICT DO NOTHING" >/dev/null
	# Settled statistics and visibility map, so autovacuum does not start during the run.
	psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE movies" >/dev/null
	psql "$1" -XAtq -c "SELECT id FROM movies WHERE title LIKE 'Seeded movie %' ORDER BY random()" >"$3"
}

# redis_ceiling URL CLIENTS REQUESTS: redis-benchmark GET → "rps=… p50_ms=… p99_ms=…".
redis_ceiling() {
	redis-benchmark -u "$1" -t get -c "$2" -n "$3" --csv 2>/dev/null | awk -F'"' '$2 == "GET" {
		printf "rps=%.0f p50_ms=%.3f p99_ms=%.3f avg_ms=%.3f\n", $4, $10, $14, $6 }'
}

# pg_ceiling URL CLIENTS SECONDS: pgbench -S (prepared) → "rps=… p50_ms=… p99_ms=…",
# the percentiles from pgbench's per-transaction log.
pg_ceiling() {
	local dir="$WORK/pgbench-$2" tps
	mkdir -p "$dir"
	tps=$(cd "$dir" && pgbench -n -S -M prepared -c "$2" -j "$(($2 < THREADS ? $2 : THREADS))" -T "$3" -l "$1" 2>/dev/null |
		awk '/^tps = / { print $3 }')
	cat "$dir"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk -v tps="$tps" '
		{ v[NR] = $1; sum += $1 }
		END { printf "rps=%.0f p50_ms=%.3f p99_ms=%.3f avg_ms=%.3f\n", tps, v[int(NR * 0.50)] / 1000, v[int(NR * 0.99)] / 1000, sum / NR / 1000 }'
}

# go_micro_benchmarks: the testing.B benchmarks that need no services, as
# "name ns/op B/op allocs/op" lines.
go_micro_benchmarks() {
	go test -run '^$' -bench '^Benchmark(MiddlewareChain|BareChi|WriteMovieJSON|SanitizeAndID|ES256Verify|LoginFinish|RegisterFinish)$' \
		-benchtime 2s -benchmem ./internal/domain/ ./internal/httpapi/ ./internal/passkeys/ 2>/dev/null |
		awk '/^Benchmark/ { sub(/-[0-9]+$/, "", $1); print $1, $3, $5, $7 }'
}

# profile_during FILE COMMAND…: records a CPU profile of the service while COMMAND runs,
# and prints its top functions by own time, then by cumulative time.
profile_during() {
	local out=$1 curl_pid
	shift
	curl -fsS -o "$out" "http://127.0.0.1:$ADMIN_PORT/debug/pprof/profile?seconds=$((DURATION - 1))" &
	curl_pid=$!
	"$@" >/dev/null 2>&1 || true
	wait "$curl_pid" || return 0
	go tool pprof -top -nodecount=20 "$out" 2>/dev/null | sed -n '/flat%/,$p'
	echo
	go tool pprof -top -cum -nodecount=40 "$out" 2>/dev/null | sed -n '/flat%/,$p'
}

#!/usr/bin/env bash
# The project's checks and tests; gotestsum (tools/go.mod) runs go test and summarises.
#
#   scripts/test-all.sh                 checks, services, the whole suite with -race, a short
#                                       fuzz run of every Fuzz target, every benchmark once
#   scripts/test-all.sh --checks        gofmt, go vet, golangci-lint, promtool check/test rules
#   scripts/test-all.sh --unit          checks, then go test -short -race (no services; the
#                                       promtool checks are skipped when promtool is missing)
#   scripts/test-all.sh --integration   services, the whole suite, fuzz, benchmarks (no checks)
#   scripts/test-all.sh --e2e           services, the browser tests only
#   scripts/test-all.sh --fmt           rewrites the Go files with the configured formatters
#
# Services: when TEST_DATABASE_URL and TEST_REDIS_URL are both set they are used as they are;
# otherwise `go run ./cmd/dev up` provides PostgreSQL and Redis (and, when CI=true, `down`
# stops them at the end). `go run ./cmd/dev need` apt-installs the engines the fleet tests
# start, Chromium and promtool when missing.
#
# Environment: TEST_PACKAGES (default ./...) are the packages tested, fuzzed and benchmarked;
# FUZZTIME (default 10s) is how long each Fuzz target runs; GO_TEST_FLAGS adds flags to every
# go test run.
#
# Each go test run ends with gotestsum's summary (benchmarks: go test's own output); the last
# line counts the tests, subtests and benchmarks of all runs: "N passed, N failed, N skipped",
# after the list of what failed. The exit status is non-zero when anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FUZZTIME=${FUZZTIME:-10s}
read -r -a PACKAGES <<<"${TEST_PACKAGES:-./...}"
read -r -a EXTRA_TEST_FLAGS <<<"${GO_TEST_FLAGS:-}"
TOOL=(go tool -modfile=tools/go.mod)
DEV=(go run ./cmd/dev)
PASSED=0 SKIPPED=0 FAILURES=() RUNS=0 CALLED_UP=0
JSON_DIR=$(mktemp -d)
trap 'stop_services_in_ci; rm -rf "$JSON_DIR"' EXIT

say() { printf '[test] %s\n' "$*"; }
# fail MESSAGE: stops the run; the message is one failure in the closing summary.
fail() { say "error: $*" >&2; FAILURES+=("$*"); finish || true; exit 1; }

checks() {
	local unformatted
	unformatted=$(find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name testdata \) -prune -o -name '*.go' -print | xargs gofmt -l)
	[[ -z $unformatted ]] || fail "not gofmt-ed (make fmt rewrites them): $unformatted"
	go vet "${PACKAGES[@]}" || fail "go vet found problems"
	"${TOOL[@]}" golangci-lint run --allow-parallel-runners "${PACKAGES[@]}" || fail "golangci-lint found problems"
	if [[ $1 == --unit ]] && ! command -v promtool >/dev/null; then
		say "promtool not found: deploy/prometheus rules not checked (make lint and make test check them)"
		return 0
	fi
	"${DEV[@]}" need promtool:prometheus || fail "promtool is needed"
	promtool check config deploy/prometheus.yml >/dev/null && promtool check rules deploy/prometheus/*.rules.yml >/dev/null &&
		(cd deploy/prometheus && promtool test rules tests.yml) || fail "promtool found problems in deploy/prometheus"
	say "checks: ok"
}

# services ENGINES...: PostgreSQL and Redis for the tests, and the commands the tests start.
services() {
	if [[ -z ${TEST_DATABASE_URL:-} || -z ${TEST_REDIS_URL:-} ]]; then
		local exports
		CALLED_UP=1
		exports=$("${DEV[@]}" up) || fail "PostgreSQL and Redis are needed (see the messages above)"
		eval "$exports"
	fi
	"${DEV[@]}" need "$@" || fail "the tests need $*"
}
stop_services_in_ci() {
	if [[ ${CI:-} == true && $CALLED_UP == 1 ]]; then
		CALLED_UP=0
		"${DEV[@]}" down || true
	fi
}

# gotest LABEL GO_TEST_ARGS...: one go test run; adds its results to the counts.
gotest() {
	local label=$1 json="$JSON_DIR/$((++RUNS)).json" status=0 failed
	shift
	say "$label: go test $*"
	"${TOOL[@]}" gotestsum --format pkgname-and-test-fails --hide-summary=skipped --jsonfile "$json" -- "${EXTRA_TEST_FLAGS[@]}" "$@" || status=$?
	PASSED=$((PASSED + $(grep -c '"Action":"pass","Package":"[^"]*","Test":' "$json" || true)))
	SKIPPED=$((SKIPPED + $(grep -c '"Action":"skip","Package":"[^"]*","Test":' "$json" || true)))
	mapfile -t failed < <(sed -nE 's/.*"Action":"fail","Package":"([^"]*)","Test":"([^"]*)".*/\1 \2/p' "$json")
	# A package can fail with no failing test: a build error, a panic in TestMain, a timeout.
	((status == 0 || ${#failed[@]})) || mapfile -t failed < <(sed -nE 's/.*"Action":"fail","Package":"([^"]*)"[,}].*/\1 (package)/p' "$json")
	((status == 0 || ${#failed[@]})) || failed=("go test exited with status $status")
	FAILURES+=("${failed[@]/#/$label: }")
}

# show TITLE MARKER JSONFILE: what the tests logged after MARKER (testenv.VersionMarker: the
# engines they ran; fleettest's measuredMarker: what the fault tests measured), once each.
show() {
	local lines
	lines=$(grep -oh "$2 [^\"\\]*" "$3" | sed "s/^$2 /  /" | awk '!seen[$0]++') || true
	[[ -z $lines ]] || printf '[test] %s:\n%s\n' "$1" "$lines"
}

suite() {
	local targets pkg name
	gotest tests -race -count=1 "${PACKAGES[@]}"
	show engines "engine version:" "$JSON_DIR/$RUNS.json"
	show "measured by the fault tests" "measured:" "$JSON_DIR/$RUNS.json"
	# One Fuzz target per go test run (that is how -fuzz works); go test -list prints each
	# package's matching names, then its "ok PACKAGE" line.
	targets=$(go test -list '^Fuzz' "${PACKAGES[@]}" | awk '/^Fuzz/ { names[++n] = $1 } /^ok/ { for (; n > 0; n--) print $2, names[n] }') ||
		FAILURES+=("fuzz: go test -list '^Fuzz' failed")
	while read -r pkg name; do
		[[ -z $name ]] || gotest "fuzz $name" -run='^$' -fuzz="^$name\$" -fuzztime="$FUZZTIME" "$pkg" </dev/null
	done <<<"$targets"
	benchmarks
}

# Each benchmark runs once, so they keep compiling and working; timing is make bench's job.
# Plain go test: gotestsum lists every benchmark as failed, having seen no pass event for it
# (gotestsum issue 332). A benchmark counts as passed by its result (ns/op) line.
benchmarks() {
	local out="$JSON_DIR/benchmarks.out" status=0 failed
	say "benchmarks: go test -run='^\$' -bench=. -benchtime=1x ${PACKAGES[*]}"
	go test "${EXTRA_TEST_FLAGS[@]}" -run='^$' -bench=. -benchtime=1x "${PACKAGES[@]}" 2>&1 | tee "$out" || status=$?
	PASSED=$((PASSED + $(grep -c ' ns/op' "$out" || true)))
	mapfile -t failed < <(sed -nE 's/^ *--- FAIL: ([^ ]+).*/\1/p' "$out")
	((status == 0 || ${#failed[@]})) || failed=("go test exited with status $status")
	FAILURES+=("${failed[@]/#/benchmarks: }")
}

finish() {
	stop_services_in_ci
	((${#FAILURES[@]} == 0)) || { say "failed:" && printf '  %s\n' "${FAILURES[@]}"; }
	printf '%d passed, %d failed, %d skipped\n' "$PASSED" "${#FAILURES[@]}" "$SKIPPED"
	((${#FAILURES[@]} == 0))
}

FLEET=(redis-server:redis-server redis-cli:redis-tools pgbouncer:pgbouncer haproxy:haproxy chromium:chromium)
case ${1:-all} in
all | --all) checks all; services "${FLEET[@]}"; suite ;;
--checks) checks --checks; exit 0 ;;
--fmt) "${TOOL[@]}" golangci-lint fmt "${PACKAGES[@]}"; exit 0 ;;
--unit) checks --unit; gotest "unit tests" -short -race -count=1 "${PACKAGES[@]}" ;;
--integration) services "${FLEET[@]}"; suite ;;
--e2e) services chromium:chromium; gotest "browser tests" -race -count=1 -run Browser ./internal/... ;;
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' && exit 0 ;;
*) say "unknown mode '$1' (see --help)" >&2 && exit 2 ;;
esac
finish

#!/usr/bin/env bash
# The project's checks and tests.
#
#   scripts/test-all.sh                 checks, services, the whole suite with -race, a short
#                                       fuzz run of every Fuzz target, every benchmark once
#   scripts/test-all.sh --checks        gofmt, go vet, golangci-lint, promtool check/test rules
#   scripts/test-all.sh --unit          checks, then go test -short -race (no services)
#   scripts/test-all.sh --integration   services, the whole suite, fuzz, benchmarks (no checks)
#   scripts/test-all.sh --e2e           services, the browser tests only
#   scripts/test-all.sh --fmt           rewrites the Go files with the configured formatters
#
# Services come from scripts/services.sh (what answers at DATABASE_URL / REDIS_URL, else
# docker compose, else project-local instances); the tests get them as TEST_DATABASE_URL (an
# administrative database the tests create their own databases from) and TEST_REDIS_URL.
# When both are already set, they are used as they are.
# The fleet tests also start redis-server (Sentinel, Cluster), pgbouncer and haproxy, and the
# checks run promtool: missing ones are installed with apt (as root).
#
# Environment: FUZZTIME (default 10s) is how long each Fuzz target runs; GO_TEST_FLAGS adds
# flags to every go test run.
#
# The last line is the count of test functions and subtests (benchmarks count once each):
# "N passed, N failed, N skipped". The exit status is non-zero when anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/services.sh
source scripts/services.sh

GOLANGCI_LINT_VERSION=2.15.0
FUZZTIME=${FUZZTIME:-10s}
read -r -a EXTRA_TEST_FLAGS <<<"${GO_TEST_FLAGS:-}"

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
WORK_DIR=$(mktemp -d)

# In CI nothing outlives the run: stop the services this run started (never reused ones).
stop_started_services_in_ci() {
	if [[ ${CI:-} == true && $SERVICES_STARTED == 1 ]]; then
		services_down
		SERVICES_STARTED=0
	fi
}
trap 'stop_started_services_in_ci; rm -rf "$WORK_DIR"' EXIT

say() { printf '[test] %s\n' "$*"; }
# fail MESSAGE: stops the run; the message counts as one failure in the closing summary.
fail() {
	say "error: $*" >&2
	FAILURES+=("$*")
	FAILED=$((FAILED + 1))
	finish || true
	exit 1
}

# ---------------------------------------------------------------------------------------
# Checks

go_files() {
	find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name node_modules -o -name testdata \) -prune \
		-o -type f -name '*.go' -print
}

check_gofmt() {
	local files unformatted
	mapfile -t files < <(go_files)
	((${#files[@]})) || return 0
	unformatted=$(gofmt -l "${files[@]}")
	if [[ -n $unformatted ]]; then
		printf '%s\n' "$unformatted" | sed 's/^/  /' >&2
		fail "these files are not gofmt-ed (make fmt rewrites them)"
	fi
	say "gofmt: ok"
}

check_vet() {
	go vet ./... || fail "go vet found problems"
	say "go vet: ok"
}

# ensure_golangci_lint: sets GOLANGCI_LINT to a golangci-lint of the pinned version, installing
# it into bin/ with go install when none is found.
ensure_golangci_lint() {
	local candidate version
	for candidate in "$(command -v golangci-lint || true)" "$ROOT/bin/golangci-lint" \
		"${GOBIN:-}/golangci-lint" "$(go env GOPATH)/bin/golangci-lint"; do
		[[ -x $candidate ]] || continue
		version=$("$candidate" version --short 2>/dev/null || true)
		if [[ ${version#v} == "$GOLANGCI_LINT_VERSION" ]]; then
			GOLANGCI_LINT=$candidate
			return 0
		fi
	done
	say "installing golangci-lint v$GOLANGCI_LINT_VERSION into bin/"
	GOBIN="$ROOT/bin" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION" ||
		fail "could not install golangci-lint"
	GOLANGCI_LINT=$ROOT/bin/golangci-lint
}

check_lint() {
	ensure_golangci_lint
	"$GOLANGCI_LINT" run --allow-parallel-runners ./... || fail "golangci-lint found problems"
	say "golangci-lint: ok"
}

# ensure_commands COMMAND:PACKAGE...: installs the Debian packages of the commands that are
# missing (as root; otherwise fails saying what to install).
ensure_commands() {
	local item missing=()
	for item in "$@"; do
		command -v "${item%%:*}" >/dev/null 2>&1 || missing+=("${item#*:}")
	done
	((${#missing[@]} == 0)) && return 0
	apt_install --minimal "${missing[@]}" || fail "the tests need ${missing[*]}: install them and try again"
}

# The alert and recording rules of deploy/prometheus/: syntax, and their unit tests.
check_prometheus_rules() {
	ensure_commands promtool:prometheus
	promtool check config deploy/prometheus.yml >/dev/null || fail "promtool check config deploy/prometheus.yml"
	promtool check rules deploy/prometheus/*.rules.yml >/dev/null || fail "promtool check rules found problems"
	(cd deploy/prometheus && promtool test rules tests.yml) || fail "promtool test rules deploy/prometheus/tests.yml failed"
	say "promtool check and test rules: ok ($(promtool --version 2>&1 | head -n 1))"
}

run_checks() {
	check_gofmt
	check_vet
	check_lint
	check_prometheus_rules
}

format_sources() {
	ensure_golangci_lint
	"$GOLANGCI_LINT" fmt ./...
	say "formatted"
}

# ---------------------------------------------------------------------------------------
# What the tests need

provide_services() {
	if [[ -n ${TEST_DATABASE_URL:-} && -n ${TEST_REDIS_URL:-} ]]; then
		say "using TEST_DATABASE_URL and TEST_REDIS_URL from the environment"
		return 0
	fi
	services_up || fail "PostgreSQL and Redis are needed (see the messages above)"
	# The tests connect to an administrative database and create their own from it.
	TEST_DATABASE_URL=${TEST_DATABASE_URL:-$(url_with_database "$DATABASE_URL" postgres)}
	TEST_REDIS_URL=${TEST_REDIS_URL:-$REDIS_URL}
	export TEST_DATABASE_URL TEST_REDIS_URL
	say "TEST_DATABASE_URL=$(url_for_display "$TEST_DATABASE_URL")"
	say "TEST_REDIS_URL=$(url_for_display "$TEST_REDIS_URL")"
}

# The engines internal/fleettest and internal/testenv start: Redis Sentinel and Cluster
# (redis-server, redis-cli), PgBouncer and HAProxy.
ensure_fleet_engines() {
	ensure_commands redis-server:redis-server redis-cli:redis-tools pgbouncer:pgbouncer haproxy:haproxy
}

ensure_chromium() {
	if [[ -x /usr/bin/chromium ]]; then
		return 0
	fi
	if [[ $EUID -ne 0 ]]; then
		fail "the browser tests need Chromium at /usr/bin/chromium: install it with 'sudo apt-get install chromium' and try again"
	fi
	apt_install chromium || fail "could not install chromium"
}

# ---------------------------------------------------------------------------------------
# Running go test and counting

# The summariser (scripts/test-summary.awk) reads `go test -v` output. It counts `--- PASS/FAIL/SKIP` lines (tests and
# subtests; a line indented by 4*k spaces counts only when its name has k slashes, so a log
# line that looks like a result does not) and benchmark result lines; a package that failed
# without a failing test (build error, timeout, panic in TestMain) counts as one failure.
# It prints the whole output of failing packages, and compiler output wherever it appears;
# passing packages are reduced to their `ok` line, shown while they finish.

# run_go_test LABEL GO_TEST_ARGS...: runs go test -v, shows package results as they come,
# then the output of failing packages, and adds to the counts.
run_go_test() {
	local label=$1 log statuses names passed failed skipped
	shift
	log="$WORK_DIR/run-$((++RUN_NUMBER))"
	say "$label: go test $*"
	set +e
	go test -v "${EXTRA_TEST_FLAGS[@]}" "$@" 2>&1 | tee "$log.out" | awk '/^(ok|FAIL)[ \t]/ { print "  " $0; fflush() }'
	statuses=("${PIPESTATUS[@]}")
	set -e
	awk -v counts_file="$log.counts" -v names_file="$log.names" -f "$ROOT/scripts/test-summary.awk" "$log.out" >"$log.report"
	read -r passed failed skipped <"$log.counts"
	if ((statuses[0] != 0)) && ((failed == 0)); then
		failed=1
		printf 'go test %s exited with status %d\n' "$*" "${statuses[0]}" >>"$log.names"
	fi
	if [[ -s $log.report ]] && { ((failed > 0)) || grep -q '^# ' "$log.report"; }; then
		say "$label: output of failing packages and compiler messages:"
		cat "$log.report"
	fi
	mapfile -t names <"$log.names"
	FAILURES+=("${names[@]/#/$label: }")
	PASSED=$((PASSED + passed))
	FAILED=$((FAILED + failed))
	SKIPPED=$((SKIPPED + skipped))
	say "$label: $passed passed, $failed failed, $skipped skipped"
}
RUN_NUMBER=0

run_full_suite() {
	run_go_test "tests" -race -count=1 ./...
	show_engines_and_measurements "$WORK_DIR/run-$RUN_NUMBER.out"
}

# show_engines_and_measurements LOG: the versions of the engines the tests ran, and what
# the fault tests measured (outages, counts), from the lines they log with these markers.
show_engines_and_measurements() {
	local versions measured
	versions=$(grep -o 'engine version: .*' "$1" | sort -u || true)
	measured=$(grep -o 'measured: .*' "$1" || true)
	if [[ -n $versions ]]; then
		say "engines:"
		printf '%s\n' "$versions" | sed 's/^engine version: /  /'
	fi
	if [[ -n $measured ]]; then
		say "measured by the fault tests:"
		printf '%s\n' "$measured" | sed 's/^measured: /  /'
	fi
}

run_short_suite() {
	run_go_test "unit tests" -short -race -count=1 ./...
}

run_browser_tests() {
	run_go_test "browser tests" -race -count=1 -run Browser ./internal/...
}

# Every `func FuzzX(f *testing.F)` in a test file runs for FUZZTIME (one target per go test
# run: that is how -fuzz works); new targets are picked up without changing this script.
run_fuzz_targets() {
	local file name
	while IFS=: read -r file name; do
		run_go_test "fuzz $name" -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "./$(dirname "${file#./}")"
	done < <(go_files | grep '_test\.go$' |
		xargs -r -d '\n' grep -HoE '^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' |
		sed -E 's/:func (Fuzz[A-Za-z0-9_]*)\(.*$/:\1/' | sort)
}

# Each benchmark runs once, so they keep compiling and working; timing is make bench's job.
run_benchmarks() {
	run_go_test "benchmarks" -run='^$' -bench=. -benchtime=1x ./...
}

# finish: the closing lines (services started for a CI run are stopped first, so that the
# summary stays last); fails when anything failed.
finish() {
	stop_started_services_in_ci
	print_summary
}

print_summary() {
	if ((${#FAILURES[@]})); then
		say "failed:"
		printf '  %s\n' "${FAILURES[@]}"
	fi
	printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
	((FAILED == 0))
}

# ---------------------------------------------------------------------------------------

main() {
	local mode=${1:-all} started=$SECONDS
	case $mode in
	all | --all)
		run_checks
		provide_services
		ensure_fleet_engines
		ensure_chromium
		run_full_suite
		run_fuzz_targets
		run_benchmarks
		;;
	--checks) run_checks && return 0 ;;
	--fmt) format_sources && return 0 ;;
	--unit)
		run_checks
		run_short_suite
		;;
	--integration)
		provide_services
		ensure_fleet_engines
		ensure_chromium
		run_full_suite
		run_fuzz_targets
		run_benchmarks
		;;
	--e2e)
		provide_services
		ensure_chromium
		run_browser_tests
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
		return 0
		;;
	*)
		say "unknown mode '$mode' (see --help)" >&2
		return 2
		;;
	esac
	say "took $((SECONDS - started))s"
	finish
}

# Sourcing the file only defines the functions (handy for trying one step).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi

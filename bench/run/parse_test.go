package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseWrk(t *testing.T) {
	out := "Running 2s test @ http://127.0.0.1:1/health\n  2 threads and 64 connections\n" +
		`WRK {"requests":12345,"seconds":2.004,"p50_us":812,"p99_us":4120,"errors":3}` + "\n"
	got, err := parseWrk(out)
	want := wrkReport{Requests: 12345, Seconds: 2.004, P50us: 812, P99us: 4120, Errors: 3}
	if err != nil || got != want {
		t.Fatalf("parseWrk = %+v, %v; want %+v", got, err, want)
	}
	if _, err := parseWrk("Running 2s test\n"); err == nil {
		t.Error("parseWrk without a WRK line: no error")
	}
}

func TestParseCommandStats(t *testing.T) {
	info := "# Commandstats\r\ncmdstat_get:calls=120,usec=300,usec_per_call=2.50,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_set:calls=30,usec=90,usec_per_call=3.00\r\ncmdstat_info:calls=2,usec=40\r\n"
	if got, want := parseCommandStats(info), int64(152); got != want {
		t.Errorf("parseCommandStats = %d, want %d", got, want)
	}
}

func TestParseRedisBenchmark(t *testing.T) {
	out := `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"` + "\n" +
		`"GET","98765.43","0.612","0.100","0.583","0.900","1.207","3.100"` + "\n"
	got, err := parseRedisBenchmark(out)
	want := Ceiling{RPS: 98765.43, P50ms: 0.583, P99ms: 1.207, Avgms: 0.612}
	if err != nil || got != want {
		t.Errorf("parseRedisBenchmark = %+v, %v; want %+v", got, err, want)
	}
	if _, err := parseRedisBenchmark(`"test","rps"` + "\n" + `"SET","1"` + "\n"); err == nil {
		t.Error("no GET row: no error")
	}
}

func TestPgbench(t *testing.T) {
	log := "0 1 250 0 1700000000 1\n0 2 100 0 1700000000 2\n1 1 400 0 1700000000 3\n1 2 50 0 1700000000 4\n"
	latencies := pgbenchLatencies(strings.NewReader(log))
	if want := []float64{250, 100, 400, 50}; !reflect.DeepEqual(latencies, want) {
		t.Fatalf("pgbenchLatencies = %v, want %v", latencies, want)
	}
	out := "pgbench (16.4)\nnumber of clients: 2\ntps = 12345.678901 (without initial connection time)\n"
	got, err := pgbenchCeiling(out, latencies)
	// Sorted: 50 100 250 400; p50 is the 2nd, p99 the 4th (nearest rank).
	want := Ceiling{RPS: 12345.678901, P50ms: 0.1, P99ms: 0.4, Avgms: 0.2}
	if err != nil || got != want {
		t.Errorf("pgbenchCeiling = %+v, %v; want %+v", got, err, want)
	}
	if _, err := pgbenchCeiling("no rate\n", latencies); err == nil {
		t.Error("no tps line: no error")
	}
}

func TestParseGoBench(t *testing.T) {
	out := "goos: linux\npkg: movieapi/internal/httpapi\n" +
		"BenchmarkMiddlewareChain-2   \t 1000000\t      2345 ns/op\t     912 B/op\t      12 allocs/op\n" +
		"BenchmarkES256Verify        \t   30000\t     45.67 ns/op\t       0 B/op\t       0 allocs/op\n" +
		"PASS\nok  \tmovieapi/internal/httpapi\t5.1s\n"
	want := []Micro{
		{Name: "BenchmarkMiddlewareChain", NsPerOp: 2345, BytesPerOp: 912, AllocsPerOp: 12},
		{Name: "BenchmarkES256Verify", NsPerOp: 45.67},
	}
	if got := parseGoBench(out); !reflect.DeepEqual(got, want) {
		t.Errorf("parseGoBench = %+v, want %+v", got, want)
	}
}

func TestSeriesValues(t *testing.T) {
	body := "# TYPE movie_cache_requests_total counter\n" +
		"movie_cache_requests_total{result=\"hit\"} 4.2e+06\nmovie_cache_requests_total{result=\"miss\"} 17\n"
	got, err := seriesValues(strings.NewReader(body),
		`movie_cache_requests_total{result="hit"}`, `movie_cache_requests_total{result="miss"}`, "movie_near_cache_entries")
	if want := []int64{4200000, 17, 0}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("seriesValues = %v, %v; want %v", got, err, want)
	}
}

func TestParseNearLog(t *testing.T) {
	log := "time=… level=INFO msg=\"listening\"\n" +
		"time=… level=INFO msg=\"movie near cache on\" max_mib=16 max_staleness=1.5s drain=2ms\n"
	got, err := parseNearLog(log)
	if err != nil || got.MaxMiB != 16 || got.MaxStalenessMs != 1500 || got.Drain != "2ms" {
		t.Errorf("parseNearLog = %+v, %v", got, err)
	}
	got, err = parseNearLog(`msg="movie near cache on" max_staleness=100ms max_mib=8 drain=500µs`)
	if err != nil || got.MaxMiB != 8 || got.MaxStalenessMs != 100 {
		t.Errorf("parseNearLog in ms = %+v, %v", got, err)
	}
	if _, err := parseNearLog("msg=\"listening\"\n"); err == nil {
		t.Error("no near-cache line: no error")
	}
}

func TestParseCPUTicks(t *testing.T) {
	stat := "4242 (movie api) S 1 4242 4242 0 -1 4194560 5000 0 0 0 150 25 0 0 20 0 9 0 100 0 0"
	if got, err := parseCPUTicks(stat); err != nil || got != 175 {
		t.Errorf("parseCPUTicks = %d, %v; want 175", got, err)
	}
}

func TestLoadSettings(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://x", "REDIS_URL": "redis://y", "BENCH_DURATION": "3", "BENCH_PROFILE": "0"}
	s, err := loadSettings(func(k string) string { return env[k] })
	if err != nil || s.DurationS != 3 || s.Connections != 64 || s.WarmupS != 2 || s.Profile || s.NearDistinct != 100000 {
		t.Errorf("loadSettings = %+v, %v", s, err)
	}
	env["BENCH_WARMUP"] = "two"
	if _, err := loadSettings(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "BENCH_WARMUP") {
		t.Errorf("a bad BENCH_WARMUP: %v", err)
	}
}

func TestLastLines(t *testing.T) {
	if got := lastLines("a\nb\nc\n", 2); got != "b\nc" {
		t.Errorf("lastLines = %q, want %q", got, "b\nc")
	}
	if got := lastLines("a\n", 5); got != "a" {
		t.Errorf("lastLines of a short log = %q", got)
	}
}

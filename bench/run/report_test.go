package main

import (
	"strings"
	"testing"
)

func TestNsPerOp(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 103388: "103388", 999.96: "1000", 785: "785.0", 709.4: "709.4", 45.67: "45.67", 2.5: "2.500", 0.25: "0.2500"} {
		if got := nsPerOp(v); got != want {
			t.Errorf("nsPerOp(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRatioAndVerdict(t *testing.T) {
	for _, c := range []struct {
		a, b float64
		want string
	}{
		{a: 9000, b: 10000, want: "0.90"},
		{a: 2, b: 3, want: "0.67"},
		{a: 1, b: 0, want: "n/a"},
	} {
		if got := ratio(c.a, c.b); got != c.want {
			t.Errorf("ratio(%v, %v) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	for _, c := range []struct {
		figure, op string
		threshold  float64
		want       string
	}{
		{"0.80", ">=", 0.8, "met"},
		{"0.79", ">=", 0.8, "**not met**"},
		{"2.00", "<=", 2, "met"},
		{"+2001", "<=", 2000, "**not met**"},
		{"n/a", "<=", 2, "**not met**"},
		{"n/a", ">=", 0.8, "**not met**"},
	} {
		if got := verdict(c.figure, c.op, c.threshold); got != c.want {
			t.Errorf("verdict(%q %s %v) = %q, want %q", c.figure, c.op, c.threshold, got, c.want)
		}
	}
}

// sample is a whole set of results with round figures.
func sample() *Results {
	row := func(label string, rps, p99, cpu, rss, cmds float64) Row {
		return Row{Label: label, Run: Run{Requests: 1000, RPS: rps, P50ms: p99 / 2, P99ms: p99, CPUus: cpu, RSSMiB: rss, RedisCmds: cmds}}
	}
	return &Results{
		Machine: Machine{CPU: "Test CPU", Cores: 2, MemGiB: 7.8, Kernel: "Linux 6.1.0", Load: "0.10 0.20 0.30",
			Go: "go1.26.0 linux/amd64", Commit: "abc123", Date: "2026-01-02 03:04 UTC"},
		Settings: Settings{DurationS: 10, Connections: 64, Threads: 2, WarmupS: 2, StalenessWrites: 1000, NearDistinct: 100000},
		Rows: []Row{
			row("GET /health", 20000, 8, 40, 20.04, 0),
			row(rowHit, 9000, 12.5, 90, 24.5, 1.0004),
			row(rowBaseline, 10000, 10, 50, 70, 1),
			row(rowNearHit, 14000, 9, 45, 26, 0.0004),
			row(rowSignIn, 800, 90, 1200, 30, 6),
		},
		Hits: 90000, Misses: 30000, MissRunHits: 0,
		Near: Near{
			MaxMiB: 16, MaxStalenessMs: 100, Drain: "2ms",
			Stale:     Staleness{Writes: 1000, P50ms: 0.5, P99ms: 2.25, Maxms: 40, Backwards: 0, Reads: 50000, Late: 0},
			Floor:     Staleness{Writes: 1000, P50ms: 0.4, P99ms: 1.5, Maxms: 3, Reads: 60000},
			WalkNear:  Walk{Reads: 100000, Seconds: 12.34, RSSMiB: 60.0, Entries: 50000, Bytes: 16 * 1048576},
			WalkPlain: Walk{Reads: 100000, Seconds: 11.1, RSSMiB: 30.0},
			Idle:      Idle{PlainCPUPct: 0.1, NearCPUPct: 1.25, RedisCmdsPerS: 3.4},
		},
		Backends: Backends{
			RedisCeiling: Ceiling{RPS: 100000, P50ms: 0.3, P99ms: 1, Avgms: 0.4},
			RedisRTT:     Ceiling{RPS: 20000, P50ms: 0.05, P99ms: 0.1, Avgms: 0.05},
			PGCeiling:    Ceiling{RPS: 50000, P50ms: 1, P99ms: 3, Avgms: 1.2},
			PGRTT:        Ceiling{RPS: 10000, P50ms: 0.1, P99ms: 0.2, Avgms: 0.1},
			SignInSerial: Run{RPS: 400, P50ms: 2.5, P99ms: 4},
		},
		Micro: []Micro{
			{Name: "BenchmarkMiddlewareChain", NsPerOp: 2500, BytesPerOp: 900, AllocsPerOp: 12},
			{Name: "BenchmarkBareChi", NsPerOp: 800, BytesPerOp: 300, AllocsPerOp: 4},
			{Name: "BenchmarkES256Verify", NsPerOp: 50000, BytesPerOp: 1000, AllocsPerOp: 20.5},
		},
	}
}

func TestSectionRendersEveryTableAndTarget(t *testing.T) {
	got := section(sample())
	for _, want := range []string{
		benchBegin + "\n\n## Latest run\n\n",
		"- Machine: Test CPU, 2 cores, 8 GiB, Linux 6.1.0; load average before the run: 0.10 0.20 0.30 (1, 5, 15 min)\n",
		"- go1.26.0 linux/amd64, commit `abc123`, 2026-01-02 03:04 UTC\n",
		"- Load: 64 connections (wrk, 2 threads; the sign-in driver, 64 workers), 10 s per run after a 2 s warm-up;",
		"| endpoint | req/s | p50 ms | p99 ms | errors | service CPU µs/req | peak RSS MiB | Redis commands/req |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
		"| GET /health | 20000 | 4.000 | 8.000 | 0 | 40 | 20.0 | 0.000 |\n",
		"| GET /movies/get/{id} (cache hit) | 9000 | 6.250 | 12.500 | 0 | 90 | 24.5 | 1.000 |\n",
		"Cache-hit run: 90000 hits counted by the service. Cache-miss run: 30000 misses and 0 hits counted",
		"| cache hit ≥ 0.8× the baseline's req/s | 0.90× | met |\n",
		"| cache hit p99 ≤ 2× the baseline's | 1.25× | met |\n",
		"| middleware chain ≤ 2 µs over bare chi | +1700 ns | met |\n",
		"| middleware chain ≤ 10 allocs over bare chi | +8 allocs | met |\n",
		// 50 µs verify + 100 µs PostgreSQL + 50 µs Redis = 200 µs.
		"| sign-in ≤ 1.5× (ES256 verify + 1 PostgreSQL + 1 Redis round trip) | 1200 µs CPU per sign-in / 200 µs = 6.00× | **not met** |\n",
		// The baseline's 70 MiB does not count.
		"| peak RSS < 60 MiB | 30.0 MiB | met |\n",
		"| near-cache hit ≥ 1.3× the baseline's req/s | 1.40× | met |\n",
		"| near-cache hit p99 ≤ the baseline's | 0.90× | met |\n",
		"| Redis commands per near-cache hit ≈ 0 (≤ 0.01, every client of the server counted) | 0.000 | met |\n",
		"| cross-instance staleness p99 ≤ 5 ms (1000 updates) | 2.250 ms | met |\n",
		"| cross-instance staleness max ≤ MaxStaleness (100 ms) | 40.000 ms | met |\n",
		"| near-cache copies after 100000 distinct movies ≤ AXUM_MOVIE_NEAR_CACHE_MAX_MIB (16) | 16.0 MiB | met |\n",
		"| peak RSS growth after 100000 distinct movies ≤ 2 × the bound (copies + Go's GC headroom) | +30.0 MiB | met |\n",
		"### Near cache (`AXUM_MOVIE_NEAR_CACHE=true`, 16 MiB, MaxStaleness 100 ms, drain every 2ms)\n",
		"| staleness p99, ms (PUT's 200 → first read showing it) | 2.250 | 1.500 |\n",
		"| reads that went backwards / reads | 0 / 50000 | 0 / 60000 |\n",
		"| seconds for the walk | 12.3 | 11.1 |\n",
		"| near-cache entries / MiB (bound 16 MiB) | 50000 / 16.0 | — |\n",
		"| CPU at rest, % of one core (10 s, no requests) | 1.2 | 0.1 |\n",
		"while nothing of the bench ran: 3 (they count",
		"| Redis GET, `redis-benchmark -t get -c 64` | 100000 | 0.300 | 1.000 |\n",
		"| PostgreSQL primary-key SELECT, `pgbench -S -M prepared -c 64` | 50000 | 1.000 | 3.000 |\n",
		"| passkey sign-in, one at a time | 400 | 2.500 | 4.000 |\n",
		"### Go benchmarks (`go test -bench`, 2 s each)\n\n| benchmark | ns/op | B/op | allocs/op |\n|---|---:|---:|---:|\n| BenchmarkMiddlewareChain | 2500 | 900 | 12 |\n| BenchmarkBareChi | 800.0 | 300 | 4 |\n",
		"| BenchmarkES256Verify | 50000 | 1000 | 20.5 |\n\n" + benchEnd + "\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the section lacks %q\n--- section:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<details>") {
		t.Error("a profile section without a profile")
	}
}

func TestSectionWithProfiles(t *testing.T) {
	r := sample()
	r.Profiles.Hit = "      flat  flat%\n 1s 50% main"
	got := section(r)
	want := "| 20.5 |\n\n<details><summary>CPU profile of the service during cache-hit reads (go tool pprof -top, then -top -cum)</summary>\n\n" +
		"```text\n      flat  flat%\n 1s 50% main\n```\n\n</details>\n\n" + benchEnd + "\n"
	if !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
	}
	if strings.Contains(got, "during sign-ins") {
		t.Error("a sign-in profile section without its profile")
	}
}

func TestSplice(t *testing.T) {
	doc := "# Benchmarks\n\nby hand\n\n<!-- bench:begin — generated by an older writer -->\nold\n<!-- bench:end -->\n\n## After\n"
	got := splice(doc, benchBegin+"\nnew\n"+benchEnd+"\n")
	want := "# Benchmarks\n\nby hand\n\n" + benchBegin + "\nnew\n" + benchEnd + "\n\n## After\n"
	if got != want {
		t.Errorf("splice =\n%q\nwant\n%q", got, want)
	}
	if got := splice("no markers\n", "S\n"); got != "# Benchmarks\n\nWritten by `make bench` (bench/run).\n\nS\n" {
		t.Errorf("splice without markers = %q", got)
	}
}

func TestPlotData(t *testing.T) {
	r := &Results{Rows: []Row{{Label: rowHit, Run: Run{RPS: 1234.5, P99ms: 2.3456}}}}
	if got, want := plotData(r), "\"GET /movies/get/{id} (cache hit)\"\t1234\t2.346\n"; got != want {
		t.Errorf("plotData = %q, want %q", got, want)
	}
}

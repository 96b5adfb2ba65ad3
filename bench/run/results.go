package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// Results is everything one run measured: the report and the chart are
// drawn from it alone, so a saved results file (BENCH_RESULTS) can be
// rendered again with -from.
type Results struct {
	Machine  Machine  `json:"machine"`
	Settings Settings `json:"settings"`

	// Rows are the endpoint runs, in the order of the report's table.
	Rows []Row `json:"rows"`
	// Hits are the cache hits the service counted during the cache-hit
	// run; Misses and MissRunHits its counts during the cache-miss run.
	Hits        int64 `json:"hits"`
	Misses      int64 `json:"misses"`
	MissRunHits int64 `json:"miss_run_hits"`

	Near     Near     `json:"near"`
	Backends Backends `json:"backends"`
	Micro    []Micro  `json:"micro"`
	Profiles Profiles `json:"profiles"`
}

// Machine describes where and when the run happened.
type Machine struct {
	CPU    string  `json:"cpu"`
	Cores  int     `json:"cores"`
	MemGiB float64 `json:"mem_gib"`
	Kernel string  `json:"kernel"`
	// Load is /proc/loadavg's 1, 5 and 15 minute figures before the run.
	Load   string `json:"load"`
	Go     string `json:"go"`
	Commit string `json:"commit"`
	Date   string `json:"date"`
}

// Row labels of the runs the targets are computed from.
const (
	rowHit      = "GET /movies/get/{id} (cache hit)"
	rowBaseline = "baseline: net/http + one Redis GET"
	rowNearHit  = "GET /movies/get/{id} (cache hit, near cache)"
	rowSignIn   = "passkey sign-in (begin + finish)"
)

// Row is one line of the results table.
type Row struct {
	Label string `json:"label"`
	Run   Run    `json:"run"`
}

// Run is one measured load run: what the clients saw and what the process
// under load and the Redis server spent for it.
type Run struct {
	Requests int64   `json:"requests"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   int64   `json:"errors"`
	// CPUus is the process's CPU time (user + system) per request.
	CPUus float64 `json:"cpu_us"`
	// RSSMiB is the process's peak resident memory during the run.
	RSSMiB float64 `json:"rss_mib"`
	// RedisCmds are the commands the whole Redis server ran per request.
	RedisCmds float64 `json:"redis_cmds"`
}

// Near holds the near cache's figures beyond its cache-hit row.
type Near struct {
	// MaxMiB, MaxStalenessMs and Drain are the settings the instance
	// logged when its near cache came on.
	MaxMiB         int     `json:"max_mib"`
	MaxStalenessMs float64 `json:"max_staleness_ms"`
	Drain          string  `json:"drain"`
	// Stale is read on B (near cache on), Floor on the instance without it.
	Stale Staleness `json:"stale"`
	Floor Staleness `json:"floor"`
	// WalkNear is B's walk, WalkPlain that of the instance without it.
	WalkNear  Walk `json:"walk_near"`
	WalkPlain Walk `json:"walk_plain"`
	Idle      Idle `json:"idle"`
}

// Staleness is bench/nearcache's staleness mode's output.
type Staleness struct {
	Writes    int64   `json:"writes"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	Maxms     float64 `json:"max_ms"`
	Backwards int64   `json:"backwards"`
	Reads     int64   `json:"reads"`
	Late      int64   `json:"late"`
}

// Walk is one read of every id of a file, and the reader's peak memory.
type Walk struct {
	Reads   int64   `json:"reads"`
	Errors  int64   `json:"errors"`
	Seconds float64 `json:"seconds"`
	RSSMiB  float64 `json:"rss_mib"`
	// Entries and Bytes are the near cache's own gauges after the walk.
	Entries int64 `json:"entries,omitempty"`
	Bytes   int64 `json:"bytes,omitempty"`
}

// Idle is the cost at rest: CPU of both instances (percent of one core)
// and the Redis server's commands per second from all its clients.
type Idle struct {
	PlainCPUPct   float64 `json:"plain_cpu_pct"`
	NearCPUPct    float64 `json:"near_cpu_pct"`
	RedisCmdsPerS float64 `json:"redis_cmds_per_s"`
}

// Backends are the yardsticks measured beside the service.
type Backends struct {
	RedisCeiling Ceiling `json:"redis_ceiling"`
	RedisRTT     Ceiling `json:"redis_rtt"`
	PGCeiling    Ceiling `json:"pg_ceiling"`
	PGRTT        Ceiling `json:"pg_rtt"`
	SignInSerial Run     `json:"signin_serial"`
}

// Ceiling is a backend's own benchmark (redis-benchmark, pgbench).
type Ceiling struct {
	RPS   float64 `json:"rps"`
	P50ms float64 `json:"p50_ms"`
	P99ms float64 `json:"p99_ms"`
	Avgms float64 `json:"avg_ms"`
}

// Micro is one Go benchmark's line.
type Micro struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// Profiles are pprof's top functions of the service, empty when not taken.
type Profiles struct {
	Hit    string `json:"hit,omitempty"`
	SignIn string `json:"signin,omitempty"`
}

// row returns the run of the row labelled label (zero when absent).
func (r *Results) row(label string) Run {
	for _, row := range r.Rows {
		if row.Label == label {
			return row.Run
		}
	}
	return Run{}
}

// micro returns the Go benchmark named name (zero when absent).
func (r *Results) micro(name string) Micro {
	for _, m := range r.Micro {
		if m.Name == name {
			return m
		}
	}
	return Micro{}
}

func (r *Results) save(file string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(data, '\n'), 0o600)
}

func loadResults(file string) (*Results, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &r, nil
}

package main

import (
	"fmt"
	"runtime"
	"strconv"
)

// Settings are the run's knobs, read once from the environment.
type Settings struct {
	DurationS       int `json:"duration_s"`
	Connections     int `json:"connections"`
	Threads         int `json:"threads"`
	WarmupS         int `json:"warmup_s"`
	StalenessWrites int `json:"staleness_writes"`
	NearDistinct    int `json:"near_distinct"`

	Profile     bool   `json:"-"`
	ProfileDir  string `json:"-"`
	ResultsFile string `json:"-"`
	DatabaseURL string `json:"-"`
	RedisURL    string `json:"-"`
}

// settingsHelp is the usage text's list of variables.
const settingsHelp = `Settings (environment):
  DATABASE_URL, REDIS_URL  the PostgreSQL and Redis to use (make bench: go run ./cmd/dev up)
  BENCH_DURATION     seconds of each measured run (default 10)
  BENCH_CONNECTIONS  concurrent connections (default 64)
  BENCH_THREADS      wrk threads (default: the number of CPUs)
  BENCH_WARMUP       seconds of unmeasured load before each run (default 2)
  BENCH_PROFILE      1: record CPU profiles in extra, unmeasured runs (default 1)
  BENCH_PROFILE_DIR  a directory to keep those profiles in (default: none kept)
  BENCH_STALENESS_WRITES  updates timed across two near-cache instances (default 1000)
  BENCH_NEAR_DISTINCT     distinct movies read for the near cache's memory (default 100000)
  BENCH_RESULTS      a file to keep the results in, as JSON (default: none kept)
`

func loadSettings(getenv func(string) string) (Settings, error) {
	s := Settings{
		ProfileDir:  getenv("BENCH_PROFILE_DIR"),
		ResultsFile: getenv("BENCH_RESULTS"),
		DatabaseURL: getenv("DATABASE_URL"),
		RedisURL:    getenv("REDIS_URL"),
	}
	profile := 0
	for _, v := range []struct {
		name     string
		to       *int
		fallback int
	}{
		{"BENCH_DURATION", &s.DurationS, 10},
		{"BENCH_CONNECTIONS", &s.Connections, 64},
		{"BENCH_THREADS", &s.Threads, runtime.NumCPU()},
		{"BENCH_WARMUP", &s.WarmupS, 2},
		{"BENCH_PROFILE", &profile, 1},
		{"BENCH_STALENESS_WRITES", &s.StalenessWrites, 1000},
		{"BENCH_NEAR_DISTINCT", &s.NearDistinct, 100000},
	} {
		*v.to = v.fallback
		if text := getenv(v.name); text != "" {
			n, err := strconv.Atoi(text)
			if err != nil || n < 0 {
				return s, fmt.Errorf("%s=%q: want a whole number ≥ 0", v.name, text)
			}
			*v.to = n
		}
	}
	s.Profile = profile != 0
	if s.DurationS < 1 || s.Connections < 1 || s.Threads < 1 {
		return s, fmt.Errorf("BENCH_DURATION, BENCH_CONNECTIONS and BENCH_THREADS must be at least 1")
	}
	if s.DatabaseURL == "" || s.RedisURL == "" {
		return s, fmt.Errorf("DATABASE_URL and REDIS_URL must be set (eval \"$(go run ./cmd/dev up)\")")
	}
	return s, nil
}

// Command run is `make bench`: the load benchmarks of movieapi. It builds
// the service, its yardstick (bench/baseline) and the drivers (bench/signin,
// bench/nearcache); starts the service on a free loopback port against a
// database and a Redis key prefix of its own, in the PostgreSQL and Redis
// of DATABASE_URL and REDIS_URL (make bench: go run ./cmd/dev up); drives
// each endpoint with wrk; runs two more instances with the near cache on
// (AXUM_MOVIE_NEAR_CACHE) for its cache-hit read, its cross-instance
// staleness and its memory; measures the backends' own ceilings with
// redis-benchmark and pgbench at the same concurrency; profiles the
// cache-hit read and a sign-in; and writes docs/benchmarks.md (between its
// bench markers) and docs/img/benchmarks.png from the results. Everything
// it started or created is removed at exit.
//
//	go run ./bench/run               measure, then write the report and the chart
//	go run ./bench/run -from FILE    write them from results kept with BENCH_RESULTS=FILE
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const (
	reportFile = "docs/benchmarks.md"
	plotFile   = "docs/img/benchmarks.png"
)

func main() {
	from := flag.String("from", "", "write the report and the chart from this results file (JSON) instead of measuring")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench/run [-from results.json]\n\n%s\n", settingsHelp)
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *from)
	interrupted := ctx.Err() != nil
	stop()
	if err != nil {
		logf("%v", err)
		if interrupted {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, from string) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository's root (make bench)")
	}
	work, err := os.MkdirTemp("", "movieapi-bench.")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	var r *Results
	if from != "" {
		if r, err = loadResults(from); err != nil {
			return err
		}
	} else {
		s, err := loadSettings(os.Getenv)
		if err != nil {
			return err
		}
		if r, err = measure(ctx, s, work); err != nil {
			return err
		}
		if s.ResultsFile != "" {
			if err := r.save(s.ResultsFile); err != nil {
				return err
			}
			logf("results kept in %s", s.ResultsFile)
		}
	}
	if err := writeReport(reportFile, r); err != nil {
		return err
	}
	if err := plot(ctx, r, work, plotFile); err != nil {
		return err
	}
	logf("wrote %s and %s", reportFile, plotFile)
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bench] "+format+"\n", args...)
}

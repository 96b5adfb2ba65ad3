package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"movieapi/internal/provision"
)

// tools are the commands the bench runs, with the Debian packages that
// hold them (make bench installs them with go run ./cmd/dev need).
var tools = [][2]string{
	{"wrk", "wrk"}, {"gnuplot", "gnuplot-nox"}, {"redis-benchmark", "redis-tools"},
	{"psql", "postgresql-client"}, {"pgbench", "postgresql-contrib"},
}

// measure takes every figure of the report; work is a temporary directory.
func measure(ctx context.Context, s Settings, work string) (r *Results, err error) {
	for _, t := range tools {
		if _, err := exec.LookPath(t[0]); err != nil {
			return nil, fmt.Errorf("%s not found: go run ./cmd/dev need %s:%s", t[0], t[0], t[1])
		}
	}
	opts, err := redis.ParseURL(s.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	runID := fmt.Sprintf("%d%d", time.Now().Unix(), os.Getpid())
	b := &bench{
		Settings: s, work: work, runID: runID, prefix: "bench:" + runID + ":",
		redis: redis.NewClient(opts),
		http:  &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
	}
	defer func() { _ = b.redis.Close() }()

	// Cleanups run in reverse order, even when the run was interrupted.
	var cleanups []func(context.Context)
	defer func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i](c)
		}
	}()

	logf("building movieapi, bench/baseline, bench/signin and bench/nearcache")
	if err := b.build(ctx); err != nil {
		return nil, err
	}
	r = &Results{Settings: s, Machine: machine(ctx)}

	adminURL, err := provision.WithDatabase(s.DatabaseURL, "postgres")
	if err != nil {
		return nil, err
	}
	db := "movieapi_bench_" + runID
	if b.dbURL, err = provision.WithDatabase(s.DatabaseURL, db); err != nil {
		return nil, err
	}
	logf("creating database %s", db)
	if _, err := psql(ctx, adminURL, fmt.Sprintf(`CREATE DATABASE %q`, db)); err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func(c context.Context) {
		logf("removing the Redis keys under %s", b.prefix)
		if err := b.deleteKeys(c); err != nil {
			logf("  %v", err)
		}
		logf("dropping database %s", db)
		if _, err := psql(c, adminURL, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, db)); err != nil {
			logf("  %v", err)
		}
	})

	// The service and the baseline.
	svc, err := b.startInstance(ctx, "service", true)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func(context.Context) { svc.stop() })
	basePort, err := freePort(ctx)
	if err != nil {
		return nil, err
	}
	baseline, err := start("baseline", command(context.WithoutCancel(ctx), b.program("baseline"),
		"-addr", fmt.Sprintf("127.0.0.1:%d", basePort), "-redis", s.RedisURL, "-prefix", b.prefix), filepath.Join(work, "baseline.log"))
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func(context.Context) { baseline.stop() })
	baseAddr := fmt.Sprintf("127.0.0.1:%d", basePort)
	if err := provision.WaitFor(ctx, time.Minute, "the baseline server", func(ctx context.Context) error { return tcpOpen(ctx, baseAddr) }); err != nil {
		return nil, err
	}

	if err := b.endpointRuns(ctx, r, svc, baseline.pid(), fmt.Sprintf("http://127.0.0.1:%d", basePort)); err != nil {
		return nil, err
	}
	return r, b.backendRuns(ctx, r, svc)
}

// build compiles the service (static, as make build does) and the bench's
// programs into the work directory.
func (b *bench) build(ctx context.Context) error {
	for _, p := range [][2]string{
		{"movieapi", "./cmd/movieapi"}, {"baseline", "./bench/baseline"},
		{"signin", "./bench/signin"}, {"nearcache", "./bench/nearcache"},
	} {
		cmd := command(ctx, "go", "build", "-trimpath", "-o", b.program(p[0]), p[1])
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", p[1], err)
		}
	}
	return nil
}

// instance is a running movieapi of the bench.
type instance struct {
	*process
	base, origin string
	admin        string // the profiling listener, when asked for
	log          string
}

// startInstance starts movieapi on a free loopback port against the bench's
// database and Redis key prefix, logging to NAME.log, and waits until it
// answers. Started from the work directory so that no .env of the checkout
// applies.
func (b *bench) startInstance(ctx context.Context, name string, admin bool, env ...string) (*instance, error) {
	port, err := freePort(ctx)
	if err != nil {
		return nil, err
	}
	in := &instance{
		base:   fmt.Sprintf("http://127.0.0.1:%d", port),
		origin: fmt.Sprintf("http://localhost:%d", port),
		log:    filepath.Join(b.work, name+".log"),
	}
	if admin {
		adminPort, err := freePort(ctx)
		if err != nil {
			return nil, err
		}
		in.admin = fmt.Sprintf("127.0.0.1:%d", adminPort)
		env = append(env, "AXUM_ADMIN_BIND_ADDR="+in.admin)
	}
	logf("starting movieapi %s on %s (log: %s.log)", name, in.base, name)
	cmd := command(context.WithoutCancel(ctx), b.program("movieapi"), "serve")
	cmd.Dir = b.work
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+b.dbURL, "REDIS_URL="+b.RedisURL, fmt.Sprintf("API_BIND_ADDR=127.0.0.1:%d", port),
		"AXUM_METRICS_TYPE=prom", "AXUM_LOG_LEVEL=info", "AXUM_LOG_FORMAT=text", "AXUM_SPAN_EVENTS=close",
		"AXUM_RATE_LIMIT_PER_MIN=0", "AXUM_DB_RETRY_COUNT=0", "AXUM_REDIS_KEY_PREFIX="+b.prefix,
		"AXUM_WEBAUTHN_RP_ID=localhost", "AXUM_WEBAUTHN_ORIGIN="+in.origin)
	cmd.Env = append(cmd.Env, env...)
	if in.process, err = start(name, cmd, in.log); err != nil {
		return nil, err
	}
	if err := provision.WaitFor(ctx, time.Minute, "movieapi at "+in.base, func(ctx context.Context) error { return b.answers(ctx, in.base+"/health") }); err != nil {
		in.stop()
		tail, _ := os.ReadFile(in.log)
		return nil, fmt.Errorf("%w\n%s", err, lastLines(string(tail), 20))
	}
	return in, nil
}

// metricDelta runs f and returns how much each series of the instance at
// base grew meanwhile.
func (b *bench) metricDelta(ctx context.Context, base string, f func() error, series ...string) ([]int64, error) {
	before, err := b.metrics(ctx, base, series...)
	if err != nil {
		return nil, err
	}
	if err := f(); err != nil {
		return nil, err
	}
	delta, err := b.metrics(ctx, base, series...)
	if err != nil {
		return nil, err
	}
	for i := range delta {
		delta[i] -= before[i]
	}
	return delta, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

package faulttest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/app"
	"movieapi/internal/config"
	"movieapi/internal/logging"
	"movieapi/internal/testenv"
)

// A password in the URLs of backends that are down: it must not show in
// the startup error.
const urlSecret = "s3cret-not-for-logs"

// Backends that refuse connections at startup, with no retries: startup
// fails at once (well before the hang bound) with an error naming the
// variable to fix, without a panic and without leaking the password.
func TestStartupFailsClearlyWhenABackendIsDown(t *testing.T) {
	testenv.RequireIntegration(t)
	t.Run("postgres", func(t *testing.T) {
		cfg := apitest.DefaultConfig(t)
		cfg.DatabaseURL = "postgres://postgres:" + urlSecret + "@" + closedAddr(t) + "/movieapi?sslmode=disable"
		leaks := beginLeakCheck()
		checkStartupError(t, buildError(t, cfg), "DATABASE_URL")
		leaks.goroutinesBack(t)
	})
	t.Run("redis", func(t *testing.T) {
		cfg := apitest.DefaultConfig(t)
		cfg.RedisURL = "redis://:" + urlSecret + "@" + closedAddr(t) + "/0"
		leaks := beginLeakCheck()
		checkStartupError(t, buildError(t, cfg), "REDIS_URL")
		leaks.goroutinesBack(t)
		// PostgreSQL was connected before Redis failed: the pool is closed.
		postgresSessionsGone(t, cfg.DatabaseURL)
	})
	// The same through the entry point, configured from the environment.
	t.Run("serve/postgres", func(t *testing.T) {
		env := serveEnv(t)
		env["DATABASE_URL"] = "postgres://postgres:" + urlSecret + "@" + closedAddr(t) + "/movieapi?sslmode=disable"
		checkStartupError(t, runError(t, env), "DATABASE_URL")
	})
	t.Run("serve/redis", func(t *testing.T) {
		env := serveEnv(t)
		env["REDIS_URL"] = "redis://:" + urlSecret + "@" + closedAddr(t) + "/0"
		checkStartupError(t, runError(t, env), "REDIS_URL")
	})
}

// A backend that comes up after the first attempt failed, with one retry
// allowed: startup waits (the first backoff) and then succeeds. The backend
// is started from the service's own log line announcing the wait, so the
// test depends on neither the length of the wait nor how fast a server
// starts: by the time the service sleeps, the backend is up.
func TestStartupRetriesUntilTheBackendIsUp(t *testing.T) {
	testenv.RequireIntegration(t)
	t.Run("postgres", func(t *testing.T) {
		pg := testenv.StartPostgres(t)
		cfg := apitest.DefaultConfig(t)
		cfg.DatabaseURL = pg.MigratedURL()
		cfg.DBRetryCount = 1
		cfg.DBMigrate = true // the migration step runs after the retry too
		pg.Stop()
		leaks := beginLeakCheck()
		checkStartsAfterRetry(t, cfg, "postgres connection failed, retrying", pg.Start)
		leaks.goroutinesBack(t)
		postgresSessionsGone(t, cfg.DatabaseURL)
	})
	t.Run("redis", func(t *testing.T) {
		rs := testenv.StartRedis(t)
		cfg := apitest.DefaultConfig(t)
		cfg.RedisURL = rs.URL()
		cfg.DBRetryCount = 1
		rs.Stop()
		leaks := beginLeakCheck()
		checkStartsAfterRetry(t, cfg, "redis not ready, retrying", rs.Start)
		leaks.goroutinesBack(t)
		redisClientsGone(t, rs.URL())
	})
}

// checkStartsAfterRetry builds an instance while a backend is down, starts
// the backend when the log announces the retry, and checks the instance
// then serves a full health check.
func checkStartsAfterRetry(t *testing.T, cfg config.Config, retryLine string, startBackend func()) {
	t.Helper()
	logs := &hookedLog{marker: retryLine, hook: startBackend}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	inst, err := app.Build(ctx, cfg, logging.New(logs, "debug", "json"))
	if err == nil {
		defer inst.Close()
	}
	switch {
	case !logs.fired() && err == nil:
		t.Fatalf("startup succeeded without a retry: the backend was not down\nlog:\n%s", logs)
	case !logs.fired():
		t.Fatalf("no log line announced the retry (%q), so the backend was never started: %v\nlog:\n%s",
			retryLine, err, logs)
	case err != nil:
		t.Fatalf("startup failed although the backend came up during the first wait: %v\nlog:\n%s", err, logs)
	}
	rec := httptest.NewRecorder()
	inst.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health?mode=full", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("full health check after a retried startup: %d %s", rec.Code, rec.Body)
	}
}

// buildError builds an instance that must fail, and returns the error.
func buildError(t *testing.T, cfg config.Config) error {
	t.Helper()
	cfg.DBRetryCount = 0
	logs := &apitest.LogBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	var inst *app.Instance
	err := noPanic(t, func() (err error) {
		inst, err = app.Build(ctx, cfg, logging.New(logs, "debug", "json"))
		return err
	})
	if err == nil {
		inst.Close()
		t.Fatal("startup succeeded with a backend down")
	}
	if ctx.Err() != nil {
		t.Fatalf("startup with no retries took until the hang bound (%v): %v", hangBound, err)
	}
	return err
}

// runError runs `movieapi serve` with env, which must fail, and returns the
// error.
func runError(t *testing.T, env map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	out := &apitest.LogBuffer{}
	// serve points go-redis's process-wide logger at its own log; point it
	// back when the test ends.
	t.Cleanup(silenceRedisLibrary)
	err := noPanic(t, func() error {
		return app.Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, out)
	})
	if err == nil || ctx.Err() != nil {
		t.Fatalf("serve with a backend down and no retries: %v (hang bound reached: %v)\n%s", err, ctx.Err() != nil, out)
	}
	if strings.Contains(out.String(), urlSecret) {
		t.Errorf("the log shows the backend's password:\n%s", out)
	}
	return err
}

func checkStartupError(t *testing.T, err error, variable string) {
	t.Helper()
	msg := err.Error()
	t.Logf("startup error: %s", msg)
	if !strings.Contains(msg, variable) {
		t.Errorf("startup error does not name %s: %s", variable, msg)
	}
	if strings.Contains(msg, urlSecret) {
		t.Errorf("startup error shows the password of %s: %s", variable, msg)
	}
}

// serveEnv is a complete environment for `movieapi serve` against the
// test's database and Redis key space, with no retries at startup.
func serveEnv(t *testing.T) map[string]string {
	t.Helper()
	cfg := apitest.DefaultConfig(t)
	return map[string]string{
		"DATABASE_URL":          cfg.DatabaseURL,
		"REDIS_URL":             cfg.RedisURL,
		"AXUM_REDIS_KEY_PREFIX": cfg.RedisPrefix,
		"API_BIND_ADDR":         "127.0.0.1:0",
		"AXUM_LOG_FORMAT":       "json",
		"AXUM_DB_RETRY_COUNT":   "0",
		"AXUM_DB_MIGRATE":       "false",
		"AXUM_WEBAUTHN_RP_ID":   "localhost",
		"AXUM_WEBAUTHN_ORIGIN":  "http://localhost",
	}
}

// noPanic runs fn, turning a panic into a test failure that says so.
func noPanic(t *testing.T, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("startup panicked: %v", v)
		}
	}()
	return fn()
}

// closedAddr is a loopback address nothing listens on: a port the kernel
// handed out and that was closed again at once.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// hookedLog is a log sink that runs hook, once, when a line containing
// marker is written, before that write returns: whatever the service does
// after logging the line happens after the hook.
type hookedLog struct {
	apitest.LogBuffer
	marker string
	hook   func()
	once   sync.Once
	done   bool
}

func (h *hookedLog) Write(p []byte) (int, error) {
	n, err := h.LogBuffer.Write(p)
	if strings.Contains(string(p), h.marker) {
		h.once.Do(func() { h.hook(); h.done = true })
	}
	return n, err
}

// fired reports whether the hook ran (and waits for it if it is running).
func (h *hookedLog) fired() bool {
	h.once.Do(func() {})
	return h.done
}

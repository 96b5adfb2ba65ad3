package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/app"
	"movieapi/internal/logging"
	"movieapi/internal/testenv"
)

// runBound only stops a test that would otherwise hang.
const runBound = 30 * time.Second

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runBound)
	defer cancel()
	var out bytes.Buffer
	err := app.Run(ctx, args, getenv(env), &out)
	return out.String(), err
}

func TestVersionAndUnknownCommand(t *testing.T) {
	out, err := run(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "movieapi dev (go") {
		t.Errorf("version: %q, %v", out, err)
	}
	if _, err := run(t, nil, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := run(t, nil, "migrate", "sideways"); err == nil {
		t.Error("migrate without DATABASE_URL or with a bad direction succeeded")
	}
}

func TestMigrateCommand(t *testing.T) {
	testenv.RequireIntegration(t)
	env := map[string]string{"DATABASE_URL": testenv.EmptyPostgres(t)}
	for _, step := range []struct{ args, want string }{
		{"migrate version", "schema version 0"},
		{"migrate up", "schema version 4 (dirty: false)"},
		{"migrate down", "schema version 3 (dirty: false)"},
		{"migrate up", "schema version 4 (dirty: false)"},
	} {
		out, err := run(t, env, strings.Fields(step.args)...)
		if err != nil || !strings.Contains(out, step.want) {
			t.Fatalf("%s: %q, %v; want %q", step.args, out, err, step.want)
		}
	}
}

// AXUM_DB_MIGRATE_URL, the direct connection, wins over DATABASE_URL (which
// may go through a pooler; here it leads nowhere).
func TestMigrateCommandPrefersMigrateURL(t *testing.T) {
	testenv.RequireIntegration(t)
	env := map[string]string{"DATABASE_URL": "postgres://postgres@" + closedAddr(t) + "/none?connect_timeout=1",
		"AXUM_DB_MIGRATE_URL": testenv.EmptyPostgres(t)}
	if out, err := run(t, env, "migrate", "up"); err != nil || strings.Contains(out, "version 0") || !strings.Contains(out, "(dirty: false)") {
		t.Fatalf("migrate up: %q, %v", out, err)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	testenv.RequireIntegration(t)
	srv := apitest.Start(t)
	addr := strings.TrimPrefix(srv.URL, "http://")
	if out, err := run(t, map[string]string{"API_BIND_ADDR": addr}, "healthcheck"); err != nil || !strings.HasPrefix(out, "200") {
		t.Errorf("healthy instance: %q, %v", out, err)
	}
	if _, err := run(t, map[string]string{"API_BIND_ADDR": addr}, "healthcheck", "--full"); err != nil {
		t.Errorf("full check of a healthy instance: %v", err)
	}
	if _, err := run(t, map[string]string{"API_BIND_ADDR": closedAddr(t)}, "healthcheck"); err == nil {
		t.Error("healthcheck against nothing succeeded")
	}
}

// Two instances starting at once on one empty database both migrate it
// (one waits for the other's advisory lock) and both serve.
func TestTwoInstancesMigrateOneEmptyDatabase(t *testing.T) {
	testenv.RequireIntegration(t)
	cfg := apitest.DefaultConfig(t)
	cfg.DatabaseURL = testenv.EmptyPostgres(t)
	cfg.DBMigrate = true
	var wg sync.WaitGroup
	handlers := make([]http.Handler, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), runBound)
			defer cancel()
			inst, err := app.Build(ctx, cfg, logging.New(io.Discard, "error", "text"))
			if err != nil {
				errs[i] = err
				return
			}
			t.Cleanup(inst.Close)
			handlers[i] = inst.Handler
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	for i, h := range handlers {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/movies/add",
			strings.NewReader(`{"title":"Instance `+strconv.Itoa(i)+`","year":2000,"stars":1}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Errorf("instance %d after migrating: %d %s", i, rec.Code, rec.Body)
		}
	}
}

// On shutdown the service stops accepting, lets a request that is still
// arriving finish, and returns nil.
func TestServeFinishesInFlightRequestsOnShutdown(t *testing.T) {
	addr, stop, done := serveInBackground(t, map[string]string{"AXUM_METRICS_TYPE": "prom"})

	// Half a request: headers and part of the body.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"title":"In Flight","year":2001,"stars":3}`
	head := "POST /movies/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	// The handler has the request once it is counted in flight (scrapes of
	// /metrics are not counted); poll for it.
	apitest.WaitFor(t, "the request to be in flight", func() bool {
		return strings.Contains(metrics(t, addr), "\nhttp_requests_in_flight 1\n")
	})
	stop()
	// New connections are refused once the listener is closed.
	apitest.WaitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
		}
		return err != nil
	})
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("in-flight request: %d, want 201", resp.StatusCode)
	}
	awaitServeReturn(t, done, "shutdown")
}

// With a drain delay, a stopping instance first answers its readiness check
// with 503 while it still serves (closing each connection after its
// answer), and only then stops accepting.
func TestServeDrainsBeforeStopping(t *testing.T) {
	addr, stop, done := serveInBackground(t, map[string]string{"AXUM_DRAIN_DELAY_SEC": "2"})

	// A keep-alive connection opened before the signal.
	kept := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	if r := get(t, kept, addr, "/health"); r.StatusCode != http.StatusOK || r.Close {
		t.Fatalf("before the signal: %d, close %t", r.StatusCode, r.Close)
	}
	stop()
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	apitest.WaitFor(t, "readiness to answer 503 draining", func() bool {
		r := get(t, fresh, addr, "/health?mode=full")
		return r.StatusCode == http.StatusServiceUnavailable && r.body == `{"status":"draining"}`
	})
	// Still serving, on the old connection too, which is then closed.
	if r := get(t, kept, addr, "/movies/get/"+strings.Repeat("0", 40)); r.StatusCode != http.StatusNotFound || !r.Close {
		t.Errorf("while draining: %d, close %t; want a 404 that closes its connection", r.StatusCode, r.Close)
	}
	if r := get(t, fresh, addr, "/health"); r.StatusCode != http.StatusOK {
		t.Errorf("liveness while draining: %d", r.StatusCode)
	}
	awaitServeReturn(t, done, "draining")
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("still accepting connections after serve returned")
	}
}

type answered struct {
	*http.Response
	body string
}

// get fetches path and reads the whole answer.
func get(t *testing.T, c *http.Client, addr, path string) answered {
	t.Helper()
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return answered{resp, strings.TrimSpace(string(b))}
}

// serveInBackground runs `serve` on a free port against the test's
// PostgreSQL and Redis, with extra settings on top of the defaults, and
// returns its address, the stop signal (a cancelled context) and where
// Run's result arrives.
func serveInBackground(t *testing.T, extra map[string]string) (addr string, stop func(), done <-chan error) {
	t.Helper()
	testenv.RequireIntegration(t)
	cfg := apitest.DefaultConfig(t)
	env := map[string]string{
		"DATABASE_URL": cfg.DatabaseURL, "REDIS_URL": cfg.RedisURL, "AXUM_REDIS_KEY_PREFIX": cfg.RedisPrefix,
		"API_BIND_ADDR": "127.0.0.1:0", "AXUM_LOG_FORMAT": "json", "AXUM_LOG_LEVEL": "info",
		"AXUM_DB_MIGRATE": "false", "AXUM_DB_RETRY_COUNT": "0",
		"AXUM_WEBAUTHN_RP_ID": "localhost", "AXUM_WEBAUTHN_ORIGIN": "http://localhost",
	}
	maps.Copy(env, extra)
	logs, logWriter := io.Pipe()
	t.Cleanup(func() { _ = logWriter.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // runs first: serve stops before its log closes
	result := make(chan error, 1)
	go func() { result <- app.Run(ctx, []string{"serve"}, getenv(env), logWriter) }()
	addr = listeningAddr(t, bufio.NewScanner(logs))
	go func() { _, _ = io.Copy(io.Discard, logs) }() // keep the log flowing
	return addr, cancel, result
}

// listeningAddr reads log lines until the one announcing the address.
func listeningAddr(t *testing.T, lines *bufio.Scanner) string {
	t.Helper()
	for lines.Scan() {
		var line struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(lines.Bytes(), &line) == nil && line.Msg == "movieapi listening" {
			return line.Addr
		}
	}
	t.Fatal("the service never logged its address")
	return ""
}

// metrics reads /metrics over a connection of its own.
func metrics(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scraping /metrics: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// awaitServeReturn waits for serve's result on done after the named event; it
// must return, and without an error.
func awaitServeReturn(t *testing.T, done <-chan error, after string) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after %s", err, after)
		}
	case <-time.After(runBound):
		t.Fatalf("serve did not return after %s", after)
	}
}

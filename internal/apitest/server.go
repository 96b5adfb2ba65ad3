// Package apitest starts the real service in-process for HTTP-level tests:
// the real router over real PostgreSQL and Redis (from testenv), served by
// httptest on a loopback port, with its log captured for assertions.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"movieapi/internal/app"
	"movieapi/internal/config"
	"movieapi/internal/logging"
	"movieapi/internal/testenv"
)

// Server is one running instance.
type Server struct {
	URL    string
	Config config.Config
	Log    *LogBuffer
	http   *httptest.Server
	client *http.Client
}

// Option adjusts the configuration before the instance is built.
type Option func(*config.Config)

// DefaultConfig is what tests run with: prom metrics, debug JSON logs, an
// isolated database and Redis key space.
func DefaultConfig(t testing.TB) config.Config {
	t.Helper()
	testenv.RequireIntegration(t)
	redisURL, prefix := testenv.Redis(t)
	return config.Config{
		DatabaseURL:      testenv.Postgres(t),
		RedisURL:         redisURL,
		RedisPrefix:      prefix,
		BindAddr:         "127.0.0.1:0",
		MetricsType:      config.MetricsProm,
		LogLevel:         "debug",
		LogFormat:        "json",
		SpanEvents:       config.SpanClose,
		DBRetryCount:     0,
		DBAcquireTimeout: 5 * time.Second,
		DBMinConns:       0,
		DBMaxConns:       8,
		DBMigrate:        false, // the template database is already migrated
		WebAuthn: config.WebAuthn{
			RPID:             "localhost",
			Origins:          []string{"http://localhost"},
			RPName:           "Movie API",
			ChallengeTTL:     time.Minute,
			UserVerification: "required",
			ReauthWindow:     5 * time.Minute,
		},
		SessionTTL:        time.Hour,
		SessionIdle:       time.Hour,
		MovieCacheTTL:     time.Minute,
		RateLimitPerMin:   0,
		RateLimitIPv6Bits: 64,
	}
}

// Start builds and serves an instance with DefaultConfig and the options.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := DefaultConfig(t)
	for _, o := range opts {
		o(&cfg)
	}
	return StartWith(t, cfg)
}

// StartWith serves an instance with exactly cfg (for several instances
// sharing one database and key space).
func StartWith(t testing.TB, cfg config.Config) *Server {
	t.Helper()
	return serve(t, cfg, nil)
}

// serve builds an instance with cfg and serves it on ln, or on a fresh
// loopback port when ln is nil.
func serve(t testing.TB, cfg config.Config, ln net.Listener) *Server {
	t.Helper()
	logs := &LogBuffer{}
	log := logging.New(logs, cfg.LogLevel, cfg.LogFormat)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := app.Build(ctx, cfg, log)
	if err != nil {
		t.Fatalf("building the service: %v", err)
	}
	ts := httptest.NewUnstartedServer(inst.Handler)
	if ln != nil {
		_ = ts.Listener.Close()
		ts.Listener = ln
	}
	ts.Config = app.NewHTTPServer(inst.Handler, log)
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		inst.Close()
		if strings.Contains(logs.String(), "panic while serving") {
			t.Errorf("the server log mentions a panic:\n%s", logs.String())
		}
	})
	return &Server{URL: ts.URL, Config: cfg, Log: logs, http: ts, client: ts.Client()}
}

// Endpoint, HTTPClient and PageOrigin let helpers that speak HTTP to the
// service (authtest) use an instance without depending on this package.

// Endpoint is the base URL of the instance.
func (s *Server) Endpoint() string { return s.URL }

// HTTPClient reaches the instance.
func (s *Server) HTTPClient() *http.Client { return s.client }

// PageOrigin is the first configured WebAuthn origin: the page a browser
// would run the ceremonies on.
func (s *Server) PageOrigin() string { return s.Config.WebAuthn.Origins[0] }

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request; body may be nil, a string or []byte. Headers are
// name, value pairs.
func (s *Server) Do(t testing.TB, method, path string, body any, headers ...string) Response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		t.Fatalf("unsupported body type %T", body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer of %s %s: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// LogBuffer is a concurrency-safe log sink.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %q", err, r.Body)
	}
}

// ErrorMessage returns the "error" field of a JSON error body, failing the
// test when the body is not of that shape.
func (r Response) ErrorMessage(t testing.TB) string {
	t.Helper()
	var body map[string]any
	r.JSON(t, &body)
	msg, ok := body["error"].(string)
	if !ok || msg == "" {
		t.Fatalf("answer %d has no error message: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("error answer has content type %q", ct)
	}
	return msg
}

// Metric returns the value of one series from /metrics, given as it appears
// in the exposition (name with labels), or -1 when it is absent.
func (s *Server) Metric(t testing.TB, series string) float64 {
	t.Helper()
	r := s.Do(t, "GET", "/metrics", nil)
	for _, line := range strings.Split(string(r.Body), "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("metric %s: %v", series, err)
			}
			return v
		}
	}
	return -1
}

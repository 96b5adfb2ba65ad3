package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"movieapi/internal/logging"
)

// countingMetrics records what the router reports.
type countingMetrics struct {
	mu       sync.Mutex
	started  int
	finished []string // method route status
}

func (m *countingMetrics) RequestStarted() { m.mu.Lock(); m.started++; m.mu.Unlock() }

func (m *countingMetrics) RequestFinished(method, route string, status int, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished = append(m.finished, method+" "+route+" "+http.StatusText(status))
}

// bareRouter is the real router over no backends: the routes that need
// none (health, pages, assets, fallbacks) and the whole middleware chain
// can be exercised without PostgreSQL or Redis.
func bareRouter(t *testing.T, configure ...func(*AppState)) (http.Handler, *countingMetrics, *bytes.Buffer) {
	t.Helper()
	m, logs := &countingMetrics{}, &bytes.Buffer{}
	s := AppState{
		Metrics:        m,
		MetricsHandler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("# metrics\n")) }),
		Log:            logging.New(logs, "info", "json"),
		Version:        "test",
	}
	for _, c := range configure {
		c(&s)
	}
	return NewRouter(s), m, logs
}

func do(h http.Handler, method, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestUnknownRouteAndWrongMethod(t *testing.T) {
	h, _, _ := bareRouter(t)
	if w := do(h, "GET", "/nope"); w.Code != 404 || !strings.Contains(w.Body.String(), `"error":"no such route"`) {
		t.Fatalf("unknown path: %d %s", w.Code, w.Body)
	}
	for path, allow := range map[string]string{
		"/movies/add":                            "POST",
		"/movies/get/" + strings.Repeat("a", 40): "GET, HEAD",
		"/health":                                "GET, HEAD",
		"/webauthn/credentials/abc":              "PATCH, DELETE",
	} {
		w := do(h, "PUT", path)
		if w.Code != 405 || w.Header().Get("Allow") != allow || !strings.Contains(w.Body.String(), `"error"`) {
			t.Errorf("PUT %s: %d, Allow %q, %s; want 405 with Allow %q", path, w.Code, w.Header().Get("Allow"), w.Body, allow)
		}
	}
}

// HEAD is served wherever GET is, with the GET's headers and no body (over
// a real listener: net/http is what drops the body).
func TestHeadFollowsGet(t *testing.T) {
	h, _, _ := bareRouter(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	send := func(method, path string) (*http.Response, int) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		return resp, int(n)
	}
	for _, path := range []string{"/health", "/", "/passkeys", "/openapi.json"} {
		get, _ := send("GET", path)
		head, n := send("HEAD", path)
		if head.StatusCode != get.StatusCode || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || n != 0 {
			t.Errorf("HEAD %s: %d %q %d bytes; GET: %d %q", path, head.StatusCode, head.Header.Get("Content-Type"),
				n, get.StatusCode, get.Header.Get("Content-Type"))
		}
	}
	if resp, _ := send("HEAD", "/movies/add"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("HEAD on a POST-only route: %d", resp.StatusCode)
	}
}

func TestRequestIDHeader(t *testing.T) {
	h, _, logs := bareRouter(t)
	if got := do(h, "GET", "/health", "X-Request-Id", "trace-abc.123").Header().Get("X-Request-Id"); got != "trace-abc.123" {
		t.Errorf("sane id not kept: %q", got)
	}
	if !strings.Contains(logs.String(), `"request_id":"trace-abc.123"`) {
		t.Errorf("log lacks the request id:\n%s", logs)
	}
	for _, bad := range []string{"has space", strings.Repeat("a", 200), "semi;colon", "quote\""} {
		if got := do(h, "GET", "/health", "X-Request-Id", bad).Header().Get("X-Request-Id"); got == bad || len(got) != 32 {
			t.Errorf("insane id %q answered with %q", bad, got)
		}
	}
	a, b := do(h, "GET", "/nope").Header().Get("X-Request-Id"), do(h, "GET", "/nope").Header().Get("X-Request-Id")
	if a == "" || a == b {
		t.Errorf("generated ids %q and %q must be present and distinct", a, b)
	}
}

// The landing page marks the routes that take a Bearer token, movie writes
// included when they are protected.
func TestLandingMarksBearerRoutes(t *testing.T) {
	count := func(h http.Handler) int { return strings.Count(do(h, "GET", "/").Body.String(), `class="auth"`) }
	open, _, _ := bareRouter(t)
	protected, _, _ := bareRouter(t, func(s *AppState) { s.MoviesRequireAuth = true })
	if got := count(open); got != 6 {
		t.Errorf("open writes: %d routes marked Bearer, want the 3 credential, 2 re-authentication and logout routes", got)
	}
	if got := count(protected); got != 9 {
		t.Errorf("protected writes: %d routes marked Bearer, want 9", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	h, _, _ := bareRouter(t)
	api := do(h, "GET", "/health")
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := api.Header().Get(name); got != want {
			t.Errorf("API %s = %q, want %q", name, got, want)
		}
	}
	page := do(h, "GET", "/")
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("page CSP = %q", csp)
	}
}

// TestAssetsAreRevalidated: assets answer with an ETag and 304 to a client
// holding the current copy; names outside web/ are not found.
func TestAssetsAreRevalidated(t *testing.T) {
	h, _, _ := bareRouter(t)
	first := do(h, "GET", "/assets/passkeys.js")
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || !strings.HasPrefix(first.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("asset: %d, ETag %q, type %q", first.Code, etag, first.Header().Get("Content-Type"))
	}
	if again := do(h, "GET", "/assets/passkeys.js", "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("revalidation: %d with %d bytes", again.Code, again.Body.Len())
	}
	for _, name := range []string{"nope.js", "passkeys.html", "..%2Fembed.go", "openapi.json"} {
		if w := do(h, "GET", "/assets/"+name); w.Code != 404 {
			t.Errorf("/assets/%s: %d, want 404", name, w.Code)
		}
	}
}

// TestObservationByRoutePattern: every request but /metrics is counted
// once, labelled by its route pattern (or "unmatched"), never the raw path.
func TestObservationByRoutePattern(t *testing.T) {
	h, m, _ := bareRouter(t)
	do(h, "GET", "/health")
	do(h, "GET", "/assets/site.css")
	do(h, "GET", "/no/such/path")
	do(h, "GET", "/metrics")
	want := []string{"GET /health OK", "GET /assets/{name} OK", "GET unmatched Not Found"}
	if strings.Join(m.finished, "|") != strings.Join(want, "|") || m.started != 3 {
		t.Fatalf("observed %v (%d started), want %v", m.finished, m.started, want)
	}
}

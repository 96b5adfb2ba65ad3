package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

func TestJSONRules(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	valid := movieJSON("Rules", 2000, 1)
	cases := []struct {
		name, contentType string
		body              any
		status            int
	}{
		{"no content type", "", valid, 415},
		{"text/plain", "text/plain", valid, 415},
		{"form", "application/x-www-form-urlencoded", valid, 415},
		{"garbage content type", "application/", valid, 415},
		{"problem+json is JSON", "application/problem+json", movieJSON("Rules plus", 2000, 1), 201},
		{"charset parameter", "application/json; charset=utf-8", movieJSON("Rules charset", 2000, 1), 201},
		{"malformed", "application/json", `{"title":`, 400},
		{"empty body", "application/json", "", 400},
		{"not JSON", "application/json", "hello", 400},
		{"invalid UTF-8", "application/json", []byte("{\"title\":\"\xff\xfe\",\"year\":2000,\"stars\":1}"), 400},
		{"deeply nested", "application/json", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), 400},
		{"null", "application/json", "null", 422},
		{"array", "application/json", "[1,2]", 422},
		{"string", "application/json", `"x"`, 422},
		{"missing stars", "application/json", `{"title":"X","year":2000}`, 422},
		{"missing title", "application/json", `{"year":2000,"stars":1}`, 422},
		{"null year", "application/json", `{"title":"X","year":null,"stars":1}`, 422},
		{"year as string", "application/json", `{"title":"X","year":"2000","stars":1}`, 422},
		{"float year", "application/json", `{"title":"X","year":2000.5,"stars":1}`, 422},
		{"year 2000.0", "application/json", `{"title":"X","year":2000.0,"stars":1}`, 422},
		{"year out of range", "application/json", `{"title":"X","year":99999999999999999999,"stars":1}`, 422},
		{"stars 1e400", "application/json", `{"title":"X","year":2000,"stars":1e400}`, 422},
		{"title as number", "application/json", `{"title":5,"year":2000,"stars":1}`, 422},
		{"trailing data", "application/json", valid + ` {"more":1}`, 422},
		{"trailing garbage", "application/json", valid + `x`, 422},
		{"unknown fields ignored", "application/json", `{"title":"Rules extra","year":2000,"stars":1,"director":"X"}`, 201},
		{"3 MiB body", "application/json", `{"title":"` + strings.Repeat("a", 3<<20) + `","year":2000,"stars":1}`, 413},
	}
	for _, tc := range cases {
		r := srv.Do(t, "POST", "/movies/add", tc.body, "Content-Type", tc.contentType)
		if r.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
			continue
		}
		if r.Status >= 400 {
			msg := r.ErrorMessage(t)
			if strings.Contains(msg, "json:") || strings.Contains(msg, "Go") || strings.Contains(msg, "int32") {
				t.Errorf("%s: message leaks internals: %q", tc.name, msg)
			}
		}
	}
	// PUT follows the same rules.
	id := strings.Repeat("a", 40)
	if r := srv.Do(t, "PUT", "/movies/update/"+id, valid, "Content-Type", "text/plain"); r.Status != 415 {
		t.Errorf("PUT text/plain: %d", r.Status)
	}
	if r := srv.Do(t, "PUT", "/movies/update/"+id, `{"title":"X"}`); r.Status != 422 {
		t.Errorf("PUT missing fields: %d", r.Status)
	}
}

func TestUnknownRouteAndWrongMethod(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	r := srv.Do(t, "GET", "/nope", nil)
	if r.Status != http.StatusNotFound {
		t.Fatalf("unknown path: %d", r.Status)
	}
	r.ErrorMessage(t)
	for path, allow := range map[string]string{
		"/movies/add":                            "POST",
		"/movies/get/" + strings.Repeat("a", 40): "GET, HEAD",
		"/health":                                "GET, HEAD",
	} {
		r := srv.Do(t, "PATCH", path, nil)
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("PATCH %s: %d", path, r.Status)
			continue
		}
		r.ErrorMessage(t)
		if got := r.Header.Get("Allow"); got != allow {
			t.Errorf("PATCH %s: Allow %q, want %q", path, got, allow)
		}
	}
}

// HEAD is served wherever GET is, with the GET's headers and no body.
func TestHeadFollowsGet(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, path := range []string{"/health", "/", "/movies/get/" + inceptionID} {
		get, head := srv.Do(t, "GET", path, nil), srv.Do(t, "HEAD", path, nil)
		if head.Status != get.Status || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || len(head.Body) != 0 {
			t.Errorf("HEAD %s: %d %q %d bytes; GET: %d %q", path, head.Status, head.Header.Get("Content-Type"),
				len(head.Body), get.Status, get.Header.Get("Content-Type"))
		}
	}
	if r := srv.Do(t, "HEAD", "/movies/add", nil); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("HEAD on a POST-only route: %d", r.Status)
	}
}

func TestRequestIDHeader(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	r := srv.Do(t, "GET", "/health", nil, "X-Request-Id", "trace-abc.123")
	if got := r.Header.Get("X-Request-Id"); got != "trace-abc.123" {
		t.Errorf("sane id not kept: %q", got)
	}
	if !strings.Contains(srv.Log.String(), `"request_id":"trace-abc.123"`) {
		t.Errorf("log lacks the request id:\n%s", srv.Log.String())
	}
	for _, bad := range []string{"has space", strings.Repeat("a", 200), "semi;colon", "quote\""} {
		r := srv.Do(t, "GET", "/health", nil, "X-Request-Id", bad)
		got := r.Header.Get("X-Request-Id")
		if got == bad || len(got) != 32 {
			t.Errorf("insane id %q answered with %q", bad, got)
		}
	}
	a := srv.Do(t, "GET", "/nope", nil).Header.Get("X-Request-Id")
	b := srv.Do(t, "GET", "/nope", nil).Header.Get("X-Request-Id")
	if a == "" || a == b {
		t.Errorf("generated ids %q and %q must be present and distinct", a, b)
	}
}

// The landing page marks the routes that take a Bearer token, movie writes
// included when they are protected.
func TestLandingMarksBearerRoutes(t *testing.T) {
	t.Parallel()
	count := func(srv *apitest.Server) int {
		return strings.Count(string(srv.Do(t, "GET", "/", nil).Body), `class="auth"`)
	}
	open := apitest.Start(t)
	protected := apitest.Start(t, func(c *config.Config) { c.MoviesRequireAuth = true })
	if got := count(open); got != 6 {
		t.Errorf("open writes: %d routes marked Bearer, want the 3 credential, 2 re-authentication and logout routes", got)
	}
	if got := count(protected); got != 9 {
		t.Errorf("protected writes: %d routes marked Bearer, want 9", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	api := srv.Do(t, "GET", "/health", nil)
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := api.Header.Get(name); got != want {
			t.Errorf("API %s = %q, want %q", name, got, want)
		}
	}
	page := srv.Do(t, "GET", "/", nil)
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("page CSP = %q", csp)
	}
}

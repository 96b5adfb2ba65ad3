package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

const limit = 5

func limited(c *config.Config) { c.RateLimitPerMin = limit }

// spend sends n sign-in starts without a username (so only the IP budget
// counts) and returns the statuses.
func spend(t *testing.T, srv *apitest.Server, n int, headers ...string) []int {
	t.Helper()
	statuses := make([]int, n)
	for i := range statuses {
		statuses[i] = srv.Do(t, "POST", "/webauthn/auth/start", `{}`, headers...).Status
	}
	return statuses
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited)
	for i, s := range spend(t, srv, limit) {
		if s != http.StatusOK {
			t.Fatalf("request %d within the budget: %d", i+1, s)
		}
	}
	r := srv.Do(t, "POST", "/webauthn/auth/start", `{}`)
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("request %d: %d, want 429", limit+1, r.Status)
	}
	r.ErrorMessage(t)
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After %q is not a sane number of seconds", r.Header.Get("Retry-After"))
	}
	// Movie routes are not ceremonies and keep working.
	if r := srv.Do(t, "GET", "/health", nil); r.Status != http.StatusOK {
		t.Errorf("health while limited: %d", r.Status)
	}
}

func TestRateLimitIsSharedByInstances(t *testing.T) {
	t.Parallel()
	cfg := apitest.DefaultConfig(t)
	limited(&cfg)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	spend(t, a, 3)
	spend(t, b, limit-3)
	if s := spend(t, a, 1)[0]; s != http.StatusTooManyRequests {
		t.Errorf("instance a after the shared budget is spent: %d", s)
	}
	if s := spend(t, b, 1)[0]; s != http.StatusTooManyRequests {
		t.Errorf("instance b after the shared budget is spent: %d", s)
	}
}

func TestForgedForwardedForIsIgnored(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited)
	for i := range limit {
		spend(t, srv, 1, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
	}
	if s := spend(t, srv, 1, "X-Forwarded-For", "198.51.100.7")[0]; s != http.StatusTooManyRequests {
		t.Errorf("a new X-Forwarded-For from an untrusted peer got a fresh budget: %d", s)
	}
}

func TestTrustedProxyForwardsClientIP(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.0/8", "::1"} })
	for i := range limit * 2 {
		if s := spend(t, srv, 1, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))[0]; s != http.StatusOK {
			t.Fatalf("client %d behind the trusted proxy: %d", i, s)
		}
	}
	// The left of the list is the client's to forge; the proxy's own hop wins.
	for i := range limit {
		spend(t, srv, 1, "X-Forwarded-For", fmt.Sprintf("10.9.9.%d, 192.0.2.1", i))
	}
	if s := spend(t, srv, 1, "X-Forwarded-For", "10.1.1.1, 192.0.2.1")[0]; s != http.StatusTooManyRequests {
		t.Errorf("a forged left-most hop escaped the limit: %d", s)
	}
}

func TestRateLimitPerUsername(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.0/8", "::1"} })
	for i := range limit {
		r := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"Alice"}`, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if r.Status != http.StatusOK {
			t.Fatalf("attempt %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":" alice "}`, "X-Forwarded-For", "198.51.100.1")
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("the username's budget is not shared across IPs and spellings: %d", r.Status)
	}
	if r := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"bob"}`, "X-Forwarded-For", "198.51.100.2"); r.Status != http.StatusOK {
		t.Errorf("another username from a fresh IP: %d", r.Status)
	}
}

func TestProtectedWrites(t *testing.T) {
	t.Parallel()
	on := apitest.Start(t, func(c *config.Config) { c.MoviesRequireAuth = true })
	id := "d5aee2b55b609fe5de3261d85fb592bc32d45fd3"
	for _, req := range []struct{ method, path, body string }{
		{"POST", "/movies/add", movieJSON("Inception", 2010, 4)},
		{"PUT", "/movies/update/" + id, movieJSON("Inception", 2010, 4)},
		{"DELETE", "/movies/delete/" + id, ""},
	} {
		var body any
		if req.body != "" {
			body = req.body
		}
		for _, auth := range []string{"", "Bearer garbage", "Basic dXNlcjpwYXNz"} {
			r := on.Do(t, req.method, req.path, body, "Authorization", auth)
			if r.Status != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q: %d (WWW-Authenticate %q)", req.method, req.path, auth, r.Status, r.Header.Get("WWW-Authenticate"))
			}
		}
	}
	if r := on.Do(t, "GET", "/movies/get/"+id, nil); r.Status != http.StatusNotFound {
		t.Errorf("reads must stay public: %d", r.Status)
	}
	off := apitest.Start(t)
	if r := off.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4)); r.Status != http.StatusCreated {
		t.Errorf("writes without auth when it is off: %d", r.Status)
	}
}

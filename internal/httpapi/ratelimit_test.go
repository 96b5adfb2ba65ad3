package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
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

// behindProxy trusts loopback as a proxy, so each request's client is the
// address it names in X-Forwarded-For.
func behindProxy(c *config.Config) { c.TrustedProxies = []string{"127.0.0.0/8", "::1"} }

func from(ip string) []string { return []string{"X-Forwarded-For", ip} }

// TestOneAddressCannotLockAnAccountOut: however fast one address (or one
// IPv6 /64) starts ceremonies naming alice, alice's own sign-in from another
// address is not refused; the attacker only spends their own budgets.
func TestOneAddressCannotLockAnAccountOut(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited, behindProxy)
	_, alice := authtest.SignUp(t, srv, "alice")
	for _, attacker := range []string{"198.51.100.7", "2001:db8:bad::1"} {
		for i := range 4 * limit {
			for _, path := range []string{"/webauthn/auth/start", "/webauthn/register/start"} {
				r := srv.Do(t, "POST", path, `{"username":"Alice"}`, from(attacker)...)
				if r.Status != http.StatusOK && r.Status != http.StatusTooManyRequests && r.Status != http.StatusConflict {
					t.Fatalf("attacker request %d to %s: %d %s", i, path, r.Status, r.Body)
				}
			}
		}
		if r := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"alice"}`, from(attacker)...); r.Status != http.StatusTooManyRequests {
			t.Fatalf("the attacking address %s was never limited: %d", attacker, r.Status)
		}
	}
	for _, owner := range []string{"203.0.113.9", "2001:db8:600d::1"} {
		start := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"alice"}`, from(owner)...)
		if start.Status != http.StatusOK {
			t.Fatalf("alice's own sign-in from %s: %d %s", owner, start.Status, start.Body)
		}
		finish := srv.Do(t, "POST", "/webauthn/auth/finish", authtest.FinishRequest("alice", assert(t, alice, start.Body)), from(owner)...)
		if finish.Status != http.StatusOK {
			t.Fatalf("alice's own sign-in from %s: %d %s", owner, finish.Status, finish.Body)
		}
	}
}

// TestIPv6ClientsAreCountedPerNetwork: addresses of one /64 share a budget;
// another /64 has its own.
func TestIPv6ClientsAreCountedPerNetwork(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited, behindProxy)
	for i := range limit {
		if s := spend(t, srv, 1, from(fmt.Sprintf("2001:db8:1:2::%x", i+1))...)[0]; s != http.StatusOK {
			t.Fatalf("request %d from the /64: %d", i+1, s)
		}
	}
	if s := spend(t, srv, 1, from("2001:db8:1:2:ffff::1")...)[0]; s != http.StatusTooManyRequests {
		t.Errorf("a new address of the same /64 got a fresh budget: %d", s)
	}
	if s := spend(t, srv, 1, from("2001:db8:1:3::1")...)[0]; s != http.StatusOK {
		t.Errorf("another /64 shares the budget: %d", s)
	}
	wide := apitest.Start(t, limited, behindProxy, func(c *config.Config) { c.RateLimitIPv6Bits = 128 })
	for i := range limit + 1 {
		if s := spend(t, wide, 1, from(fmt.Sprintf("2001:db8:1:2::%x", i+1))...)[0]; s != http.StatusOK {
			t.Fatalf("with AXUM_RATE_LIMIT_IPV6_PREFIX=128, address %d: %d", i+1, s)
		}
	}
}

// TestFailedSignInsAreLimitedPerAccount: many addresses failing sign-ins
// for one account are limited together (429 once the account's failure
// budget is spent, whichever address asks), and a spelling variant of the
// name does not escape; another username is untouched.
func TestFailedSignInsAreLimitedPerAccount(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, limited, behindProxy)
	authtest.SignUp(t, srv, "carol")
	forger := newPasskey(srv, authtest.ES256)
	fail := func(username, ip string) int {
		start := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"`+username+`"}`, from(ip)...)
		if start.Status != http.StatusOK {
			t.Fatalf("auth/start from %s: %d", ip, start.Status)
		}
		return srv.Do(t, "POST", "/webauthn/auth/finish", authtest.FinishRequest(username, assert(t, forger, start.Body)), from(ip)...).Status
	}
	for i := range limit {
		if s := fail("carol", fmt.Sprintf("198.51.100.%d", i)); s != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, s)
		}
	}
	if s := fail("CAROL", "192.0.2.77"); s != http.StatusTooManyRequests {
		t.Errorf("a fresh address failing for the same account after the budget: %d, want 429", s)
	}
	if s := fail("dave", "192.0.2.78"); s != http.StatusUnauthorized {
		t.Errorf("another username's failure: %d, want 401", s)
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

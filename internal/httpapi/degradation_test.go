package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
	"movieapi/internal/testenv"
)

// With its Redis stopped, the service keeps serving movies from PostgreSQL,
// reports the outage in the full health check, and uses the cache again as
// soon as Redis is back, without a restart.
func TestMoviesSurviveRedisOutage(t *testing.T) {
	t.Parallel()
	rs := testenv.StartRedis(t)
	srv := apitest.Start(t, func(c *config.Config) { c.RedisURL = rs.URL() })
	const hit = `movie_cache_requests_total{result="hit"}`
	const cacheErr = `movie_cache_requests_total{result="error"}`

	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8)); r.Status != http.StatusCreated {
		t.Fatalf("add: %d", r.Status)
	}
	srv.Do(t, "GET", "/movies/get/"+inceptionID, nil)
	if srv.Metric(t, hit) < 1 {
		t.Fatal("the cache is not used while Redis is up")
	}

	rs.Stop()
	for range 3 {
		r := srv.Do(t, "GET", "/movies/get/"+inceptionID, nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"title":"Inception"`) {
			t.Fatalf("get with Redis down: %d %s", r.Status, r.Body)
		}
	}
	if got := srv.Metric(t, cacheErr); got != 3 {
		t.Errorf("cache errors = %v, want 3", got)
	}
	health := srv.Do(t, "GET", "/health?mode=full", nil)
	if health.Status != http.StatusServiceUnavailable ||
		strings.TrimSpace(string(health.Body)) != `{"status":"error","checks":{"postgres":"ok","redis":"error"}}` {
		t.Errorf("full health with Redis down: %d %s", health.Status, health.Body)
	}
	if r := srv.Do(t, "PUT", "/movies/update/"+inceptionID, movieJSON("Inception", 2010, 2)); r.Status != http.StatusOK {
		t.Errorf("update with Redis down: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Tenet", 2020, 3)); r.Status != http.StatusCreated {
		t.Errorf("add with Redis down: %d %s", r.Status, r.Body)
	}

	rs.Start()
	// The cache comes back by itself: reads hit it again once the client's
	// pool has redialled (go-redis probes a refused server about once a second).
	apitest.WaitFor(t, "cache hits after Redis returned", func() bool {
		before := srv.Metric(t, hit)
		r := srv.Do(t, "GET", "/movies/get/"+inceptionID, nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"stars":2`) {
			t.Fatalf("get after Redis returned: %d %s", r.Status, r.Body)
		}
		return srv.Metric(t, hit) > before
	})
	if r := srv.Do(t, "GET", "/health?mode=full", nil); r.Status != http.StatusOK {
		t.Errorf("full health after recovery: %d %s", r.Status, r.Body)
	}
}

package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

// BenchmarkGetMovieCacheHit is a whole GET /movies/get/{id} answered from
// Redis: client, loopback HTTP, the middleware chain, the cache read and the
// JSON answer, against the real Redis of the test environment. Logging is
// at info, as in production: one line per request.
func BenchmarkGetMovieCacheHit(b *testing.B) {
	srv := apitest.Start(b, func(c *config.Config) { c.LogLevel = "info" })
	if r := srv.Do(b, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8)); r.Status != http.StatusCreated {
		b.Fatalf("add: %d %s", r.Status, r.Body)
	}
	path := "/movies/get/" + inceptionID
	srv.Do(b, "GET", path, nil) // a miss that fills the cache
	b.ReportAllocs()
	for b.Loop() {
		if r := srv.Do(b, "GET", path, nil); r.Status != http.StatusOK {
			b.Fatalf("get: %d %s", r.Status, r.Body)
		}
	}
}

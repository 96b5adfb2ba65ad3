package metrics_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"movieapi/internal/metrics"
)

// The near cache's statistics come out as the service's other series do:
// each with HELP, counters named _total, and what promtool accepts.
func TestNearCacheSeries(t *testing.T) {
	p := metrics.NewPrometheus("test")
	stats := metrics.NearCacheStats{Hits: 7, Misses: 3, Invalidations: 5, Invalidated: 2, Entries: 4, Bytes: 4096}
	p.WatchNearCache(func() metrics.NearCacheStats { return stats })
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`movie_near_cache_requests_total{result="hit"} 7`,
		`movie_near_cache_requests_total{result="miss"} 3`,
		"movie_near_cache_invalidations_total 5",
		`movie_near_cache_evictions_total{reason="invalidation"} 2`,
		"movie_near_cache_entries 4",
		"movie_near_cache_bytes 4096",
		"# HELP movie_near_cache_requests_total ",
		"# TYPE movie_near_cache_entries gauge",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	problems, err := promlint.New(bytes.NewReader(rec.Body.Bytes())).Lint()
	if err != nil {
		t.Fatalf("promlint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

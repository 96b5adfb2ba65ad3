package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

func TestPrometheusMetrics(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8))
	srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8)) // 409: not counted
	srv.Do(t, "GET", "/movies/get/"+inceptionID, nil)
	srv.Do(t, "GET", "/movies/get/"+shawshankID, nil)
	srv.Do(t, "GET", "/no/such/path/"+strings.Repeat("x", 30), nil)
	srv.Do(t, "GET", "/metrics", nil)
	srv.Do(t, "XYZ1", "/health", nil)
	srv.Do(t, "XYZ2", "/health", nil)

	r := srv.Do(t, "GET", "/metrics", nil)
	if r.Status != http.StatusOK || len(r.Body) == 0 {
		t.Fatalf("/metrics: %d, %d bytes", r.Status, len(r.Body))
	}
	body := string(r.Body)
	for _, want := range []string{
		`http_request_duration_seconds_bucket{method="GET",route="/movies/get/{id}",status="200",le="+Inf"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="/movies/get/{id}",status="404",le="+Inf"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/movies/add",status="201"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/movies/add",status="409"} 1`,
		`http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		"http_requests_in_flight 0",
		"movies_created_total 1",
		`movie_cache_requests_total{result="hit"} 1`,
		`movie_cache_requests_total{result="miss"} 1`,
		`movie_cache_requests_total{result="error"} 0`,
		`webauthn_registrations_total{result="success"} 0`,
		`webauthn_authentications_total{result="failure"} 0`,
		"webauthn_clone_warnings_total 0",
		"sessions_created_total 0",
		`movieapi_build_info{goversion="go`,
		"go_goroutines ",
		"process_resident_memory_bytes ",
		"# HELP http_request_duration_seconds ",
		"# TYPE http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, `route="/metrics"`) {
		t.Error("/metrics records itself")
	}
	if strings.Contains(body, "XYZ") || !strings.Contains(body, `method="OTHER"`) {
		t.Error("arbitrary methods must share the OTHER label")
	}
	if strings.Contains(body, "/no/such/path") {
		t.Error("a raw path leaked into a label")
	}
	// promlint is the check behind `promtool check metrics`.
	problems, err := promlint.New(bytes.NewReader(r.Body)).Lint()
	if err != nil {
		t.Fatalf("promlint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

func TestNoopMetricsServeEmpty200(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, func(c *config.Config) { c.MetricsType = config.MetricsNoop })
	srv.Do(t, "GET", "/health", nil)
	r := srv.Do(t, "GET", "/metrics", nil)
	if r.Status != http.StatusOK || len(r.Body) != 0 {
		t.Fatalf("noop /metrics: %d %q", r.Status, r.Body)
	}
}

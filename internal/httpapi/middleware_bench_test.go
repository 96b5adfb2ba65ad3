package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
	"movieapi/internal/logging"
	"movieapi/internal/metrics"
)

// benchState is the state the production router runs with under load:
// Prometheus metrics and one info log line per request, written to nowhere
// (the formatting is still paid).
func benchState() AppState {
	p := metrics.NewPrometheus("bench")
	return AppState{
		Metrics:        p,
		MetricsHandler: p.Handler(),
		Log:            logging.New(io.Discard, "info", "text"),
		Version:        "bench",
	}
}

// serveBench sends GET /health (the light check: a trivial handler that
// touches no backend) through h, b.N times.
func serveBench(b *testing.B, h http.Handler) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/health", nil)
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkMiddlewareChain is the real router (request id, observation,
// security headers, recovery, deadline) around the light health handler.
// Subtract BenchmarkBareChi to get what the chain costs per request.
func BenchmarkMiddlewareChain(b *testing.B) {
	serveBench(b, NewRouter(benchState()))
}

// BenchmarkBareChi is the same handler on a chi router with no middleware.
func BenchmarkBareChi(b *testing.B) {
	s := benchState()
	r := chi.NewRouter()
	r.Get("/health", s.serve(s.health))
	serveBench(b, r)
}

// BenchmarkWriteMovieJSON is the answer of a movie GET: the envelope
// encoded by encoding/json and written with its headers.
func BenchmarkWriteMovieJSON(b *testing.B) {
	w := &discardWriter{header: http.Header{}}
	movie := domain.Movie{Title: "The Shawshank Redemption", Year: 1994, Stars: 4.9}
	b.ReportAllocs()
	for b.Loop() {
		writeJSON(w, http.StatusOK, movieEnvelope{Data: movie})
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, so benchmarks measure the handler rather than a recorder's buffer.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

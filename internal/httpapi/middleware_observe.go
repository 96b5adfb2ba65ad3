package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// routeUnmatched labels requests no route matched, keeping the metric's
// cardinality bounded whatever paths clients try.
const routeUnmatched = "unmatched"

// RequestMetrics is what the HTTP layer counts: requests in flight and their
// durations (http_requests_in_flight, http_request_duration_seconds).
// Implementations must be safe for concurrent use and cheap: they run twice
// per request.
type RequestMetrics interface {
	RequestStarted()
	RequestFinished(method, route string, status int, elapsed time.Duration)
}

// observe records every request once: the in-flight gauge, the duration
// histogram by route pattern, and the log line(s) chosen by AXUM_SPAN_EVENTS.
// /metrics is not recorded, so scrapes do not count themselves.
func (s *AppState) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		ctx := r.Context()
		if s.LogRequestStart {
			// At info, like the closing line: span events are chosen with
			// AXUM_SPAN_EVENTS, independently of the log level.
			s.Log.LogAttrs(ctx, slog.LevelInfo, "request started",
				slog.String("method", r.Method), slog.String("path", r.URL.Path))
		}
		s.Metrics.RequestStarted()
		rec := recorders.Get().(*statusRecorder)
		*rec = statusRecorder{ResponseWriter: w}
		defer func() {
			// Runs even when a panic escapes recoverPanics (http.ErrAbortHandler),
			// so the in-flight gauge never leaks.
			end := time.Now()
			elapsed := end.Sub(start)
			route := routeUnmatched
			if rc := chi.RouteContext(ctx); rc != nil {
				if p := rc.RoutePattern(); p != "" {
					route = p
				}
			}
			status := rec.statusCode()
			*rec = statusRecorder{}
			recorders.Put(rec)
			s.Metrics.RequestFinished(methodLabel(r.Method), route, status, elapsed)
			s.logFinished(ctx, end, r, status, elapsed)
		}()
		next.ServeHTTP(rec, r)
	})
}

// logFinished writes the request's closing line. The record is built here
// rather than through Logger.LogAttrs, which captures the caller's program
// counter on every call — a stack walk nobody reads, since source locations
// are off. Four attributes, plus the request id the handler adds: slog keeps
// up to five in the record without allocating.
func (s *AppState) logFinished(ctx context.Context, end time.Time, r *http.Request, status int, elapsed time.Duration) {
	level := levelFor(status)
	h := s.Log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	rec := slog.NewRecord(end, level, "request finished", 0)
	rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Duration("duration", elapsed))
	_ = h.Handle(ctx, rec) // a failed log write has nowhere better to go
}

// methodLabel keeps the method label bounded: clients may send any token
// as a method, and each would otherwise become a new series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

// levelFor keeps successful requests at info and makes server errors stand out.
func levelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// recorders reuses status recorders across requests.
var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

// statusRecorder remembers the status of the answer. Unwrap lets
// http.ResponseController reach the real writer (flush, deadlines).
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// routeUnmatched labels requests no route matched, keeping the metric's
// cardinality bounded whatever paths clients try.
const routeUnmatched = "unmatched"

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
			s.Log.LogAttrs(ctx, slog.LevelDebug, "request started",
				slog.String("method", r.Method), slog.String("path", r.URL.Path))
		}
		s.Metrics.RequestStarted()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			// Runs even when a panic escapes recoverPanics (http.ErrAbortHandler),
			// so the in-flight gauge never leaks.
			elapsed := time.Since(start)
			route := routeUnmatched
			if rc := chi.RouteContext(ctx); rc != nil {
				if p := rc.RoutePattern(); p != "" {
					route = p
				}
			}
			status := rec.statusCode()
			s.Metrics.RequestFinished(r.Method, route, status, elapsed)
			s.Log.LogAttrs(ctx, levelFor(status), "request finished",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", route), slog.Int("status", status),
				slog.Int64("bytes", rec.bytes), slog.Duration("duration", elapsed))
		}()
		next.ServeHTTP(rec, r)
	})
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

// statusRecorder remembers the status and size of the answer. Unwrap lets
// http.ResponseController reach the real writer (flush, deadlines).
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
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
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// healthTimeout bounds each backend ping of the full check (contract §4: ≤ 2 s).
const healthTimeout = 2 * time.Second

type healthBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

// health is the liveness check; with ?mode=full (exactly) it is the
// readiness check and pings PostgreSQL and Redis concurrently.
func (s *AppState) health(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("mode") != "full" {
		writeJSON(w, http.StatusOK, healthBody{Status: "ok"})
		return nil
	}
	if s.Draining != nil && s.Draining() {
		writeJSON(w, http.StatusServiceUnavailable, healthBody{Status: "draining"})
		return nil
	}
	checks := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, backend := range map[string]interface{ Ping(context.Context) error }{"postgres": s.Postgres, "redis": s.Redis} {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
			defer cancel()
			result := "ok"
			if err := backend.Ping(ctx); err != nil {
				result = "error"
				s.Log.WarnContext(ctx, "health check failed", "component", name, "err", err)
			}
			mu.Lock()
			checks[name] = result
			mu.Unlock()
		})
	}
	wg.Wait()
	status, code := "ok", http.StatusOK
	for _, result := range checks {
		if result != "ok" {
			status, code = "error", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, code, healthBody{Status: status, Checks: checks})
	return nil
}

package metrics

import "net/http"

// HiddenHandler is /metrics when AXUM_METRICS_TYPE is not "prom": 200 with
// an empty body, as the contract asks. The counters are still kept (a few
// atomic additions per request): every consumer always has a real
// implementation, so there is no no-op type to keep in step and no nil to
// check.
func HiddenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
	})
}

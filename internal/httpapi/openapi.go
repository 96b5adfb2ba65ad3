package httpapi

import "net/http"

// openapi serves the API contract, web/openapi.json, written by hand and
// kept honest by openapi_test.go: every route of the table is in it, nothing
// else is, and real answers validate against it.
func (s *AppState) openapi(w http.ResponseWriter, r *http.Request) error {
	return serveEmbedded(w, r, "openapi.json", "application/json; charset=utf-8")
}

// metrics serves the Prometheus exposition (or the no-op's empty body).
func (s *AppState) metrics(w http.ResponseWriter, r *http.Request) error {
	s.MetricsHandler.ServeHTTP(w, r)
	return nil
}

package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// route is one line of the API surface. The same table registers the router
// and renders the landing page, so the two cannot drift apart.
type route struct {
	Method  string
	Pattern string
	Purpose string
	handler http.HandlerFunc
}

// routes is the whole API surface (SPEC §1).
func (s *AppState) routes() []route {
	return []route{
		{"GET", "/", "Landing page: version, this table", s.landing},
		{"GET", "/health", "Liveness; ?mode=full also checks PostgreSQL and Redis", s.health},
		{"GET", "/metrics", "Prometheus metrics", s.MetricsHandler.ServeHTTP},
		{"GET", "/assets/{name}", "Stylesheets and scripts of the pages", s.asset},

		{"GET", "/movies/get/{id}", "Fetch a movie", s.getMovie},
		{"POST", "/movies/add", "Create a movie", s.addMovie},
		{"PUT", "/movies/update/{id}", "Overwrite (upsert) a movie", s.updateMovie},
		{"DELETE", "/movies/delete/{id}", "Delete a movie", s.deleteMovie},
	}
}

// Router builds the chi router with the middleware chain, outermost first:
// request id, observation (log line and metrics), security headers, recovery.
func (s *AppState) Router() http.Handler {
	r := chi.NewRouter()
	r.Use(requestID, s.observe, securityHeaders, s.recoverPanics)
	for _, rt := range s.routes() {
		r.Method(rt.Method, rt.Pattern, rt.handler)
	}
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))
	return r
}

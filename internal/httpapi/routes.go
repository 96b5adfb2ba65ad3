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
	// Auth marks routes that need a Bearer session.
	Auth bool
}

// routes is the whole API surface (SPEC §1).
func (s *AppState) routes() []route {
	writesNeedAuth := s.MoviesRequireAuth
	return []route{
		{"GET", "/", "Landing page: version, this table", s.landing, false},
		{"GET", "/health", "Liveness; ?mode=full also checks PostgreSQL and Redis", s.health, false},
		{"GET", "/metrics", "Prometheus metrics", s.MetricsHandler.ServeHTTP, false},
		{"GET", "/assets/{name}", "Stylesheets and scripts of the pages", s.asset, false},

		{"GET", "/movies/get/{id}", "Fetch a movie", s.getMovie, false},
		{"POST", "/movies/add", "Create a movie", s.addMovie, writesNeedAuth},
		{"PUT", "/movies/update/{id}", "Overwrite (upsert) a movie", s.updateMovie, writesNeedAuth},
		{"DELETE", "/movies/delete/{id}", "Delete a movie", s.deleteMovie, writesNeedAuth},

		{"POST", "/webauthn/register/start", "Begin passkey registration", s.registerStart, false},
		{"POST", "/webauthn/register/finish", "Finish registration, store the passkey", s.registerFinish, false},
		{"POST", "/webauthn/auth/start", "Begin passkey sign-in (with or without a username)", s.authStart, false},
		{"POST", "/webauthn/auth/finish", "Finish sign-in, create a session", s.authFinish, false},
		{"GET", "/webauthn/credentials", "List your passkeys", s.listCredentials, true},
		{"PATCH", "/webauthn/credentials/{id}", "Rename one of your passkeys", s.renameCredential, true},
		{"DELETE", "/webauthn/credentials/{id}", "Delete one of your passkeys", s.deleteCredential, true},
		{"POST", "/webauthn/logout", "End your session", s.logout, true},
	}
}

// Router builds the chi router with the middleware chain, outermost first:
// request id, observation (log line and metrics), security headers, recovery.
func (s *AppState) Router() http.Handler {
	r := chi.NewRouter()
	r.Use(requestID, s.observe, securityHeaders, s.recoverPanics)
	for _, rt := range s.routes() {
		h := rt.handler
		if rt.Auth {
			h = s.requireSession(h)
		}
		r.Method(rt.Method, rt.Pattern, h)
	}
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))
	return r
}

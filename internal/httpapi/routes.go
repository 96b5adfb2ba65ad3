package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// handler is what a route does: it writes the answer, or returns the error
// to answer with. The one adapter, serve, turns the error into its status
// and body (errors.go), so no handler decides a status for an error.
type handler func(w http.ResponseWriter, r *http.Request) error

// guard is what a route demands before its handler runs.
type guard int

const (
	open            guard = iota // anyone
	session                      // a valid Bearer session
	ceremony                     // the abuse limits per client and per (client, username)
	write                        // a Bearer session when AXUM_MOVIES_REQUIRE_AUTH is on
	sessionCeremony              // a Bearer session and the abuse limits per client
)

// route is one line of the API surface. The same table registers the router
// and renders the landing page, so the two cannot drift apart.
type route struct {
	Method  string
	Pattern string
	Purpose string
	handler handler
	guard   guard
}

// routes is the whole API surface (contract §1).
func (s *AppState) routes() []route {
	return []route{
		{"GET", "/", "Landing page: version, this table", s.landing, open},
		{"GET", "/passkeys", "Passkey page: register, sign in, manage passkeys", s.passkeysPage, open},
		{"GET", "/assets/{name}", "Stylesheets and scripts of the pages", s.asset, open},
		{"GET", "/health", "Liveness; ?mode=full also checks PostgreSQL and Redis", s.health, open},
		{"GET", "/metrics", "Prometheus metrics", s.metrics, open},
		{"GET", "/openapi.json", "OpenAPI 3.1 description of this API", s.openapi, open},

		{"GET", "/movies/get/{id}", "Fetch a movie", s.getMovie, open},
		{"POST", "/movies/add", "Create a movie", s.addMovie, write},
		{"PUT", "/movies/update/{id}", "Overwrite (upsert) a movie", s.updateMovie, write},
		{"DELETE", "/movies/delete/{id}", "Delete a movie", s.deleteMovie, write},

		{"POST", "/webauthn/register/start", "Begin passkey registration", s.registerStart, ceremony},
		{"POST", "/webauthn/register/finish", "Finish registration, store the passkey", s.registerFinish, ceremony},
		{"POST", "/webauthn/auth/start", "Begin passkey sign-in (with or without a username)", s.authStart, ceremony},
		{"POST", "/webauthn/auth/finish", "Finish sign-in, create a session", s.authFinish, ceremony},
		{"GET", "/webauthn/credentials", "List your passkeys", s.listCredentials, session},
		{"PATCH", "/webauthn/credentials/{id}", "Rename one of your passkeys", s.renameCredential, session},
		{"DELETE", "/webauthn/credentials/{id}", "Delete one of your passkeys", s.deleteCredential, session},
		{"POST", "/webauthn/reauth/start", "Begin re-authentication of your session", s.reauthStart, sessionCeremony},
		{"POST", "/webauthn/reauth/finish", "Finish re-authentication: allows passkey changes for a while", s.reauthFinish, sessionCeremony},
		{"POST", "/webauthn/logout", "End your session", s.logout, session},
	}
}

// NewRouter builds the service's HTTP handler over deps: the chi router
// with the middleware chain, outermost first — request id and deadline,
// observation (log line and metrics), security headers, recovery — then
// each route's guard and handler.
func NewRouter(deps AppState) http.Handler {
	s := &deps
	s.ids = newRequestIDs()
	r := chi.NewRouter()
	// GetHead answers HEAD wherever GET is served (RFC 9110), without a
	// second route per GET; net/http drops the body.
	r.Use(s.requestContext, s.observe, securityHeaders, s.recoverPanics, middleware.GetHead)
	for _, rt := range s.routes() {
		r.Method(rt.Method, rt.Pattern, s.serve(s.guarded(rt)))
	}
	r.NotFound(s.serve(s.notFound))
	r.MethodNotAllowed(s.serve(s.methodNotAllowed(r)))
	return r
}

// serve adapts a handler to net/http: an error it returns is answered by the
// one error mapping.
func (s *AppState) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// guarded wraps a route's handler in what its guard demands: the session is
// checked first, then the abuse limits.
func (s *AppState) guarded(rt route) handler {
	h := rt.handler
	if s.Limiter != nil && (rt.guard == ceremony || rt.guard == sessionCeremony) {
		h = s.rateLimited(h)
	}
	if s.needsSession(rt) {
		h = s.requireSession(h)
	}
	return h
}

// needsSession tells whether the route takes a Bearer token as configured.
func (s *AppState) needsSession(rt route) bool {
	return rt.guard == session || rt.guard == sessionCeremony || rt.guard == write && s.MoviesRequireAuth
}

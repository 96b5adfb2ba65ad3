package httpapi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// notFound answers unknown paths with the JSON error shape.
func (s *AppState) notFound(http.ResponseWriter, *http.Request) error { return errNoRoute }

// candidateMethods are the methods a route of ours may have.
var candidateMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// methodNotAllowed answers 405 with the Allow header, which chi drops when
// the handler is replaced; it is rebuilt by asking the router which methods
// match the path.
func (s *AppState) methodNotAllowed(mux *chi.Mux) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allowed []string
		for _, m := range candidateMethods {
			// HEAD has no routes of its own: GetHead serves it wherever GET is.
			if mux.Match(chi.NewRouteContext(), m, r.URL.Path) ||
				m == http.MethodHead && mux.Match(chi.NewRouteContext(), http.MethodGet, r.URL.Path) {
				allowed = append(allowed, m)
			}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return errMethodNotAllowed
	}
}

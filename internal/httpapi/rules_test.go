package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
)

// TestJSONRulesOnTheWire: the movie routes answer through the one decoder
// (its rules are TestDecodeRules'): a wrong content type, a wrong shape and
// a valid body, on POST and PUT, with the JSON error shape.
func TestJSONRulesOnTheWire(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	id := strings.Repeat("a", 40)
	for _, tc := range []struct {
		method, path, contentType, body string
		status                          int
	}{
		{"POST", "/movies/add", "text/plain", movieJSON("Rules", 2000, 1), http.StatusUnsupportedMediaType},
		{"POST", "/movies/add", "application/json", `{"title":"X","year":"2000","stars":1}`, http.StatusUnprocessableEntity},
		{"POST", "/movies/add", "application/problem+json", movieJSON("Rules", 2000, 1), http.StatusCreated},
		{"PUT", "/movies/update/" + id, "text/plain", movieJSON("Rules", 2000, 1), http.StatusUnsupportedMediaType},
		{"PUT", "/movies/update/" + id, "application/json", `{"title":"X"}`, http.StatusUnprocessableEntity},
	} {
		r := srv.Do(t, tc.method, tc.path, tc.body, "Content-Type", tc.contentType)
		if r.Status != tc.status {
			t.Errorf("%s %s (%s): %d %s, want %d", tc.method, tc.path, tc.contentType, r.Status, r.Body, tc.status)
		} else if r.Status >= 400 {
			r.ErrorMessage(t)
		}
	}
}

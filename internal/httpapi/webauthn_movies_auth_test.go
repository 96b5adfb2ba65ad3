package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
)

// TestMovieWritesNeedASessionWhenConfigured: with AXUM_MOVIES_REQUIRE_AUTH
// on, adding, updating and deleting a movie take a passkey session; reads
// stay open.
func TestMovieWritesNeedASessionWhenConfigured(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, func(c *config.Config) { c.MoviesRequireAuth = true })
	token, _ := authtest.SignUp(t, srv, "jude")
	add := movieJSON("Inception", 2010, 4.8)
	update := movieJSON("Inception", 2010, 5)

	for _, tc := range []struct{ name, header string }{
		{"no session", ""},
		{"unknown token", "Bearer " + strings.Repeat("A", 43)},
	} {
		for _, req := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/movies/add", add},
			{"PUT", "/movies/update/" + inceptionID, update},
			{"DELETE", "/movies/delete/" + inceptionID, nil},
		} {
			r := srv.Do(t, req.method, req.path, req.body, "Authorization", tc.header)
			if r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: %s %s: %d, want 401 with WWW-Authenticate", tc.name, req.method, req.path, r.Status)
			}
		}
	}
	if r := srv.Do(t, "GET", "/movies/get/"+inceptionID, nil); r.Status != http.StatusNotFound {
		t.Fatalf("the refused writes stored something: GET answered %d", r.Status)
	}

	auth := bearer(token)
	if r := srv.Do(t, "POST", "/movies/add", add, auth...); r.Status != http.StatusCreated {
		t.Fatalf("add with a session: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "PUT", "/movies/update/"+inceptionID, update, auth...); r.Status != http.StatusOK {
		t.Fatalf("update with a session: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/movies/get/"+inceptionID, nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"stars":5`) {
		t.Fatalf("anonymous read: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "DELETE", "/movies/delete/"+inceptionID, nil, auth...); r.Status != http.StatusNoContent {
		t.Fatalf("delete with a session: %d %s", r.Status, r.Body)
	}

	// The session, once logged out, writes nothing more.
	srv.Do(t, "POST", "/webauthn/logout", nil, auth...)
	if r := srv.Do(t, "POST", "/movies/add", add, auth...); r.Status != http.StatusUnauthorized {
		t.Fatalf("add after logout: %d", r.Status)
	}
}

// TestMovieWritesAreOpenByDefault: without the setting, a write needs no
// session (the contract's default).
func TestMovieWritesAreOpenByDefault(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8)); r.Status != http.StatusCreated {
		t.Fatalf("anonymous add: %d %s", r.Status, r.Body)
	}
}

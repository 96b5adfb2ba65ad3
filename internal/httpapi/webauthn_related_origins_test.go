package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
)

// filmsOrigin is a site of its own next to the test instance's RP ID
// (localhost): a related origin, as a company's second brand would be.
const filmsOrigin = "https://films.example"

// withRelatedOrigins configures AXUM_WEBAUTHN_RELATED_ORIGINS.
func withRelatedOrigins(origins ...string) apitest.Option {
	return func(c *config.Config) { c.WebAuthn.RelatedOrigins = origins }
}

// TestWellKnownWebAuthnServesTheRelatedOrigins: the document browsers fetch
// (WebAuthn L3 §5.11) lists the configured origins, normalised and in
// order, as application/json that may be cached for an hour and
// revalidated by its ETag; HEAD answers the same headers.
func TestWellKnownWebAuthnServesTheRelatedOrigins(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, withRelatedOrigins("https://Films.example/", "https://movies.example.org:8443"))
	r := srv.Do(t, "GET", "/.well-known/webauthn", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /.well-known/webauthn: %d %s", r.Status, r.Body)
	}
	if want := `{"origins":["https://films.example","https://movies.example.org:8443"]}`; string(r.Body) != want {
		t.Errorf("body %s, want %s", r.Body, want)
	}
	for header, want := range map[string]string{
		"Content-Type":  "application/json",
		"Cache-Control": "public, max-age=3600",
	} {
		if got := r.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	etag := r.Header.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' {
		t.Fatalf("ETag %q is not a strong validator", etag)
	}

	fresh := srv.Do(t, "GET", "/.well-known/webauthn", nil, "If-None-Match", etag)
	if fresh.Status != http.StatusNotModified || len(fresh.Body) != 0 || fresh.Header.Get("ETag") != etag {
		t.Errorf("revalidation: %d %q, ETag %q", fresh.Status, fresh.Body, fresh.Header.Get("ETag"))
	}
	stale := srv.Do(t, "GET", "/.well-known/webauthn", nil, "If-None-Match", `"something-else"`)
	if stale.Status != http.StatusOK || string(stale.Body) != string(r.Body) {
		t.Errorf("with another ETag: %d %s", stale.Status, stale.Body)
	}
	head := srv.Do(t, "HEAD", "/.well-known/webauthn", nil)
	if head.Status != http.StatusOK || len(head.Body) != 0 ||
		head.Header.Get("Content-Type") != "application/json" || head.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d %q %v", head.Status, head.Body, head.Header)
	}
}

// TestWellKnownWebAuthnWithoutRelatedOrigins: a relying party that
// declares none has no such resource: 404 with the JSON error, not cached.
func TestWellKnownWebAuthnWithoutRelatedOrigins(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	r := srv.Do(t, "GET", "/.well-known/webauthn", nil)
	wantError(t, r, http.StatusNotFound, "no related origins are configured")
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}

// TestRelatedOriginRunsBothCeremonies: a passkey created on the related
// origin, with real signatures over clientData naming that origin, is
// registered, signs in (username-first and discoverable) and
// re-authenticates; a passkey created on the instance's own origin signs in
// from the related one too, which is what related origins are for.
func TestRelatedOriginRunsBothCeremonies(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, withRelatedOrigins("https://movies.example.org", filmsOrigin))

	films := authtest.NewPasskey(authtest.ES256, filmsOrigin)
	id := authtest.Register(t, srv, "rita", films, "")
	if id != films.CredentialID() {
		t.Fatalf("register/finish answered credential %q, want %q", id, films.CredentialID())
	}
	token := authtest.SignIn(t, srv, "rita", films)
	if !sessionWorks(t, srv, token) {
		t.Fatal("the session from the related origin does not work")
	}
	authtest.Reauthenticate(t, srv, films, token) // the step-up checks origins alike
	discoverable := finishSignIn(t, srv, "", assert(t, films, startSignIn(t, srv, "")))
	if discoverable.Status != http.StatusOK {
		t.Fatalf("discoverable sign-in from the related origin: %d %s", discoverable.Status, discoverable.Body)
	}

	home := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "sam", home, "")
	elsewhere := home.Clone()
	elsewhere.Origin = filmsOrigin
	if r := finishSignIn(t, srv, "sam", assert(t, elsewhere, startSignIn(t, srv, "sam"))); r.Status != http.StatusOK {
		t.Fatalf("a passkey of the own origin signing in from the related origin: %d %s", r.Status, r.Body)
	}
}

// TestOriginsOutsideTheListAreRefused: with related origins configured,
// any other origin — another site, the related host over http or on
// another port — fails registration (400) and sign-in (401), signed
// honestly; without the setting, the related origin is refused too.
func TestOriginsOutsideTheListAreRefused(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, withRelatedOrigins(filmsOrigin))
	unconfigured := apitest.Start(t)
	for _, tc := range []struct {
		name, origin string
		srv          *apitest.Server
	}{
		{"another site", "https://other.example", srv},
		{"the related host over http", "http://films.example", srv},
		{"the related host on another port", "https://films.example:8443", srv},
		{"a subdomain of the related host", "https://www.films.example", srv},
		{"the related origin, not configured", filmsOrigin, unconfigured},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			username := "user-" + tc.name
			db := database(t, tc.srv)
			stranger := authtest.NewPasskey(authtest.ES256, tc.origin)
			start := startRegistration(t, tc.srv, username, "")
			wantError(t, finishRegistration(t, tc.srv, username, attest(t, stranger, start), ""),
				http.StatusBadRequest, "credential verification failed")
			var users int
			if err := db.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE username = $1`, username).Scan(&users); err != nil || users != 0 {
				t.Fatalf("%d accounts stored after a refused registration (%v)", users, err)
			}

			p := newPasskey(tc.srv, authtest.ES256)
			authtest.Register(t, tc.srv, username, p, "")
			moved := p.Clone()
			moved.Origin = tc.origin
			wantError(t, finishSignIn(t, tc.srv, username, assert(t, moved, startSignIn(t, tc.srv, username))),
				http.StatusUnauthorized, "authentication failed")
			authtest.SignIn(t, tc.srv, username, p)
		})
	}
}

package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
	"movieapi/internal/testenv"
)

// TestLookalikeUsernamesOnACLocaleCluster: on a cluster whose collation
// knows nothing beyond ASCII (the C locale, where lower() leaves É and é
// apart), a name that looks like an existing account's is either that
// account (409 to anyone else) or refused (400) — never a second account.
func TestLookalikeUsernamesOnACLocaleCluster(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	pg := testenv.StartPostgres(t) // initdb --locale=C
	srv := apitest.Start(t, func(c *config.Config) { c.DatabaseURL = pg.MigratedURL() })
	var collation string
	if err := database(t, srv).QueryRow(t.Context(), "SELECT datcollate FROM pg_database WHERE datname = current_database()").Scan(&collation); err != nil || collation != "C" {
		t.Fatalf("the cluster's collation is %q (%v), want C", collation, err)
	}
	_, lookalike := authtest.SignUp(t, srv, "lookalike")
	_, emile := authtest.SignUp(t, srv, "ÉMILE")

	for _, tc := range []struct {
		username string
		status   int
		message  string
	}{
		{"look\u200balike", http.StatusBadRequest, "username must not contain invisible or formatting characters"},
		{"ｌｏｏｋａｌｉｋｅ", http.StatusConflict, "username is not available"},
		{"look\u202ealike", http.StatusBadRequest, "username must not contain invisible or formatting characters"},
		{"lookalike\u00ad", http.StatusBadRequest, "username must not contain invisible or formatting characters"},
		{"LookAlike", http.StatusConflict, "username is not available"},
		{"émile", http.StatusConflict, "username is not available"},
		{"e\u0301mile", http.StatusConflict, "username is not available"},
	} {
		r := srv.Do(t, "POST", "/webauthn/register/start", jsonBody(t, map[string]string{"username": tc.username}))
		if r.Status != tc.status || r.ErrorMessage(t) != tc.message {
			t.Errorf("register %+q: %d %s, want %d %q", tc.username, r.Status, r.Body, tc.status, tc.message)
		}
	}
	var accounts int
	if err := database(t, srv).QueryRow(t.Context(), "SELECT count(*) FROM users").Scan(&accounts); err != nil || accounts != 2 {
		t.Fatalf("%d accounts (%v), want the 2 originals", accounts, err)
	}
	// The canonical form finds the account at sign-in, whichever way it is
	// typed, and the display form stays as first typed.
	for typed, p := range map[string]*authtest.Passkey{"émile": emile, "ＬＯＯＫＡＬＩＫＥ": lookalike} {
		status, body := signInStart(t, srv, typed)
		if ids := allowedIDs(t, body); status != http.StatusOK || len(ids) != 1 || ids[0] != p.CredentialID() {
			t.Errorf("sign-in start for %q: %d %v, want the account's passkey", typed, status, ids)
		}
	}
	var display string
	if err := database(t, srv).QueryRow(t.Context(), "SELECT username FROM users WHERE username_canonical = 'émile'").Scan(&display); err != nil || display != "ÉMILE" {
		t.Fatalf("display form %q (%v), want ÉMILE as typed", display, err)
	}
}

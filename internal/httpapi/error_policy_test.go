package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
)

// TestABugAnswers500Everywhere: the same database bug — a query the schema
// no longer fits — answers 500 "internal server error" on the movie routes
// and the passkey routes alike, logged with its cause; an outage is the
// fault tests' 503. One policy (contract §2, "Error policy").
func TestABugAnswers500Everywhere(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	for _, sql := range []string{
		`ALTER TABLE movies RENAME COLUMN stars TO rating`,
		`ALTER TABLE credentials RENAME COLUMN name TO label`,
	} {
		if _, err := db.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/movies/get/" + inceptionID, ""},
		{"POST", "/movies/add", movieJSON("Inception", 2010, 4.8)},
		{"POST", "/webauthn/auth/start", `{"username":"alice"}`},
		{"POST", "/webauthn/register/start", `{"username":"alice"}`},
	} {
		var body any
		if req.body != "" {
			body = req.body
		}
		r := srv.Do(t, req.method, req.path, body)
		if r.Status != http.StatusInternalServerError || r.ErrorMessage(t) != "internal server error" {
			t.Errorf("%s %s with a broken schema: %d %s, want 500", req.method, req.path, r.Status, r.Body)
		}
	}
	if log := srv.Log.String(); !strings.Contains(log, `does not exist`) {
		t.Errorf("the cause is not in the log:\n%s", log)
	}
}

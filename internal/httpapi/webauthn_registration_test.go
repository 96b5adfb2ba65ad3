package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestRegisterTakenUsernameWithoutItsSession: nobody can attach a passkey
// to an existing account without that account's session — not anonymously,
// not with another account's session, not by changing the case.
func TestRegisterTakenUsernameWithoutItsSession(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	authtest.Register(t, srv, "Rosa", newPasskey(srv, authtest.ES256), "")
	otherToken, _ := authtest.SignUp(t, srv, "sam")
	for _, tc := range []struct{ name, username, token string }{
		{"anonymous", "Rosa", ""},
		{"anonymous, other case", "rOSA", ""},
		{"another account's session", "rosa", otherToken},
		{"an invalid session", "rosa", "not-a-token"},
	} {
		r := srv.Do(t, "POST", "/webauthn/register/start", jsonBody(t, map[string]string{"username": tc.username}), bearer(tc.token)...)
		if r.Status != http.StatusConflict || r.ErrorMessage(t) != "username is not available" {
			t.Errorf("%s: %d %s, want 409 username is not available", tc.name, r.Status, r.Body)
		}
	}
}

// TestAddAnotherDeviceListsTheFirstAsExcluded: with the account's session
// the start succeeds and excludeCredentials names the passkeys the account
// has, so the browser does not register the same authenticator twice.
func TestAddAnotherDeviceListsTheFirstAsExcluded(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, first := authtest.SignUp(t, srv, "tess")
	start := startRegistration(t, srv, "tess", token)
	var options struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		ExcludeCredentials []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"excludeCredentials"`
	}
	if err := jsonPublicKey(start, &options); err != nil {
		t.Fatal(err)
	}
	if len(options.ExcludeCredentials) != 1 || options.ExcludeCredentials[0].ID != first.CredentialID() {
		t.Fatalf("excludeCredentials %+v, want only %s", options.ExcludeCredentials, first.CredentialID())
	}
	second := newPasskey(srv, authtest.RS256)
	if r := finishRegistration(t, srv, "tess", attest(t, second, start), token); r.Status != http.StatusOK {
		t.Fatalf("adding a device: %d %s", r.Status, r.Body)
	}
	ids := []string{}
	for _, c := range listCredentials(t, srv, token) {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{first.CredentialID(), second.CredentialID()}) {
		t.Fatalf("credentials %v, want the first then the second", ids)
	}
	if !slices.Equal(first.UserHandle, second.UserHandle) {
		t.Fatal("the added device got another user handle than the account's")
	}
}

// TestSameCredentialTwice: a credential id can be registered once — again
// for the same account or for a new one, it is a 409, and the new account is
// not created.
func TestSameCredentialTwice(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	token, p := authtest.SignUp(t, srv, "uri")

	// A browser would refuse (the id is in excludeCredentials); a client
	// that does not must still be stopped by the server.
	wantError(t, finishRegistration(t, srv, "uri", attest(t, p, startRegistration(t, srv, "uri", token)), token),
		http.StatusConflict, "credential already registered")
	wantError(t, finishRegistration(t, srv, "vera", attest(t, p, startRegistration(t, srv, "vera", "")), ""),
		http.StatusConflict, "credential already registered")
	var users int
	if err := db.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE username = 'vera'`).Scan(&users); err != nil || users != 0 {
		t.Fatalf("%d user rows for the refused account (%v)", users, err)
	}
	if row := credentialRow(t, db, p); row.Username != "uri" {
		t.Fatalf("the credential moved to %q", row.Username)
	}
}

// TestConcurrentRegistrationsOfOneUsername: two people start registering the
// same new username and finish at once. One gets the account, the other a
// 409, and the loser leaves nothing behind.
func TestConcurrentRegistrationsOfOneUsername(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	bodies := make([][]byte, 2)
	passkeys := make([]*authtest.Passkey, 2)
	for i := range bodies {
		passkeys[i] = newPasskey(srv, authtest.ES256)
		username := []string{"Wade", "wade"}[i]
		bodies[i] = authtest.FinishRequest(username, attest(t, passkeys[i], startRegistration(t, srv, username, "")))
	}
	statuses := make([]int, 2)
	answers := make([][]byte, 2)
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i, body := range bodies {
		wg.Go(func() {
			<-release
			status, answer, err := authtest.Post(t.Context(), srv, "/webauthn/register/finish", body, "")
			if err != nil {
				t.Error(err)
			}
			statuses[i], answers[i] = status, answer
		})
	}
	close(release)
	wg.Wait()
	loser := slices.Index(statuses, http.StatusConflict)
	if loser < 0 || statuses[1-loser] != http.StatusOK {
		t.Fatalf("statuses %v, want one 200 and one 409", statuses)
	}
	var refused struct{ Error string }
	if err := json.Unmarshal(answers[loser], &refused); err != nil || refused.Error != "username is not available" {
		t.Fatalf("the refused registration answered %s", answers[loser])
	}
	var users, credentials int
	err := db.QueryRow(t.Context(), `
SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM credentials)`).Scan(&users, &credentials)
	if err != nil || users != 1 || credentials != 1 {
		t.Fatalf("%d users and %d credentials stored (%v), want one of each", users, credentials, err)
	}
}

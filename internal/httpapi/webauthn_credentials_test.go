package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestDeleteCredentialErrors: a malformed id is a 400; someone else's
// passkey and one that does not exist are the same 404 (no probing); the
// account's last passkey is a 409. None of them deletes anything.
func TestDeleteCredentialErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	token, own := authtest.SignUp(t, srv, "eve")
	otherToken, other := authtest.SignUp(t, srv, "finn")
	authtest.Register(t, srv, "finn", newPasskey(srv, authtest.ES256), otherToken) // finn has two

	for _, id := range []string{"not*base64", "a+b", "YWJj=", "%00", strings.Repeat("A", 2000)} {
		r := srv.Do(t, "DELETE", "/webauthn/credentials/"+id, nil, bearer(token)...)
		if r.Status != http.StatusBadRequest {
			t.Errorf("id %.20q: %d %s, want 400", id, r.Status, r.Body)
			continue
		}
		r.ErrorMessage(t)
	}

	someoneElses := srv.Do(t, "DELETE", "/webauthn/credentials/"+other.CredentialID(), nil, bearer(token)...)
	missing := srv.Do(t, "DELETE", "/webauthn/credentials/"+newPasskey(srv, authtest.ES256).CredentialID(), nil, bearer(token)...)
	wantError(t, someoneElses, http.StatusNotFound, "passkey not found")
	wantError(t, missing, http.StatusNotFound, "passkey not found")
	if string(someoneElses.Body) != string(missing.Body) {
		t.Fatalf("someone else's passkey answered %s, a missing one %s", someoneElses.Body, missing.Body)
	}
	if row := credentialRow(t, db, other); row.Username != "finn" {
		t.Fatal("finn's passkey is gone")
	}

	wantError(t, srv.Do(t, "DELETE", "/webauthn/credentials/"+own.CredentialID(), nil, bearer(token)...),
		http.StatusConflict, "cannot delete your only passkey")
	if !sessionWorks(t, srv, token) || len(listCredentials(t, srv, token)) != 1 {
		t.Fatal("the refused delete of the last passkey changed something")
	}
}

// TestRenameCredentialErrors: names are 1 to 64 characters; a missing name
// is the wrong shape; someone else's passkey is not found.
func TestRenameCredentialErrors(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, own := authtest.SignUp(t, srv, "gail")
	_, other := authtest.SignUp(t, srv, "hugo")
	path := "/webauthn/credentials/" + own.CredentialID()
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"name":""}`, http.StatusBadRequest},
		{`{"name":"   "}`, http.StatusBadRequest},
		{`{"name":"` + strings.Repeat("n", 65) + `"}`, http.StatusBadRequest},
		{`{"name":"tab\there"}`, http.StatusBadRequest},
		{`{}`, http.StatusUnprocessableEntity},
		{`{"name":7}`, http.StatusUnprocessableEntity},
	} {
		r := srv.Do(t, "PATCH", path, tc.body, bearer(token)...)
		if r.Status != tc.status {
			t.Errorf("rename with %s: %d %s, want %d", tc.body, r.Status, r.Body, tc.status)
			continue
		}
		r.ErrorMessage(t)
	}
	if r := srv.Do(t, "PATCH", path, `{"name":"`+strings.Repeat("n", 64)+`"}`, bearer(token)...); r.Status != http.StatusOK {
		t.Errorf("64-character name: %d %s", r.Status, r.Body)
	}
	wantError(t, srv.Do(t, "PATCH", "/webauthn/credentials/"+other.CredentialID(), `{"name":"mine"}`, bearer(token)...),
		http.StatusNotFound, "passkey not found")
}

// TestConcurrentDeletesKeepOnePasskey: an account with two passkeys deletes
// both at once. The deletions run one after the other in PostgreSQL, so one
// succeeds and the account keeps the other.
func TestConcurrentDeletesKeepOnePasskey(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	firstToken, first := authtest.SignUp(t, srv, "ines")
	second := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "ines", second, firstToken)
	secondToken := authtest.SignIn(t, srv, "ines", second)

	// Each passkey is deleted with the other's session. The loser either
	// finds the last passkey (409), or, when the winner has already ended
	// the sessions of what it deleted, no longer has a session (401).
	requests := []struct {
		victim *authtest.Passkey
		token  string
	}{{first, secondToken}, {second, firstToken}}
	statuses := make([]int, len(requests))
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i, rq := range requests {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(t.Context(), "DELETE", srv.URL+"/webauthn/credentials/"+rq.victim.CredentialID(), nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+rq.token)
			<-release
			resp, err := srv.HTTPClient().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(release)
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusNoContent, http.StatusConflict}) &&
		!slices.Equal(statuses, []int{http.StatusNoContent, http.StatusUnauthorized}) {
		t.Fatalf("statuses %v, want one 204 and one 409 (or 401)", statuses)
	}
	var left int
	if err := database(t, srv).QueryRow(t.Context(), `SELECT count(*) FROM credentials`).Scan(&left); err != nil || left != 1 {
		t.Fatalf("%d passkeys left (%v), want 1", left, err)
	}
}

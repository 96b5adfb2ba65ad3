package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
	"movieapi/internal/domain"
)

// ageProof makes the session's last user-verified assertion older than any
// re-authentication window, as time would (field "verified" of the session
// hash, contract §10).
func ageProof(t *testing.T, srv *apitest.Server, token string) {
	t.Helper()
	rdb, prefix := redisOf(t, srv)
	old := time.Now().Add(-24 * time.Hour).UnixMilli()
	if err := rdb.HSet(t.Context(), prefix+"session:"+domain.TokenHash(token), "verified", strconv.FormatInt(old, 10)).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestStolenTokenCannotTakeOverTheAccount: with only a victim's token (its
// sign-in long past), an attacker can neither add a passkey of their own nor
// delete the victim's; the victim's own re-authentication on that session
// allows both again, without a new token.
func TestStolenTokenCannotTakeOverTheAccount(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, victim := authtest.SignUp(t, srv, "victim")
	spare := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "victim", spare, token) // within the sign-in's window
	ageProof(t, srv, token)

	wantError(t, srv.Do(t, "POST", "/webauthn/register/start", `{"username":"victim"}`, bearer(token)...),
		http.StatusForbidden, "reauthentication required")
	wantError(t, srv.Do(t, "DELETE", "/webauthn/credentials/"+victim.CredentialID(), nil, bearer(token)...),
		http.StatusForbidden, "reauthentication required")
	if n := len(listCredentials(t, srv, token)); n != 2 {
		t.Fatalf("%d passkeys after the refused changes, want 2", n)
	}

	var answer struct {
		Success bool   `json:"success"`
		Until   string `json:"reauthenticated_until"`
		Token   string `json:"session_token"`
	}
	apitest.Response{Body: authtest.Reauthenticate(t, srv, victim, token)}.JSON(t, &answer)
	until, err := time.Parse(time.RFC3339, answer.Until)
	if !answer.Success || answer.Token != "" || err != nil || until.Before(time.Now().Add(4*time.Minute)) {
		t.Fatalf("reauth/finish answered %+v (%v)", answer, err)
	}
	if r := srv.Do(t, "DELETE", "/webauthn/credentials/"+spare.CredentialID(), nil, bearer(token)...); r.Status != http.StatusNoContent {
		t.Fatalf("delete after re-authentication: %d %s", r.Status, r.Body)
	}
	startRegistration(t, srv, "victim", token)
	if !sessionWorks(t, srv, token) {
		t.Fatal("re-authentication changed the session's token")
	}
}

// TestReauthenticationIsBoundToItsSessionAndAccount: another session of the
// same account, another account's passkey, a passkey without user
// verification, or no session at all cannot finish it.
func TestReauthenticationIsBoundToItsSessionAndAccount(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, func(c *config.Config) { c.WebAuthn.UserVerification = "preferred" })
	token, owner := authtest.SignUp(t, srv, "owner")
	other := authtest.SignIn(t, srv, "owner", owner)
	_, stranger := authtest.SignUp(t, srv, "stranger")

	start := func(tok string) []byte {
		t.Helper()
		r := srv.Do(t, "POST", "/webauthn/reauth/start", `{}`, bearer(tok)...)
		if r.Status != http.StatusOK {
			t.Fatalf("reauth/start: %d %s", r.Status, r.Body)
		}
		return r.Body
	}
	finish := func(tok string, credential []byte) apitest.Response {
		return srv.Do(t, "POST", "/webauthn/reauth/finish", authtest.FinishRequest("", credential), bearer(tok)...)
	}
	wantError(t, finish(other, assert(t, owner, start(token))), http.StatusUnauthorized, "authentication failed")
	wantError(t, finish(token, assert(t, stranger, start(token))), http.StatusUnauthorized, "authentication failed")
	unverified := owner.Clone()
	unverified.UserVerified = false
	unverified.Counter = 0
	wantError(t, finish(token, assert(t, unverified, start(token))), http.StatusUnauthorized, "authentication failed")
	r := srv.Do(t, "POST", "/webauthn/reauth/start", `{}`)
	if r.Status != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("reauth/start without a session: %d", r.Status)
	}
	// A sign-in ceremony's challenge cannot finish a re-authentication.
	wantError(t, finish(token, assert(t, owner, startSignIn(t, srv, "owner"))), http.StatusBadRequest, "challenge not found or expired")
}

// TestSignInWithoutUserVerificationIsNoProof: where user verification is
// only preferred, a sign-in without it leaves the session unable to change
// passkeys until a user-verified re-authentication.
func TestSignInWithoutUserVerificationIsNoProof(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, func(c *config.Config) { c.WebAuthn.UserVerification = "preferred" })
	p := newPasskey(srv, authtest.ES256)
	p.UserVerified = false
	authtest.Register(t, srv, "uvless", p, "")
	token := authtest.SignIn(t, srv, "uvless", p)
	wantError(t, srv.Do(t, "POST", "/webauthn/register/start", `{"username":"uvless"}`, bearer(token)...),
		http.StatusForbidden, "reauthentication required")
	p.UserVerified = true
	authtest.Reauthenticate(t, srv, p, token)
	startRegistration(t, srv, "uvless", token)
}

// TestAddingADeviceEndsWithItsSession: the finish of "add another device"
// re-checks the session that began it; after a logout it is refused.
func TestAddingADeviceEndsWithItsSession(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, _ := authtest.SignUp(t, srv, "leaver")
	start := startRegistration(t, srv, "leaver", token)
	if r := srv.Do(t, "POST", "/webauthn/logout", nil, bearer(token)...); r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d", r.Status)
	}
	device := newPasskey(srv, authtest.ES256)
	r := finishRegistration(t, srv, "leaver", attest(t, device, start), "")
	wantError(t, r, http.StatusUnauthorized, "invalid or expired session")
	var n int
	if err := database(t, srv).QueryRow(t.Context(), "SELECT count(*) FROM credentials").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d credentials stored (%v), want only the first", n, err)
	}
}

package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestDiscoverableSignInFindsUserByHandle: without a username the options
// allow no particular credential, and the account is the one whose user
// handle the authenticator returns.
func TestDiscoverableSignInFindsUserByHandle(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	alice, bob := newPasskey(srv, authtest.ES256), newPasskey(srv, authtest.RS256)
	authtest.Register(t, srv, "alice", alice, "")
	authtest.Register(t, srv, "bob", bob, "")

	start := startSignIn(t, srv, "")
	var answer struct {
		Options *struct {
			Mediation *string `json:"mediation"`
			PublicKey *struct {
				AllowCredentials []any `json:"allowCredentials"`
			} `json:"publicKey"`
		} `json:"options"`
	}
	apitest.Response{Body: start}.JSON(t, &answer)
	if answer.Options == nil || answer.Options.PublicKey == nil {
		t.Fatalf("auth/start without username: %s", start)
	}
	if n := len(answer.Options.PublicKey.AllowCredentials); n != 0 {
		t.Fatalf("a discoverable sign-in allows %d credentials, want none", n)
	}
	if answer.Options.Mediation != nil {
		t.Fatalf("mediation %q sent without being asked for", *answer.Options.Mediation)
	}
	r := finishSignIn(t, srv, "", assert(t, bob, start))
	var signedIn signInAnswer
	r.JSON(t, &signedIn)
	if r.Status != http.StatusOK || signedIn.Username != "bob" {
		t.Fatalf("discoverable sign-in with bob's passkey: %d %s", r.Status, r.Body)
	}
	// The session is bob's: it lists bob's passkey, not alice's.
	if list := listCredentials(t, srv, signedIn.SessionToken); len(list) != 1 || list[0].ID != bob.CredentialID() {
		t.Fatalf("bob's session lists %+v", list)
	}
}

// TestConditionalMediationIsEchoed: passkey autofill asks for conditional
// mediation, which the options carry back for the browser.
func TestConditionalMediationIsEchoed(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "carol", p, "")
	r := srv.Do(t, "POST", "/webauthn/auth/start", `{"mediation":"conditional"}`)
	var answer struct {
		Options struct {
			Mediation string `json:"mediation"`
		} `json:"options"`
	}
	r.JSON(t, &answer)
	if r.Status != http.StatusOK || answer.Options.Mediation != "conditional" {
		t.Fatalf("auth/start with conditional mediation: %d %s", r.Status, r.Body)
	}
	if r := finishSignIn(t, srv, "", assert(t, p, r.Body)); r.Status != http.StatusOK {
		t.Fatalf("conditional sign-in: %d %s", r.Status, r.Body)
	}
}

// TestDiscoverableSignInNeedsTheRightUserHandle: the user handle names the
// account, so an assertion without one, or naming another account, fails
// even though its signature is good.
func TestDiscoverableSignInNeedsTheRightUserHandle(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	alice, bob := newPasskey(srv, authtest.ES256), newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "alice", alice, "")
	authtest.Register(t, srv, "bob", bob, "")
	aliceHandle := alice.UserHandle

	for _, tc := range []struct {
		name   string
		handle []byte
	}{
		{"no user handle", nil},
		{"another account's handle", bob.UserHandle},
		{"unknown handle", make([]byte, 32)},
	} {
		alice.UserHandle = tc.handle
		r := finishSignIn(t, srv, "", assert(t, alice, startSignIn(t, srv, "")))
		if r.Status != http.StatusUnauthorized || r.ErrorMessage(t) != "authentication failed" {
			t.Errorf("%s: %d %s, want 401 authentication failed", tc.name, r.Status, r.Body)
		}
	}
	alice.UserHandle = aliceHandle
	if r := finishSignIn(t, srv, "", assert(t, alice, startSignIn(t, srv, ""))); r.Status != http.StatusOK {
		t.Fatalf("with its own handle: %d %s", r.Status, r.Body)
	}
}

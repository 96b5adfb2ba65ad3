package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
)

// Each negative case below is signed with a good key and differs from an
// honest answer in one respect only, so the server's check of that respect
// is what refuses it.

// TestSignInRejectsForgedAssertions: 401 "authentication failed" whatever
// was wrong, and the passkey keeps working afterwards.
func TestSignInRejectsForgedAssertions(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, tc := range []struct {
		name    string
		change  func(p *authtest.Passkey)
		tampers []authtest.Tamper
	}{
		{name: "wrong origin", tampers: []authtest.Tamper{authtest.WithOrigin("https://evil.example")}},
		{name: "origin of another port", tampers: []authtest.Tamper{authtest.WithOrigin(srv.PageOrigin() + ":8443")}},
		{name: "wrong RP ID", tampers: []authtest.Tamper{authtest.WithRPID("evil.example")}},
		{name: "user not verified", change: func(p *authtest.Passkey) { p.UserVerified = false }},
		{name: "user not present", change: func(p *authtest.Passkey) { p.UserPresent = false }},
		{name: "clientDataJSON changed after signing", tampers: []authtest.Tamper{authtest.TamperClientDataJSON()}},
		{name: "bogus signature", tampers: []authtest.Tamper{authtest.CorruptSignature()}},
		{name: "registration type", tampers: []authtest.Tamper{authtest.WithType("webauthn.create")}},
		{name: "unknown type", tampers: []authtest.Tamper{authtest.WithType("payment.get")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			username := "user-" + tc.name
			p := newPasskey(srv, authtest.ES256)
			authtest.Register(t, srv, username, p, "")
			forged := p.Clone()
			if tc.change != nil {
				tc.change(forged)
			}
			r := finishSignIn(t, srv, username, assert(t, forged, startSignIn(t, srv, username), tc.tampers...))
			wantError(t, r, http.StatusUnauthorized, "authentication failed")
			authtest.SignIn(t, srv, username, p)
		})
	}
}

// TestUserVerificationFollowsConfiguration: the same unverified assertion
// that "required" refuses is accepted under "preferred".
func TestUserVerificationFollowsConfiguration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		setting string
		status  int
	}{
		{"required", http.StatusUnauthorized},
		{"preferred", http.StatusOK},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			t.Parallel()
			srv := apitest.Start(t, func(c *config.Config) { c.WebAuthn.UserVerification = tc.setting })
			p := newPasskey(srv, authtest.ES256)
			authtest.Register(t, srv, "uma", p, "")
			p.UserVerified = false
			if r := finishSignIn(t, srv, "uma", assert(t, p, startSignIn(t, srv, "uma"))); r.Status != tc.status {
				t.Fatalf("unverified sign-in under %q: %d %s, want %d", tc.setting, r.Status, r.Body, tc.status)
			}
		})
	}
}

// TestSignInWithAnotherAccountsPasskey: a passkey of alice cannot sign in
// bob, whether the ceremony was begun for bob or alice's ceremony is
// finished under bob's name.
func TestSignInWithAnotherAccountsPasskey(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	alice, bob := newPasskey(srv, authtest.ES256), newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "alice", alice, "")
	authtest.Register(t, srv, "bob", bob, "")

	wantError(t, finishSignIn(t, srv, "bob", assert(t, alice, startSignIn(t, srv, "bob"))),
		http.StatusUnauthorized, "authentication failed")
	wantError(t, finishSignIn(t, srv, "bob", assert(t, alice, startSignIn(t, srv, "alice"))),
		http.StatusUnauthorized, "authentication failed")
	// A discoverable ceremony finished under bob's name with alice's
	// passkey, too.
	wantError(t, finishSignIn(t, srv, "bob", assert(t, alice, startSignIn(t, srv, ""))),
		http.StatusUnauthorized, "authentication failed")
}

// TestSignInWithAnUnknownCredential: the 401 says the credential is unknown,
// so a page can tell the browser to forget it.
func TestSignInWithAnUnknownCredential(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	authtest.Register(t, srv, "vic", newPasskey(srv, authtest.ES256), "")
	stranger := newPasskey(srv, authtest.ES256)
	r := finishSignIn(t, srv, "", assert(t, stranger, startSignIn(t, srv, "")))
	var body struct {
		Error             string `json:"error"`
		UnknownCredential bool   `json:"unknown_credential"`
	}
	r.JSON(t, &body)
	if r.Status != http.StatusUnauthorized || body.Error != "authentication failed" || !body.UnknownCredential {
		t.Fatalf("unknown credential: %d %s", r.Status, r.Body)
	}
}

// TestRegistrationRejectsForgedAttestations: 400 "credential verification
// failed", and no account is created.
func TestRegistrationRejectsForgedAttestations(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	for _, tc := range []struct {
		name    string
		change  func(p *authtest.Passkey)
		tampers []authtest.Tamper
	}{
		{name: "wrong origin", tampers: []authtest.Tamper{authtest.WithOrigin("https://evil.example")}},
		{name: "wrong RP ID", tampers: []authtest.Tamper{authtest.WithRPID("evil.example")}},
		{name: "user not verified", change: func(p *authtest.Passkey) { p.UserVerified = false }},
		{name: "user not present", change: func(p *authtest.Passkey) { p.UserPresent = false }},
		{name: "backed up without being eligible", change: func(p *authtest.Passkey) { p.BackupState = true }},
		{name: "clientDataJSON changed after signing", tampers: []authtest.Tamper{authtest.TamperClientDataJSON()}},
		{name: "bogus attestation signature", tampers: []authtest.Tamper{authtest.CorruptSignature()}},
		{name: "sign-in type", tampers: []authtest.Tamper{authtest.WithType("webauthn.get")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			username := "new-" + tc.name
			p := newPasskey(srv, authtest.ES256)
			if tc.change != nil {
				tc.change(p)
			}
			r := finishRegistration(t, srv, username, attest(t, p, startRegistration(t, srv, username, ""), tc.tampers...), "")
			wantError(t, r, http.StatusBadRequest, "credential verification failed")
			var users int
			if err := db.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE username = $1`, username).Scan(&users); err != nil || users != 0 {
				t.Fatalf("%d user rows after a refused registration (%v)", users, err)
			}
		})
	}
	t.Run("username differs from the one the ceremony began with", func(t *testing.T) {
		t.Parallel()
		p := newPasskey(srv, authtest.ES256)
		r := finishRegistration(t, srv, "mallory", attest(t, p, startRegistration(t, srv, "wendy", "")), "")
		wantError(t, r, http.StatusBadRequest, "credential verification failed")
	})
}

// TestCeremonyTypesDoNotCross: an answer sent to the other ceremony's finish
// finds no ceremony of that kind under its challenge (400), and leaves the
// ceremony it belongs to intact.
func TestCeremonyTypesDoNotCross(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)

	registration := attest(t, p, startRegistration(t, srv, "xena", ""))
	wantChallengeNotFound(t, finishSignIn(t, srv, "xena", registration))
	if r := finishRegistration(t, srv, "xena", registration, ""); r.Status != http.StatusOK {
		t.Fatalf("registration after the misdirected finish: %d %s", r.Status, r.Body)
	}

	assertion := assert(t, p, startSignIn(t, srv, "xena"))
	wantChallengeNotFound(t, finishRegistration(t, srv, "xena", assertion, ""))
	if r := finishSignIn(t, srv, "xena", assertion); r.Status != http.StatusOK {
		t.Fatalf("sign-in after the misdirected finish: %d %s", r.Status, r.Body)
	}
}

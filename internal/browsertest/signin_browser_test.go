package browsertest_test

import (
	"testing"
)

// Signing in twice, first with a username and then with the passkey picker
// alone (a discoverable credential): each sign-in is a fresh assertion, so
// the server's stored sign count rises every time, in step with the
// authenticator's, and each sign-out ends the session it had.
func TestBrowserSignInWithAndWithoutUsername(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("ann", "")
	cred := s.auth.OnlyCredential()
	before := s.storedSignCount(cred.CredentialID)

	signIns := []struct {
		name   string
		signIn func()
	}{
		{"with a username", func() {
			s.b.Type(signInUser, "ANN") // usernames match whatever the case
			s.b.Click(signInButton)
		}},
		{"without a username", func() { s.b.Click(passkeyButton) }},
	}
	for _, step := range signIns {
		token := s.sessionToken()
		s.signOutLeavingAutofillPending()
		if s.sessionToken() != "" {
			s.b.Fatalf("signing out left the token in sessionStorage")
		}
		if r := s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+token); r.Status != 401 {
			s.b.Fatalf("the signed-out token still answers %d", r.Status)
		}

		step.signIn()
		s.b.WaitText(statusRegion, "Signed in as ann.")
		s.b.WaitVisible(signedInView)

		after := s.storedSignCount(cred.CredentialID)
		device := int64(s.auth.OnlyCredential().SignCount)
		if after <= before || after != device {
			s.b.Fatalf("signing in %s: stored sign count went %d → %d, the authenticator's is %d",
				step.name, before, after, device)
		}
		before = after
	}
}

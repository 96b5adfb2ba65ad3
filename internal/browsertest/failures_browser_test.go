package browsertest_test

import (
	"testing"
)

// A second person, in a fresh browser profile, picks a username that is
// taken: the page says so, and their device is never asked for a passkey.
func TestBrowserUsernameTaken(t *testing.T) {
	t.Parallel()
	first := openSite(t)
	first.register("carol", "")

	second := openBrowser(t, first.srv)
	second.b.Type(registerUser, "Carol\n") // usernames are unique whatever the case
	second.b.WaitText(statusRegion, "That username is taken (username is not available)")
	second.b.WaitVisible(signedOutView)
	if n := len(second.auth.Credentials()); n != 0 {
		second.b.Fatalf("the refused registration created %d credentials", n)
	}
	var users int
	queryRow(t, first.srv, `SELECT count(*) FROM users`, nil, &users)
	if users != 1 {
		second.b.Fatalf("%d accounts exist, want 1", users)
	}
}

// An assertion with a bogus signature is refused: the page says sign-in
// failed and keeps no session; the server created none.
func TestBrowserBogusSignatureFailsSignIn(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("dave", "")
	sessions := s.srv.Metric(t, "sessions_created_total")
	s.signOutLeavingAutofillPending()

	s.auth.SendBogusSignatures()
	s.b.Click(passkeyButton)
	s.b.WaitText(statusRegion, "Sign-in failed: authentication failed.")
	s.b.WaitVisible(signedOutView)
	if token := s.sessionToken(); token != "" {
		s.b.Fatalf("the page kept a session token after a refused sign-in")
	}
	if got := s.srv.Metric(t, "sessions_created_total"); got != sessions {
		s.b.Fatalf("sessions created went %v → %v on a refused sign-in", sessions, got)
	}
	if got := s.srv.Metric(t, `webauthn_authentications_total{result="failure"}`); got < 1 {
		s.b.Fatalf("the server counted %v failed sign-ins", got)
	}
}

// When the device cannot verify the person, the browser refuses with a
// NotAllowedError and the page says what that means.
func TestBrowserUnverifiedUserGetsClearMessage(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("erin", "")
	sessions := s.srv.Metric(t, "sessions_created_total")
	s.signOutLeavingAutofillPending()

	s.auth.SetUserVerified(false)
	s.b.Type(signInUser, "erin")
	s.b.Click(signInButton)
	s.b.WaitText(statusRegion, "Sign-in did not complete")
	s.b.WaitText(statusRegion, "it could not verify you")
	s.b.WaitVisible(signedOutView)
	if token := s.sessionToken(); token != "" {
		s.b.Fatalf("the page kept a session token although the device did not verify the user")
	}
	if got := s.srv.Metric(t, "sessions_created_total"); got != sessions {
		s.b.Fatalf("sessions created went %v → %v", sessions, got)
	}
}

// A passkey the server no longer knows: the API answers unknown_credential,
// the page says the passkey was removed and asks the browser to forget it
// (signalUnknownCredential), which the virtual authenticator obeys.
func TestBrowserRemovedPasskeyIsForgotten(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("fred", "")
	cred := s.auth.OnlyCredential()
	s.signOutLeavingAutofillPending()

	execSQL(t, s.srv, `DELETE FROM credentials WHERE id = $1`, cred.CredentialID)
	s.b.Click(passkeyButton)
	s.b.WaitText(statusRegion, "This passkey was removed from your account")
	s.b.WaitText(statusRegion, "Your browser was asked to forget it.")
	s.b.WaitVisible(signedOutView)
	if n := len(s.auth.Credentials()); n != 0 {
		s.b.Fatalf("the authenticator still holds %d credentials after the page signalled the unknown one", n)
	}
	if token := s.sessionToken(); token != "" {
		s.b.Fatalf("the page kept a session token")
	}
}

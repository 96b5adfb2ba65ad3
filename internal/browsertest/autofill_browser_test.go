package browsertest_test

import (
	"testing"
)

// Passkey autofill: on load the page asks for a conditional credential
// request and leaves it pending (the username field offers passkeys); when
// the authenticator answers it, the person is signed in without a click.
//
// Chromium's virtual authenticator answers a conditional request as soon as
// it holds a credential and presence is simulated, as if the person picked
// the passkey from the autofill list at once; with presence off the request
// waits, as it does while a person has not chosen yet.
func TestBrowserAutofillSignsIn(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("gail", "")
	cred := s.auth.OnlyCredential()
	count := s.storedSignCount(cred.CredentialID)
	sessions := s.srv.Metric(t, "sessions_created_total")

	s.auth.SetPresence(false)
	s.b.Click(signOutButton)
	s.b.WaitText(statusRegion, "You are signed out")
	s.b.Open("/passkeys")
	s.b.WaitVisible(autofillPending)
	s.b.WaitVisible(signedOutView)
	if got := s.srv.Metric(t, "sessions_created_total"); got != sessions {
		s.b.Fatalf("a pending autofill request created a session (%v → %v)", sessions, got)
	}
	if s.b.Count(autofillPending) != 1 {
		s.b.Fatalf("the autofill request did not stay pending")
	}

	s.auth.SetPresence(true)
	s.b.Open("/passkeys")
	s.b.WaitText(statusRegion, "Signed in as gail with passkey autofill.")
	s.b.WaitVisible(signedInView)
	if s.sessionToken() == "" {
		s.b.Fatalf("the autofill sign-in left no session token")
	}
	if got := s.storedSignCount(cred.CredentialID); got <= count {
		s.b.Fatalf("the stored sign count went %d → %d on the autofill sign-in", count, got)
	}
	if got := s.srv.Metric(t, "sessions_created_total"); got != sessions+1 {
		s.b.Fatalf("sessions created went %v → %v, want one more", sessions, got)
	}
}

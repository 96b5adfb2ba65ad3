package browsertest_test

import (
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/browsertest"
)

// What the Security part of the page shows, by selector.
const (
	sessionItems  = "#session-list > li"
	otherSessions = "#session-list > li:not([data-current])"
	revokeOthers  = "#revoke-others-button"
	eventItems    = "#event-list > li"
	moreEvents    = "#more-events-button"
)

// apiSession signs the account in outside the browser, with a software
// passkey added to it through the browser's session (within the sign-in's
// re-authentication window): another device, as the page will list it.
func (s *site) apiSession(username string, p *authtest.Passkey) string {
	s.t.Helper()
	return authtest.SignIn(s.t, s.srv, username, p)
}

// The Security part lists where the account is signed in and ends one
// session, or all but this one; the recent activity shows the latest 20
// events and more on demand, keyboard focus following.
func TestBrowserSecuritySessionsAndActivity(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("yan", "Laptop")
	phone := authtest.NewPasskey(authtest.ES256, s.srv.PageOrigin())
	authtest.Register(t, s.srv, "yan", phone, s.sessionToken())
	other := s.apiSession("yan", phone)

	s.b.Open("/passkeys") // the page loads the lists when it opens signed in
	s.b.WaitVisible(signedInView)
	s.b.WaitCount(sessionItems, 2)
	if got := s.b.Text("#session-list > li[data-current] .session-device"); got != "Chrome on Linux" {
		s.b.Fatalf("this device is listed as %q", got)
	}
	if got := s.b.Text(otherSessions + " .session-device"); got != "Go HTTP client" {
		s.b.Fatalf("the other session is listed as %q", got)
	}
	s.b.Click(otherSessions + " .end-session")
	s.b.WaitText(statusRegion, "Signed out Go HTTP client.")
	s.b.WaitCount(sessionItems, 1)
	if r := s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+other); r.Status != 401 {
		s.b.Fatalf("the ended session still answers %d", r.Status)
	}

	for range 25 { // more activity than one page
		s.apiSession("yan", phone)
	}
	// 31 events: the account, two passkeys, two sign-ins, the ended
	// session (written just after its action) and the 25 sign-ins.
	const events = 31
	apitest.WaitFor(t, "every event to be stored", func() bool {
		var n int
		queryRow(t, s.srv, `SELECT count(*) FROM security_events`, nil, &n)
		return n == events
	})
	s.b.Open("/passkeys")
	s.b.WaitCount(sessionItems, 26)
	s.b.WaitCount(eventItems, 20)
	s.b.Click(moreEvents)
	s.b.WaitCount(eventItems, events)
	if got := browsertest.Eval[string](s.b, `document.activeElement.closest("#event-list > li")?.dataset.type ?? ""`); got == "" {
		s.b.Fatalf("focus did not move to the older activity")
	}
	s.b.WaitHidden(moreEvents)

	s.b.Click(revokeOthers)
	s.b.WaitText(statusRegion, "Signed out 25 other sessions.")
	s.b.WaitCount(sessionItems, 1)
	s.b.WaitHidden(revokeOthers)
	if got := s.b.Text(eventItems + ":first-child .event-what"); got != "Session ended" {
		s.b.Fatalf("the newest activity reads %q", got)
	}
	if r := s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+s.sessionToken()); r.Status != 200 {
		s.b.Fatalf("this device's own session answers %d after signing the others out", r.Status)
	}
}

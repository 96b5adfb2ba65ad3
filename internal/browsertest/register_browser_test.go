package browsertest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"movieapi/internal/browsertest"
)

// A person types a username and a passkey name, presses Enter, and lands on
// the signed-in view listing the one passkey they just created.
func TestBrowserRegisterListsOnePasskey(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("ann", "Laptop")

	if got := s.b.Text(accountName); got != "ann" {
		s.b.Fatalf("signed in as %q, want ann", got)
	}
	s.b.WaitCount(passkeyItems, 1)
	cred := s.auth.OnlyCredential()
	item := passkeyItems + `[data-id="` + credentialID(cred) + `"]`
	if got := s.b.Text(item + " .passkey-name"); got != "Laptop" {
		s.b.Fatalf("the passkey is listed as %q, want Laptop", got)
	}
	// The virtual authenticator's credentials are not backed up.
	if got := s.b.Text(item + " .passkey-kind"); got != "Device-bound" {
		s.b.Fatalf("the passkey's kind reads %q, want Device-bound", got)
	}
	s.b.WaitVisible(item + " .passkey-current")
	if got := s.b.Text(item + " .passkey-last-used"); got == "Never" || got == "" {
		s.b.Fatalf("last used reads %q after signing in with it", got)
	}

	// The page's session is a real one: the API lists the same passkey.
	resp := s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+s.sessionToken())
	var listed struct {
		Credentials []struct{ ID, Name string } `json:"credentials"`
	}
	resp.JSON(t, &listed)
	if resp.Status != 200 || len(listed.Credentials) != 1 || listed.Credentials[0].ID != credentialID(cred) {
		s.b.Fatalf("the API lists %d %s with the page's token, want the page's one passkey", resp.Status, resp.Body)
	}

	// The session lives in the tab: a reload keeps it, and once the server
	// ends it the page says so and offers sign-in again.
	token := s.sessionToken()
	s.b.Open("/passkeys")
	s.b.WaitVisible(signedInView)
	s.b.WaitCount(passkeyItems, 1)
	checkAccessible(t, s.b)

	// Once the page has noticed, it starts passkey autofill again; with
	// presence off that request waits, as it does until a person picks a
	// passkey, instead of the authenticator answering it at once and
	// signing ann straight back in.
	s.auth.SetPresence(false)
	if r := s.srv.Do(t, "POST", "/webauthn/logout", nil, "Authorization", "Bearer "+token); r.Status != 204 {
		s.b.Fatalf("logging out through the API answered %d", r.Status)
	}
	s.b.Open("/passkeys")
	s.b.WaitText(statusRegion, "Your session has ended. Sign in again.")
	s.b.WaitVisible(signedOutView)
	if s.sessionToken() != "" {
		s.b.Fatalf("the page kept the ended session's token")
	}
	s.b.WaitVisible(autofillPending)
	if got := s.b.Text(statusRegion); got != "Your session has ended. Sign in again." {
		s.b.Fatalf("once autofill was pending the status read %q, want the ended session's message", got)
	}
}

// checkAccessible checks what a screen reader and a phone need: labelled
// fields, a live status region, autofill hints, no sideways scrolling.
func checkAccessible(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	unlabelled := browsertest.Eval[[]string](b,
		`[...document.querySelectorAll("input")].filter(i => i.labels.length === 0).map(i => i.id || i.name)`)
	if len(unlabelled) > 0 {
		b.Fatalf("inputs without a label: %v", unlabelled)
	}
	live := browsertest.Eval[string](b, `document.querySelector("#status").getAttribute("aria-live") ?? ""`)
	if live != "polite" {
		b.Fatalf("the status region has aria-live=%q, want polite", live)
	}
	hint := browsertest.Eval[string](b, `document.querySelector("#signin-username").autocomplete`)
	if hint != "username webauthn" {
		b.Fatalf("the sign-in username field has autocomplete=%q", hint)
	}
	b.Viewport(360, 740)
	overflow := browsertest.Eval[json.Number](b,
		`document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	if overflow.String() != "0" {
		b.Fatalf("at a phone's width the page scrolls sideways by %spx", overflow)
	}
	if text := b.Text("#signed-in"); !strings.Contains(text, "Sign out") {
		b.Fatalf("the signed-in view lost its sign-out button at a phone's width: %q", text)
	}
}

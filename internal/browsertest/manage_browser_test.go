package browsertest_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/webauthn"

	"movieapi/internal/browsertest"
)

var updateDocs = flag.Bool("update-docs", false, "write docs/img/passkeys-page.png from the signed-in view")

// From the signed-in view: add a second passkey from a provider that syncs
// it, rename one, delete one, and fail to delete the last one.
func TestBrowserManagePasskeys(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("bob", "Laptop")
	laptop := credentialID(s.auth.OnlyCredential())
	s.b.WaitCount(passkeyItems, 1)

	// The platform authenticator already holds bob's passkey (the server
	// lists it in excludeCredentials), so the browser refuses a second one.
	s.b.Click(addButton)
	s.b.WaitText(statusRegion, "This device already has a passkey for this account")
	if n := len(s.auth.Credentials()); n != 1 {
		s.b.Fatalf("the refused registration left %d credentials on the platform authenticator", n)
	}

	// Chromium allows one platform authenticator, so the second one plugs
	// in over USB; its credentials are backed up, as synced passkeys are.
	phone := s.b.AddAuthenticator(webauthn.AuthenticatorTransportUsb, browsertest.BackedUp)
	s.b.Type(addName, "Phone")
	s.b.Click(addButton)
	s.b.WaitText(statusRegion, "Passkey “Phone” added.")
	s.b.WaitCount(passkeyItems, 2)
	synced := credentialID(phone.OnlyCredential())
	item := func(id string) string { return passkeyItems + `[data-id="` + id + `"]` }
	if got := s.b.Text(item(synced) + " .passkey-name"); got != "Phone" {
		s.b.Fatalf("the new passkey is listed as %q", got)
	}
	if got := s.b.Text(item(synced) + " .passkey-kind"); got != "Synced" {
		s.b.Fatalf("the backed-up passkey's kind reads %q, want Synced", got)
	}
	if got := s.b.Text(item(laptop) + " .passkey-kind"); got != "Device-bound" {
		s.b.Fatalf("the platform passkey's kind reads %q, want Device-bound", got)
	}

	s.b.Click(item(laptop) + " .rename")
	s.b.Retype(item(laptop)+" .rename-input", "Work laptop\n")
	s.b.WaitText(statusRegion, "Renamed to “Work laptop”.")
	s.b.WaitText(item(laptop)+" .passkey-name", "Work laptop")

	if *updateDocs {
		s.b.SaveScreenshot(filepath.Join("..", "..", "docs", "img", "passkeys-page.png"))
	}

	s.b.Click(item(synced) + " .delete")
	s.b.Click(item(synced) + " .confirm-delete")
	s.b.WaitText(statusRegion, "Passkey “Phone” deleted.")
	s.b.WaitCount(passkeyItems, 1)

	s.b.Click(item(laptop) + " .delete")
	s.b.Click(item(laptop) + " .confirm-delete")
	s.b.WaitText(statusRegion, "Not deleted: cannot delete your only passkey.")
	s.b.WaitCount(passkeyItems, 1)
	s.b.WaitVisible(item(laptop) + " .rename")

	// What the page showed is what the server holds.
	var listed struct {
		Credentials []struct{ ID, Name string } `json:"credentials"`
	}
	s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+s.sessionToken()).JSON(t, &listed)
	if len(listed.Credentials) != 1 || listed.Credentials[0].ID != laptop || listed.Credentials[0].Name != "Work laptop" {
		s.b.Fatalf("the server holds %+v, want only the renamed laptop passkey", listed.Credentials)
	}
}

// Deleting the passkey this session was created with ends the session on
// the server at once; the page says so and shows sign-in again.
func TestBrowserDeletingSignInPasskeyEndsSession(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("kim", "Laptop")
	laptop := credentialID(s.auth.OnlyCredential())
	key := s.b.AddAuthenticator(webauthn.AuthenticatorTransportUsb)
	s.b.Click(addButton)
	s.b.WaitText(statusRegion, "Passkey added.")
	s.b.WaitCount(passkeyItems, 2)
	token := s.sessionToken()

	// Both authenticators hold a passkey of kim's; with presence off the
	// autofill request of the signed-out page waits instead of signing in.
	s.auth.SetPresence(false)
	key.SetPresence(false)
	item := passkeyItems + `[data-id="` + laptop + `"]`
	s.b.Click(item + " .delete")
	s.b.WaitText(item+" .confirm-text", "You signed in with it, so this also signs you out.")
	s.b.Click(item + " .confirm-delete")
	s.b.WaitText(statusRegion, "Passkey “Laptop” deleted. You had signed in with it, so you are signed out.")
	s.b.WaitVisible(signedOutView)
	if s.sessionToken() != "" {
		s.b.Fatalf("the page kept the ended session's token")
	}
	if r := s.srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+token); r.Status != 401 {
		s.b.Fatalf("the session of the deleted passkey still answers %d", r.Status)
	}
}

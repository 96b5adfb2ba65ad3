package browsertest_test

import (
	"encoding/base64"
	"testing"

	"github.com/chromedp/cdproto/webauthn"

	"movieapi/internal/apitest"
	"movieapi/internal/browsertest"
)

// recordSignals wraps the Signal API's three calls (before the page's own
// scripts run) so the test can see what the page sent; the browser's own
// implementation still runs after.
const recordSignals = `
window.__signals = [];
for (const name of ["signalAllAcceptedCredentials", "signalCurrentUserDetails", "signalUnknownCredential"]) {
  const original = PublicKeyCredential[name];
  PublicKeyCredential[name] = function (argument) {
    window.__signals.push({ name, argument });
    return typeof original === "function" ? original.call(PublicKeyCredential, argument) : Promise.resolve();
  };
}`

type signalCall struct {
	Name     string         `json:"name"`
	Argument map[string]any `json:"argument"`
}

func (s *site) signals() []signalCall {
	s.t.Helper()
	return browsertest.Eval[[]signalCall](s.b, `window.__signals`)
}

// lastSignal is the latest call of name, failing when there is none.
func (s *site) lastSignal(name string) map[string]any {
	s.t.Helper()
	calls := s.signals()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Name == name {
			return calls[i].Argument
		}
	}
	s.b.Fatalf("the page never called %s; calls: %+v", name, calls)
	return nil
}

func ids(argument map[string]any) []string {
	var out []string
	for _, v := range argument["allAcceptedCredentialIds"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

// The page keeps the browser's passkeys in step with the account: after a
// sign-in it sends the account's name and the passkeys it accepts, and
// after a deletion the ones left; the user id is the account's handle. The
// browser acts on it: the deleted passkey leaves its authenticator.
func TestBrowserSignalsTheAccountsPasskeys(t *testing.T) {
	t.Parallel()
	s := openSiteWith(t, recordSignals)
	s.register("wil", "Laptop")
	laptop := credentialID(s.auth.OnlyCredential())
	var handle []byte
	queryRow(t, s.srv, `SELECT handle FROM users WHERE username = 'wil'`, nil, &handle)
	userID := base64.RawURLEncoding.EncodeToString(handle)

	details := s.lastSignal("signalCurrentUserDetails")
	if details["rpId"] != "localhost" || details["userId"] != userID || details["name"] != "wil" || details["displayName"] != "wil" {
		s.b.Fatalf("signalCurrentUserDetails(%v), want rpId localhost, the user handle %s and the username", details, userID)
	}
	if accepted := s.lastSignal("signalAllAcceptedCredentials"); accepted["userId"] != userID ||
		len(ids(accepted)) != 1 || ids(accepted)[0] != laptop {
		s.b.Fatalf("signalAllAcceptedCredentials(%v) after sign-in, want only %s", accepted, laptop)
	}

	key := s.b.AddAuthenticator(webauthn.AuthenticatorTransportUsb)
	s.b.Click(addButton)
	s.b.WaitText(statusRegion, "Passkey added.")
	keyID := credentialID(key.OnlyCredential())
	if accepted := ids(s.lastSignal("signalAllAcceptedCredentials")); len(accepted) != 2 {
		s.b.Fatalf("after adding a passkey the page signalled %v", accepted)
	}
	item := passkeyItems + `[data-id="` + keyID + `"]`
	s.b.Click(item + " .delete")
	s.b.Click(item + " .confirm-delete")
	s.b.WaitText(statusRegion, "deleted.")
	if accepted := ids(s.lastSignal("signalAllAcceptedCredentials")); len(accepted) != 1 || accepted[0] != laptop {
		s.b.Fatalf("after deleting %s the page signalled %v, want only %s", keyID, accepted, laptop)
	}
	// Chromium's virtual authenticator applies the signal: the passkey the
	// account no longer accepts is removed from it, the other one stays.
	apitest.WaitFor(t, "the deleted passkey to leave its authenticator", func() bool { return len(key.Credentials()) == 0 })
	if got := credentialID(s.auth.OnlyCredential()); got != laptop {
		s.b.Fatalf("the platform authenticator holds %s, want the kept passkey %s", got, laptop)
	}
}

// Where the browser has no Signal API the page works as before, without an
// error (the browser tests fail on any console error).
func TestBrowserWorksWithoutTheSignalAPI(t *testing.T) {
	t.Parallel()
	s := openSiteWith(t, `for (const name of ["signalAllAcceptedCredentials", "signalCurrentUserDetails", "signalUnknownCredential"]) {
  delete PublicKeyCredential[name];
  Object.defineProperty(PublicKeyCredential, name, { value: undefined });
}`)
	s.register("xia", "")
	item := passkeyItems + `[data-id="` + credentialID(s.auth.OnlyCredential()) + `"]`
	s.b.Click(item + " .delete")
	s.b.Click(item + " .confirm-delete")
	s.b.WaitText(statusRegion, "Not deleted: cannot delete your only passkey.")
}

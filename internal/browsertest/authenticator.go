package browsertest

import (
	"github.com/chromedp/cdproto/webauthn"
)

// Authenticator is a CDP virtual authenticator in the browser: it answers
// the page's WebAuthn ceremonies as a device would, with no prompt.
type Authenticator struct {
	b  *Browser
	ID webauthn.AuthenticatorID
}

// AddAuthenticator adds a CTAP 2.1 authenticator with resident keys and
// user verification that verifies the user and simulates presence, i.e.
// a platform passkey provider when transport is "internal" (Chromium allows
// one of those) or a security key when it is "usb".
func (b *Browser) AddAuthenticator(transport webauthn.AuthenticatorTransport, opts ...AuthenticatorOption) *Authenticator {
	b.t.Helper()
	options := &webauthn.VirtualAuthenticatorOptions{
		Protocol:            webauthn.AuthenticatorProtocolCtap2,
		Ctap2version:        webauthn.Ctap2versionCtap21,
		Transport:           transport,
		HasResidentKey:      true,
		HasUserVerification: true,
		IsUserVerified:      true,
		// Its default is documented as true, but the field is always
		// sent, so it is set explicitly.
		AutomaticPresenceSimulation: true,
	}
	for _, o := range opts {
		o(options)
	}
	res, err := call(b, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: options})
	if err != nil {
		b.Fatalf("adding a virtual %s authenticator: %v", transport, err)
	}
	return &Authenticator{b: b, ID: res.AuthenticatorID}
}

// AuthenticatorOption changes one setting of a new authenticator.
type AuthenticatorOption func(*webauthn.VirtualAuthenticatorOptions)

// BackedUp makes the authenticator's credentials backup eligible and backed
// up, as a passkey provider that syncs them does.
func BackedUp(o *webauthn.VirtualAuthenticatorOptions) {
	o.DefaultBackupEligibility = true
	o.DefaultBackupState = true
}

// Credentials returns the credentials the authenticator holds now.
func (a *Authenticator) Credentials() []*webauthn.Credential {
	a.b.t.Helper()
	res, err := call(a.b, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: a.ID})
	if err != nil {
		a.b.Fatalf("reading the authenticator's credentials: %v", err)
	}
	return res.Credentials
}

// OnlyCredential returns the one credential the authenticator holds,
// failing the test when it holds another number.
func (a *Authenticator) OnlyCredential() *webauthn.Credential {
	a.b.t.Helper()
	creds := a.Credentials()
	if len(creds) != 1 {
		a.b.Fatalf("the authenticator holds %d credentials, want 1", len(creds))
	}
	return creds[0]
}

// SetPresence turns automatic presence simulation on or off. While it is
// off, a request waits for a touch that never comes: it stays pending.
func (a *Authenticator) SetPresence(on bool) {
	a.b.t.Helper()
	if _, err := call(a.b, webauthn.SetAutomaticPresenceSimulation, webauthn.SetAutomaticPresenceSimulationParams{
		AuthenticatorID: a.ID, Enabled: on,
	}); err != nil {
		a.b.Fatalf("setting presence simulation: %v", err)
	}
}

// SetUserVerified makes user verification succeed or fail.
func (a *Authenticator) SetUserVerified(verified bool) {
	a.b.t.Helper()
	if _, err := call(a.b, webauthn.SetUserVerified, webauthn.SetUserVerifiedParams{
		AuthenticatorID: a.ID, IsUserVerified: verified,
	}); err != nil {
		a.b.Fatalf("setting user verification: %v", err)
	}
}

// SendBogusSignatures makes every later assertion carry an all-zero
// signature.
func (a *Authenticator) SendBogusSignatures() {
	a.b.t.Helper()
	if _, err := call(a.b, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{
		AuthenticatorID: a.ID, IsBogusSignature: new(true),
	}); err != nil {
		a.b.Fatalf("overriding the authenticator's responses: %v", err)
	}
}

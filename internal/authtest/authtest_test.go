package authtest_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/authtest"
)

// The passkeys produced here are checked against go-webauthn directly — the
// library the service verifies with — without the service in between.

const (
	rpID   = "example.com"
	origin = "https://app.example.com"
)

func relyingParty(t *testing.T) *webauthn.WebAuthn {
	t.Helper()
	wa, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: "Test", RPOrigins: []string{origin}})
	if err != nil {
		t.Fatal(err)
	}
	return wa
}

type user struct {
	handle      []byte
	credentials []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return u.handle }
func (u *user) WebAuthnName() string                       { return "alice" }
func (u *user) WebAuthnDisplayName() string                { return "Alice" }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.credentials }

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// register runs a registration of p with go-webauthn and returns the
// verified credential, or the library's error.
func register(t *testing.T, wa *webauthn.WebAuthn, u *user, p *authtest.Passkey, tampers ...authtest.Tamper) (*webauthn.Credential, error) {
	t.Helper()
	creation, session, err := wa.BeginRegistration(u)
	if err != nil {
		t.Fatal(err)
	}
	// The service answers {"challenge": creation}; Attest reads both forms.
	credential, err := p.Attest(marshal(t, map[string]any{"challenge": creation}), tampers...)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, err
	}
	return wa.CreateCredential(u, *session, parsed)
}

// login runs a username-first sign-in of p with go-webauthn.
func login(t *testing.T, wa *webauthn.WebAuthn, u *user, p *authtest.Passkey, tampers ...authtest.Tamper) (*webauthn.Credential, error) {
	t.Helper()
	assertion, session, err := wa.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	credential, err := p.Assert(marshal(t, map[string]any{"options": assertion}), tampers...)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return nil, err
	}
	return wa.ValidateLogin(u, *session, parsed)
}

func TestPasskeysVerifyWithGoWebAuthn(t *testing.T) {
	t.Parallel()
	for _, keyType := range []virtualwebauthn.KeyType{authtest.ES256, authtest.RS256} {
		for _, format := range []string{"packed", "none"} {
			t.Run(fmt.Sprintf("%s/%s", keyType, format), func(t *testing.T) {
				t.Parallel()
				wa := relyingParty(t)
				u := &user{handle: []byte("0123456789abcdef0123456789abcdef")}
				p := authtest.NewPasskey(keyType, origin)
				p.Attestation = format
				p.BackupEligible = true
				p.Counter = 3
				cred, err := register(t, wa, u, p)
				if err != nil {
					t.Fatalf("registration: %v", err)
				}
				if cred.AttestationFormat != format || !slices.Equal(cred.ID, p.ID) {
					t.Fatalf("registered format %q id %x", cred.AttestationFormat, cred.ID)
				}
				if !cred.Flags.UserPresent || !cred.Flags.UserVerified || !cred.Flags.BackupEligible || cred.Flags.BackupState {
					t.Fatalf("registered flags %+v", cred.Flags)
				}
				if cred.Authenticator.SignCount != 3 || !slices.Equal(p.UserHandle, u.handle) {
					t.Fatalf("counter %d, user handle %q", cred.Authenticator.SignCount, p.UserHandle)
				}
				if !slices.Equal(cred.Transport, []protocol.AuthenticatorTransport{"internal", "hybrid"}) {
					t.Fatalf("transports %v", cred.Transport)
				}
				u.credentials = []webauthn.Credential{*cred}

				p.Counter, p.BackupState = 4, true
				got, err := login(t, wa, u, p)
				if err != nil {
					t.Fatalf("sign-in: %v", err)
				}
				if got.Authenticator.SignCount != 4 || !got.Flags.BackupState {
					t.Fatalf("signed in with counter %d, backup state %v", got.Authenticator.SignCount, got.Flags.BackupState)
				}
			})
		}
	}
}

// TestTampersAreCaught: each negative case is refused by the library.
func TestTampersAreCaught(t *testing.T) {
	t.Parallel()
	tampers := map[string]authtest.Tamper{
		"origin":         authtest.WithOrigin("https://evil.example"),
		"RP ID":          authtest.WithRPID("evil.example"),
		"clientDataJSON": authtest.TamperClientDataJSON(),
		"signature":      authtest.CorruptSignature(),
		"challenge":      authtest.WithChallenge("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
	}
	for name, tamper := range tampers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wa := relyingParty(t)
			u := &user{handle: []byte("0123456789abcdef0123456789abcdef")}
			p := authtest.NewPasskey(authtest.ES256, origin)
			if _, err := register(t, wa, u, p, tamper); err == nil {
				t.Fatal("a tampered registration verified")
			}
			cred, err := register(t, wa, u, p)
			if err != nil {
				t.Fatal(err)
			}
			u.credentials = []webauthn.Credential{*cred}
			if _, err := login(t, wa, u, p, tamper); err == nil {
				t.Fatal("a tampered assertion verified")
			}
			if _, err := login(t, wa, u, p); err != nil {
				t.Fatalf("the honest assertion after it: %v", err)
			}
		})
	}
	t.Run("type", func(t *testing.T) {
		t.Parallel()
		wa := relyingParty(t)
		u := &user{handle: []byte("0123456789abcdef0123456789abcdef")}
		p := authtest.NewPasskey(authtest.RS256, origin)
		if _, err := register(t, wa, u, p, authtest.WithType("webauthn.get")); err == nil {
			t.Fatal("a registration typed webauthn.get verified")
		}
		cred, err := register(t, wa, u, p)
		if err != nil {
			t.Fatal(err)
		}
		u.credentials = []webauthn.Credential{*cred}
		if _, err := login(t, wa, u, p, authtest.WithType("webauthn.create")); err == nil {
			t.Fatal("an assertion typed webauthn.create verified")
		}
	})
}

// TestES256KeysHaveFullLengthCoordinates: without the workaround about one
// key in 64 has a short coordinate, so 500 keys would almost surely show one.
func TestES256KeysHaveFullLengthCoordinates(t *testing.T) {
	t.Parallel()
	for range 500 {
		cred := authtest.NewCredential(authtest.ES256)
		key, err := webauthncose.ParsePublicKey(cred.Key.AttestationData())
		if err != nil {
			t.Fatal(err)
		}
		ec, ok := key.(webauthncose.EC2PublicKeyData)
		if !ok || len(ec.XCoord) != 32 || len(ec.YCoord) != 32 {
			t.Fatalf("COSE key %T with coordinates of %d and %d bytes", key, len(ec.XCoord), len(ec.YCoord))
		}
	}
}

// TestResponsesAreShapedLikeABrowsers: the members toJSON() writes, in the
// encodings it uses.
func TestResponsesAreShapedLikeABrowsers(t *testing.T) {
	t.Parallel()
	wa := relyingParty(t)
	u := &user{handle: []byte("0123456789abcdef0123456789abcdef")}
	p := authtest.NewPasskey(authtest.ES256, origin)
	plain, _, err := wa.BeginRegistration(u)
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := p.Attest(marshal(t, plain)); containsKey(t, raw, "credProps") {
		t.Fatalf("credProps reported without being requested: %s", raw)
	}
	creation, _, err := wa.BeginRegistration(u, webauthn.WithExtensions(webauthn.WithExtensionCredProps()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := p.Attest(marshal(t, creation))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ID, RawID, Type, AuthenticatorAttachment string
		Response                                 struct {
			ClientDataJSON, AttestationObject, AuthenticatorData, PublicKey string
			Transports                                                      []string
			PublicKeyAlgorithm                                              int64
		}
		ClientExtensionResults struct {
			CredProps *struct {
				RK bool `json:"rk"`
			} `json:"credProps"`
		}
	}
	if err := json.Unmarshal(raw, &reg); err != nil {
		t.Fatal(err)
	}
	if reg.ID != p.CredentialID() || reg.RawID != reg.ID || reg.Type != "public-key" || reg.AuthenticatorAttachment != "platform" {
		t.Fatalf("registration response %s", raw)
	}
	if reg.ClientExtensionResults.CredProps == nil || !reg.ClientExtensionResults.CredProps.RK {
		t.Fatalf("credProps missing: %s", raw)
	}
	spki, err := base64.RawURLEncoding.DecodeString(reg.Response.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParsePKIXPublicKey(spki); err != nil || reg.Response.PublicKeyAlgorithm != -7 {
		t.Fatalf("publicKey %v, publicKeyAlgorithm %d", err, reg.Response.PublicKeyAlgorithm)
	}
	var clientData map[string]any
	cdj, _ := base64.RawURLEncoding.DecodeString(reg.Response.ClientDataJSON)
	if err := json.Unmarshal(cdj, &clientData); err != nil || clientData["type"] != "webauthn.create" ||
		clientData["origin"] != origin || clientData["crossOrigin"] != false {
		t.Fatalf("clientDataJSON %s (%v)", cdj, err)
	}

	p.OmitCredProps = true
	if raw, _ := p.Attest(marshal(t, creation)); containsKey(t, raw, "credProps") {
		t.Fatalf("credProps reported although omitted: %s", raw)
	}

	p.UserHandle = nil
	assertion, _, err := wa.BeginDiscoverableLogin()
	if err != nil {
		t.Fatal(err)
	}
	raw, err = p.Assert(marshal(t, assertion))
	if err != nil {
		t.Fatal(err)
	}
	if containsKey(t, raw, "userHandle") {
		t.Fatalf("userHandle sent although the passkey has none: %s", raw)
	}
}

func containsKey(t *testing.T, raw []byte, key string) bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == key || walk(e) {
					return true
				}
			}
		case []any:
			return slices.ContainsFunc(v, walk)
		}
		return false
	}
	return walk(v)
}

package httpapi_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestPasskeyLifecycle walks one account through everything a person does
// with passkeys, for each key type the authenticators send: register, sign
// in by username, list, rename, add a second device, delete the first.
func TestPasskeyLifecycle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		keyType     virtualwebauthn.KeyType
		algorithm   int64
		attestation string
	}{
		// Browsers asked for attestation "none" mostly send format none;
		// security keys may keep their packed self attestation.
		{"ES256 none", authtest.ES256, -7, "none"},
		{"ES256 packed", authtest.ES256, -7, "packed"},
		{"RS256 packed", authtest.RS256, -257, "packed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := apitest.Start(t)
			db := database(t, srv)
			first := newPasskey(srv, tc.keyType)
			first.Attestation = tc.attestation

			// Register: the answer names the credential in base64url.
			start := startRegistration(t, srv, "Alice", "")
			r := finishRegistration(t, srv, "Alice", attest(t, first, start), "")
			if r.Status != http.StatusOK {
				t.Fatalf("register/finish: %d %s", r.Status, r.Body)
			}
			var registered struct {
				Success      bool   `json:"success"`
				CredentialID string `json:"credential_id"`
			}
			r.JSON(t, &registered)
			if !registered.Success || registered.CredentialID != first.CredentialID() {
				t.Fatalf("register/finish answered %s, want credential %s", r.Body, first.CredentialID())
			}
			row := credentialRow(t, db, first)
			if row.Algorithm != tc.algorithm || row.AttestationFormat != tc.attestation || row.Username != "Alice" {
				t.Fatalf("stored algorithm %d, format %q for %q; want %d, %q for Alice",
					row.Algorithm, row.AttestationFormat, row.Username, tc.algorithm, tc.attestation)
			}
			if row.Discoverable == nil || !*row.Discoverable || row.SignCount != 0 || row.CloneWarning {
				t.Fatalf("stored discoverable %v, sign count %d, clone warning %v", row.Discoverable, row.SignCount, row.CloneWarning)
			}

			// Sign in by username (typed in another case): the options
			// allow exactly this credential.
			start = startSignIn(t, srv, "alice")
			var options struct {
				Options struct {
					PublicKey struct {
						AllowCredentials []struct {
							ID string `json:"id"`
						} `json:"allowCredentials"`
						UserVerification string `json:"userVerification"`
					} `json:"publicKey"`
				} `json:"options"`
			}
			apitest.Response{Body: start}.JSON(t, &options)
			allowed := options.Options.PublicKey.AllowCredentials
			if len(allowed) != 1 || allowed[0].ID != first.CredentialID() {
				t.Fatalf("allowCredentials %+v, want only %s", allowed, first.CredentialID())
			}
			if uv := options.Options.PublicKey.UserVerification; uv != "required" {
				t.Fatalf("userVerification %q, want required", uv)
			}
			r = finishSignIn(t, srv, "alice", assert(t, first, start))
			if r.Status != http.StatusOK {
				t.Fatalf("auth/finish: %d %s", r.Status, r.Body)
			}
			var signedIn signInAnswer
			r.JSON(t, &signedIn)
			expires, err := time.Parse(time.RFC3339, signedIn.ExpiresAt)
			if !signedIn.Success || len(signedIn.SessionToken) != 43 || signedIn.Username != "Alice" || err != nil {
				t.Fatalf("auth/finish answered %s", r.Body)
			}
			if until := time.Until(expires); until <= 0 || until > srv.Config.SessionTTL {
				t.Fatalf("expires_at %s is not within the session TTL %s", signedIn.ExpiresAt, srv.Config.SessionTTL)
			}
			token := signedIn.SessionToken

			// List: one entry, used just now, no key material.
			list := listCredentials(t, srv, token)
			if len(list) != 1 || list[0].ID != first.CredentialID() || list[0].LastUsedAt == nil {
				t.Fatalf("credentials %+v", list)
			}
			if !slices.Equal(list[0].Transports, []string{"internal", "hybrid"}) {
				t.Fatalf("transports %v, want those the browser reported", list[0].Transports)
			}
			if list[0].Name != "Passkey" {
				t.Fatalf("name %q, want the default for an unknown AAGUID", list[0].Name)
			}

			// Rename.
			r = srv.Do(t, "PATCH", "/webauthn/credentials/"+first.CredentialID(), `{"name":"  Work laptop "}`, bearer(token)...)
			var renamed credentialEntry
			r.JSON(t, &renamed)
			if r.Status != http.StatusOK || renamed.Name != "Work laptop" || renamed.ID != first.CredentialID() {
				t.Fatalf("rename: %d %s", r.Status, r.Body)
			}
			if list := listCredentials(t, srv, token); list[0].Name != "Work laptop" {
				t.Fatalf("name after rename %q", list[0].Name)
			}

			// A second device, added from the signed-in session, then
			// used to sign in.
			second := newPasskey(srv, tc.keyType)
			if id := authtest.Register(t, srv, "alice", second, token); id != second.CredentialID() {
				t.Fatalf("second registration answered id %s", id)
			}
			if !slices.Equal(second.UserHandle, first.UserHandle) {
				t.Fatal("the second passkey was given another user handle than the account's")
			}
			secondToken := authtest.SignIn(t, srv, "alice", second)

			// Delete the first; the second remains and keeps working.
			r = srv.Do(t, "DELETE", "/webauthn/credentials/"+first.CredentialID(), nil, bearer(secondToken)...)
			if r.Status != http.StatusNoContent || len(r.Body) != 0 {
				t.Fatalf("delete: %d %s", r.Status, r.Body)
			}
			list = listCredentials(t, srv, secondToken)
			if len(list) != 1 || list[0].ID != second.CredentialID() {
				t.Fatalf("credentials after delete %+v", list)
			}
			var left int
			if err := db.QueryRow(t.Context(), `SELECT count(*) FROM credentials WHERE id = $1`, first.ID).Scan(&left); err != nil || left != 0 {
				t.Fatalf("deleted credential still stored (%d rows, %v)", left, err)
			}
			raw, _ := base64.RawURLEncoding.DecodeString(list[0].ID)
			if !slices.Equal(raw, second.ID) {
				t.Fatal("listed id does not decode to the credential id")
			}
		})
	}
}

// TestDiscoverableIsStoredAsReported: credProps.rk is stored when the
// client reports it and left unknown (NULL) when it does not.
func TestDiscoverableIsStoredAsReported(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	for _, tc := range []struct {
		username string
		change   func(p *authtest.Passkey)
		want     *bool
	}{
		{"resident", func(p *authtest.Passkey) { p.Discoverable = true }, ptr(true)},
		{"server-side", func(p *authtest.Passkey) { p.Discoverable = false }, ptr(false)},
		{"unreported", func(p *authtest.Passkey) { p.OmitCredProps = true }, nil},
	} {
		p := newPasskey(srv, authtest.ES256)
		tc.change(p)
		authtest.Register(t, srv, tc.username, p, "")
		got := credentialRow(t, db, p).Discoverable
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("%s: stored discoverable %v, want %v", tc.username, deref(got), deref(tc.want))
		}
	}
}

func ptr(b bool) *bool { return &b }

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// TestPasskeyName: a name given at registration is kept; without one the
// passkey is named after its provider's AAGUID where known.
func TestPasskeyName(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	icloud := newPasskey(srv, authtest.ES256)
	copy(icloud.AAGUID[:], mustUUID(t, "fbfc3007-154e-4ecc-8c0b-6e020557d7bd"))
	authtest.Register(t, srv, "pat", icloud, "")
	token := authtest.SignIn(t, srv, "pat", icloud)
	if list := listCredentials(t, srv, token); list[0].Name != "iCloud Keychain" {
		t.Fatalf("name %q, want the provider's", list[0].Name)
	}

	named := newPasskey(srv, authtest.ES256)
	start := startRegistration(t, srv, "pat", token)
	body := jsonBody(t, map[string]any{"username": "pat", "name": "  Yubikey on keyring ", "credential": json.RawMessage(attest(t, named, start))})
	if r := srv.Do(t, "POST", "/webauthn/register/finish", body, bearer(token)...); r.Status != http.StatusOK {
		t.Fatalf("register with a name: %d %s", r.Status, r.Body)
	}
	if list := listCredentials(t, srv, token); list[1].Name != "Yubikey on keyring" {
		t.Fatalf("name %q, want the one given", list[1].Name)
	}
}

func mustUUID(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		t.Fatalf("bad UUID %q", s)
	}
	return b
}

package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestLoginOptionsForAKnownUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	id := h.register("alice", d, nil)
	opts, raw := h.beginLogin("Alice", false)
	pk := publicKeyOf(t, raw)
	if len(opts.AllowCredentials) != 1 || opts.AllowCredentials[0] != base64.RawURLEncoding.EncodeToString(id) {
		t.Fatalf("allowCredentials = %v", opts.AllowCredentials)
	}
	if pk["userVerification"] != "required" || pk["rpId"] != testRPID || pk["timeout"] != float64(300000) {
		t.Fatalf("request options = %v", pk)
	}
}

func TestDiscoverableLogin(t *testing.T) {
	t.Parallel()
	for _, conditional := range []bool{false, true} {
		name := "modal"
		if conditional {
			name = "conditional"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			id := h.register("Judy", d, nil)

			opts, raw := h.beginLogin("", conditional)
			if allow, ok := publicKeyOf(t, raw)["allowCredentials"]; ok && len(allow.([]any)) != 0 {
				t.Fatalf("discoverable options carry allowCredentials %v", allow)
			}
			if got := string(raw); conditional != bytes.Contains(raw, []byte(`"mediation":"conditional"`)) {
				t.Fatalf("mediation in %s, want conditional=%v", got, conditional)
			}
			// The virtual authenticator finds nothing through an empty
			// allow list: it is handed the credential, and it reports the
			// user handle it stored at registration.
			res, err := h.svc.FinishLogin(context.Background(), "", h.assert(d, opts))
			if err != nil {
				t.Fatal(err)
			}
			if res.Username != "Judy" {
				t.Fatalf("username = %q", res.Username)
			}
			if s := h.mustAuthenticate(res.Token); !bytes.Equal(s.CredentialID, id) {
				t.Fatal("session names another credential")
			}
		})
	}
}

func TestDiscoverableLoginRejections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		handle            func(alice, bob []byte) []byte
		unknownCredential bool
	}{
		{name: "no user handle", handle: func(_, _ []byte) []byte { return nil }},
		{name: "unknown user handle", handle: func(_, _ []byte) []byte { return bytes.Repeat([]byte{7}, 32) }},
		{name: "another account's handle", handle: func(_, bob []byte) []byte { return bob }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			alice := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			h.register("alice", alice, nil)
			bob := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			h.register("bob", bob, nil)

			opts, _ := h.beginLogin("", false)
			alice.auth.Options.UserHandle = tt.handle(alice.auth.Options.UserHandle, bob.auth.Options.UserHandle)
			_, err := h.svc.FinishLogin(context.Background(), "", h.assert(alice, opts))
			public := wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
			if public.UnknownCredential {
				t.Fatal("a known credential was reported unknown")
			}
		})
	}
}

func TestLoginVerificationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		configure         func(h *harness, d *device)
		mutate            func(t *testing.T, h *harness, opts *virtualwebauthn.AssertionOptions, credential []byte) []byte
		finishAs          string
		unknownCredential bool
	}{
		{name: "wrong origin", configure: func(h *harness, _ *device) { h.rp.Origin = "https://example.com.evil.net" }},
		{name: "wrong RP ID", configure: func(h *harness, _ *device) { h.rp.ID = "evil.net" }},
		{name: "user not verified", configure: func(_ *harness, d *device) { d.auth.Options.UserNotVerified = true }},
		{name: "user not present", configure: func(_ *harness, d *device) { d.auth.Options.UserNotPresent = true }},
		{name: "backup state without eligibility", configure: func(_ *harness, d *device) { d.auth.Options.BackupState = true }},
		{name: "tampered clientDataJSON", mutate: func(t *testing.T, _ *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			return editClientData(t, c, func(m map[string]any) { m["origin"] = testOrigin + ":443" })
		}},
		{name: "bogus signature", mutate: func(t *testing.T, _ *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			return flipByte(t, c, "signature", 10)
		}},
		{name: "tampered authenticator data", mutate: func(t *testing.T, _ *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			return flipByte(t, c, "authenticatorData", 36) // last counter byte
		}},
		{name: "registration response", mutate: func(t *testing.T, h *harness, opts *virtualwebauthn.AssertionOptions, _ []byte) []byte {
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			return []byte(virtualwebauthn.CreateAttestationResponse(h.rp, d.auth, d.cred,
				virtualwebauthn.AttestationOptions{Challenge: opts.Challenge, RelyingPartyID: testRPID, UserID: "x"}))
		}},
		{name: "client data of a registration", mutate: func(t *testing.T, _ *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			return editClientData(t, c, func(m map[string]any) { m["type"] = "webauthn.create" })
		}},
		{name: "assertion that does not parse", mutate: func(t *testing.T, _ *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			return editJSON(t, c, func(m map[string]any) { m["type"] = "password" })
		}},
		{name: "unknown credential", unknownCredential: true, mutate: func(t *testing.T, h *harness, opts *virtualwebauthn.AssertionOptions, _ []byte) []byte {
			stranger := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			return h.assert(stranger, opts)
		}},
		{name: "finished under another username", finishAs: "bob"},
		{name: "offered passkey deleted before the finish", mutate: func(t *testing.T, h *harness, _ *virtualwebauthn.AssertionOptions, c []byte) []byte {
			// Offered in the allow list, so not "unknown": the browser
			// was right to offer it.
			h.store.deleteCredential(t, c)
			return c
		}},
		{name: "passkey deleted between the lookup and the counter update", configure: func(h *harness, _ *device) {
			h.store.failOn("RecordLogin", domain.NotFound("credential not found"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			h.register("alice", d, nil)
			h.register("bob", newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{}), nil)
			if tt.configure != nil {
				tt.configure(h, d)
			}
			opts, _ := h.beginLogin("alice", false)
			credential := h.assert(d, opts)
			if tt.mutate != nil {
				credential = tt.mutate(t, h, opts, credential)
			}
			finishAs := "alice"
			if tt.finishAs != "" {
				finishAs = tt.finishAs
			}
			_, err := h.svc.FinishLogin(context.Background(), finishAs, credential)
			public := wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
			if public.UnknownCredential != tt.unknownCredential {
				t.Fatalf("UnknownCredential = %v, want %v", public.UnknownCredential, tt.unknownCredential)
			}
			if m := h.metrics.snapshot(); m[2] != 0 || m[3] != 1 || m[5] != 0 {
				t.Fatalf("metrics = %v, want one failed sign-in and no session", m)
			}
			if h.store.ceremonyCount() != 0 {
				t.Fatal("the ceremony survived a failed finish")
			}
			if n := h.store.sessionCount(); n != 0 {
				t.Fatalf("a failed finish left %d sessions stored", n)
			}
		})
	}
}

// A credential of user A presented in a ceremony begun for user B is refused,
// even though it verifies cryptographically.
func TestLoginWithAnotherUsersCredential(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("alice", alice, nil)
	h.register("bob", newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{}), nil)
	for _, finishAs := range []string{"bob", "", "alice"} {
		opts, _ := h.beginLogin("bob", false)
		_, err := h.svc.FinishLogin(context.Background(), finishAs, h.assert(alice, opts))
		if public := wantKind(t, err, domain.ErrUnauthorized, "authentication failed"); public.UnknownCredential {
			t.Fatal("alice's credential reported unknown")
		}
	}
}

// TestSignCounterRefusal: what the service does with the counter rule's
// verdict (the rule itself is domain.SignCountAccepted's): a counter that
// did not advance is refused with the one 401, flags the credential, is
// counted and leaves no session; a later counter that grows is accepted
// again (the flag stays for an operator, it does not lock the passkey).
func TestSignCounterRefusal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	id := h.register("ivan", d, nil)
	d.cred.Counter = 5
	h.mustLogin("ivan", d)
	_, err := h.login("ivan", d) // the same counter again
	wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
	if c, _ := h.store.credential(id); !c.CloneWarning || c.SignCount != 5 {
		t.Fatalf("after the refusal: %+v", c)
	}
	if m := h.metrics.snapshot(); m[4] != 1 || m[5] != 1 {
		t.Fatalf("metrics %v, want one clone warning and one session (the first sign-in)", m)
	}
	d.cred.Counter = 6
	h.mustLogin("ivan", d)
}

func TestBackupFlags(t *testing.T) {
	t.Parallel()
	t.Run("eligibility flip is recorded, not a lockout", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		id := h.register("kim", d, nil)
		d.auth.Options.BackupEligible, d.auth.Options.BackupState = true, true
		h.mustLogin("kim", d)
		if c, _ := h.store.credential(id); !c.BackupEligible || !c.BackupState {
			t.Fatalf("flags not stored: %+v", c)
		}
		d.auth.Options.BackupEligible, d.auth.Options.BackupState = false, false
		h.mustLogin("kim", d)
		if c, _ := h.store.credential(id); c.BackupEligible || c.BackupState {
			t.Fatalf("flags not stored: %+v", c)
		}
	})
	t.Run("backup state without eligibility is refused", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{BackupEligible: true})
		id := h.register("lee", d, nil)
		d.auth.Options.BackupEligible, d.auth.Options.BackupState = false, true
		_, err := h.login("lee", d)
		wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
		if c, _ := h.store.credential(id); !c.BackupEligible || c.LastUsedAt != nil {
			t.Fatalf("a refused sign-in changed the credential: %+v", c)
		}
	})
}

// TestUnknownCredentialOnlyForIDsNeverOffered: a discoverable sign-in has no
// allow list, so any credential the server does not know is unknown to the
// page; in a decoy ceremony, the decoy's own ids are not.
func TestUnknownCredentialOnlyForIDsNeverOffered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	stranger := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	stranger.auth.Options.UserHandle = bytes.Repeat([]byte{3}, 32)

	opts, _ := h.beginLogin("", false)
	_, err := h.svc.FinishLogin(ctx, "", h.assert(stranger, opts))
	if public := wantKind(t, err, domain.ErrUnauthorized, "authentication failed"); !public.UnknownCredential {
		t.Fatal("an unknown credential in a discoverable sign-in was not reported unknown")
	}

	opts, raw := h.beginLogin("ghost", false)
	decoyID, _ := base64.RawURLEncoding.DecodeString(allowedIDs(t, raw)[0])
	stranger.cred.ID = decoyID
	_, err = h.svc.FinishLogin(ctx, "ghost", h.assert(stranger, opts))
	if public := wantKind(t, err, domain.ErrUnauthorized, "authentication failed"); public.UnknownCredential {
		t.Fatal("a decoy's own id was reported unknown: the decoy is exposed")
	}
}

package passkeys

import (
	"context"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestRegistrationVerificationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		configure func(*harness, *device)
		mutate    func(t *testing.T, credential []byte) []byte
		username  string
	}{
		{name: "wrong origin", configure: func(h *harness, _ *device) { h.rp.Origin = "https://evil.example.net" }},
		{name: "wrong RP ID", configure: func(h *harness, _ *device) { h.rp.ID = "evil.example.net" }},
		{name: "user not verified", configure: func(_ *harness, d *device) { d.auth.Options.UserNotVerified = true }},
		{name: "user not present", configure: func(_ *harness, d *device) { d.auth.Options.UserNotPresent = true }},
		{name: "backup state without eligibility", configure: func(_ *harness, d *device) { d.auth.Options.BackupState = true }},
		{name: "tampered clientDataJSON", mutate: func(t *testing.T, c []byte) []byte {
			return editClientData(t, c, func(m map[string]any) { m["crossOrigin"] = false })
		}},
		{name: "wrong ceremony type", mutate: func(t *testing.T, c []byte) []byte {
			return editClientData(t, c, func(m map[string]any) { m["type"] = "webauthn.get" })
		}},
		{name: "bogus attestation signature", mutate: func(t *testing.T, c []byte) []byte {
			return corruptAttestationSignature(t, c)
		}},
		{name: "public key off its curve", mutate: func(t *testing.T, c []byte) []byte {
			return flipByte(t, c, "attestationObject", -5)
		}},
		{name: "attestation object missing", mutate: func(t *testing.T, c []byte) []byte {
			return editJSON(t, c, func(m map[string]any) { delete(m["response"].(map[string]any), "attestationObject") })
		}},
		{name: "id differs from rawId", mutate: func(t *testing.T, c []byte) []byte {
			return editJSON(t, c, func(m map[string]any) { m["id"] = "AAAA" })
		}},
		{name: "other username", username: "mallory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			if tt.configure != nil {
				tt.configure(h, d)
			}
			opts, _ := h.beginRegistration("grace", nil)
			credential := h.attest(d, opts)
			if tt.mutate != nil {
				credential = tt.mutate(t, credential)
			}
			username := "grace"
			if tt.username != "" {
				username = tt.username
			}
			_, err := h.svc.FinishRegistration(context.Background(), username, credential, "")
			wantKind(t, err, domain.ErrInvalid, "credential verification failed")
			if h.store.userCount() != 0 || h.store.ceremonyCount() != 0 {
				t.Fatalf("after a failed finish: %d users, %d ceremonies", h.store.userCount(), h.store.ceremonyCount())
			}
			if m := h.metrics.snapshot(); m[0] != 0 || m[1] != 1 {
				t.Fatalf("registration metrics = %v", m)
			}
		})
	}
}

func TestUserVerificationPreferredAcceptsUnverifiedUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.UserVerification = UserVerificationPreferred })
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{UserNotVerified: true})
	id := h.register("heidi", d, nil)
	if c, _ := h.store.credential(id); c.UserVerified {
		t.Fatal("stored UV without a verified user")
	}
	h.mustLogin("heidi", d)
}

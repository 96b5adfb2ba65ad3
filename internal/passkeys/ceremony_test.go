package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestChallengeIsSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("registration", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		opts, _ := h.beginRegistration("mia", nil)
		honest := h.attest(d, opts)
		_, err := h.svc.FinishRegistration(ctx, "mia", corruptAttestationSignature(t, honest), "")
		wantKind(t, err, domain.ErrInvalid, "credential verification failed")
		_, err = h.svc.FinishRegistration(ctx, "mia", honest, "")
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
	})
	t.Run("login", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		h.register("ned", d, nil)
		opts, _ := h.beginLogin("ned", false)
		honest := h.assert(d, opts)
		_, err := h.svc.FinishLogin(ctx, "ned", flipByte(t, honest, "signature", 12))
		wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
		_, err = h.svc.FinishLogin(ctx, "ned", honest)
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
		// A replay of a successful assertion finds no challenge either.
		opts, _ = h.beginLogin("ned", false)
		honest = h.assert(d, opts)
		if _, err := h.svc.FinishLogin(ctx, "ned", honest); err != nil {
			t.Fatal(err)
		}
		_, err = h.svc.FinishLogin(ctx, "ned", honest)
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
	})
	t.Run("ceremonies do not cross", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		opts, _ := h.beginRegistration("olga", nil)
		// A registration answer sent to the sign-in finish finds no
		// sign-in ceremony under its challenge, and does not consume the
		// registration one.
		_, err := h.svc.FinishLogin(ctx, "olga", h.attest(d, opts))
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
		if _, err := h.svc.FinishRegistration(ctx, "olga", h.attest(d, opts), ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFinishWithoutAChallenge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("pam", d, nil)
	opts, _ := h.beginLogin("pam", false)
	valid := h.assert(d, opts)
	unknownChallenge := editClientData(t, valid, func(m map[string]any) {
		m["challenge"] = base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	})
	inputs := map[string][]byte{
		"empty":                     nil,
		"not JSON":                  []byte("not json"),
		"empty object":              []byte(`{}`),
		"response is not an object": []byte(`{"response":[1,2]}`),
		"clientDataJSON not base64": []byte(`{"response":{"clientDataJSON":"***"}}`),
		"clientDataJSON not JSON":   []byte(`{"response":{"clientDataJSON":"bm90IGpzb24"}}`),
		"challenge missing":         editClientData(t, valid, func(m map[string]any) { delete(m, "challenge") }),
		"challenge not a string":    editClientData(t, valid, func(m map[string]any) { m["challenge"] = 42 }),
		"challenge too short":       editClientData(t, valid, func(m map[string]any) { m["challenge"] = "AAAA" }),
		"challenge padded":          editClientData(t, valid, func(m map[string]any) { m["challenge"] = m["challenge"].(string) + "=" }),
		"challenge never issued":    unknownChallenge,
	}
	for name, input := range inputs {
		_, err := h.svc.FinishLogin(context.Background(), "pam", input)
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
		_, err = h.svc.FinishRegistration(context.Background(), "pam", input, "")
		if err == nil {
			t.Fatalf("%s: registration finished", name)
		}
		wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")
	}
	// Only the one well-formed but unknown challenge reached the store
	// (once per ceremony); the ceremony begun above is still there.
	if got := h.store.callCount("TakeCeremony"); got != 2+1 {
		t.Fatalf("TakeCeremony calls = %d, want 3 (registration of pam + the unknown challenge twice)", got)
	}
	if _, err := h.svc.FinishLogin(context.Background(), "pam", valid); err != nil {
		t.Fatalf("the pending ceremony was disturbed: %v", err)
	}
}

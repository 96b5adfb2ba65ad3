package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"slices"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestRegistrationOptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	opts, raw := h.beginRegistration("  Alice  ", nil)
	pk := publicKeyOf(t, raw)

	var algs []float64
	for _, p := range pk["pubKeyCredParams"].([]any) {
		algs = append(algs, p.(map[string]any)["alg"].(float64))
	}
	if !slices.Equal(algs, []float64{-7, -8, -257}) {
		t.Errorf("algorithms = %v, want exactly [-7 -8 -257]", algs)
	}
	sel := pk["authenticatorSelection"].(map[string]any)
	if sel["residentKey"] != "preferred" || sel["userVerification"] != "required" {
		t.Errorf("authenticatorSelection = %v", sel)
	}
	if pk["attestation"] != "none" {
		t.Errorf("attestation = %v, want none", pk["attestation"])
	}
	if ext, _ := pk["extensions"].(map[string]any); ext["credProps"] != true {
		t.Errorf("extensions = %v, want credProps", pk["extensions"])
	}
	if pk["timeout"] != float64(300000) {
		t.Errorf("timeout = %v, want the challenge TTL in ms", pk["timeout"])
	}
	if _, ok := pk["excludeCredentials"]; ok {
		t.Errorf("a new user got excludeCredentials: %v", pk["excludeCredentials"])
	}
	if opts.UserName != "Alice" || opts.RelyingPartyID != testRPID {
		t.Errorf("user name %q, rp %q", opts.UserName, opts.RelyingPartyID)
	}
	if len(opts.UserID) != domain.UserHandleLength {
		t.Errorf("user handle is %d bytes, want %d", len(opts.UserID), domain.UserHandleLength)
	}
	if h.store.userCount() != 0 || h.store.ceremonyCount() != 1 {
		t.Errorf("after begin: %d users, %d ceremonies; want 0 users and 1 ceremony", h.store.userCount(), h.store.ceremonyCount())
	}
	// Two begins never share a handle or a challenge.
	other, _ := h.beginRegistration("Alice", nil)
	if other.UserID == opts.UserID || bytes.Equal(other.Challenge, opts.Challenge) {
		t.Error("two registrations got the same handle or challenge")
	}
}

func TestRegistrationRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for _, name := range []string{"", "   ", "a\x00b", string(make([]byte, 65))} {
		_, err := h.svc.BeginRegistration(ctx, name, "", nil)
		wantKind(t, err, domain.ErrInvalid, "")
	}
	_, err := h.svc.BeginRegistration(ctx, "bob", "tab\tinside", nil)
	wantKind(t, err, domain.ErrInvalid, "")
}

// TestRegisterLoginManage walks one account through its life with each key
// type a virtual authenticator offers.
func TestRegisterLoginManage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		keyType   virtualwebauthn.KeyType
		algorithm int64
	}{{virtualwebauthn.KeyTypeEC2, -7}, {virtualwebauthn.KeyTypeRSA, -257}} {
		t.Run(string(tc.keyType), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			ctx := context.Background()
			phone := newDevice(tc.keyType, virtualwebauthn.AuthenticatorOptions{})
			id := h.register("Alice", phone, nil)

			stored, ok := h.store.credential(id)
			if !ok {
				t.Fatal("credential not stored")
			}
			if stored.Algorithm != tc.algorithm || stored.Name != "Passkey" || stored.AttestationFormat != "packed" ||
				!stored.UserVerified || stored.Discoverable != nil || !bytes.Equal(stored.AAGUID, phone.auth.Aaguid[:]) ||
				!bytes.Equal(stored.ID, phone.cred.ID) || len(stored.PublicKey) == 0 || stored.CreatedAt.IsZero() {
				t.Fatalf("stored credential = %+v", stored)
			}
			user, _, err := h.store.AccountByUsername(ctx, domain.Username{Display: "alice", Canonical: "alice"})
			if err != nil || user.Username != "Alice" || len(user.Handle) != 32 || stored.UserID != user.ID {
				t.Fatalf("user = %+v, %v", user, err)
			}

			res := h.mustLogin("alice", phone)
			if len(res.Token) != 43 || res.Username != "Alice" || !res.ExpiresAt.Equal(h.now().Add(24*time.Hour)) {
				t.Fatalf("login result = %+v", res)
			}
			session := h.mustAuthenticate(res.Token)
			if session.UserID != user.ID || session.Username != "Alice" || !bytes.Equal(session.CredentialID, id) {
				t.Fatalf("session = %+v", session)
			}
			if stored, _ := h.store.credential(id); stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(h.now()) {
				t.Fatalf("last used = %v", stored.LastUsedAt)
			}

			list, err := h.svc.Credentials(ctx, user.ID)
			if err != nil || len(list) != 1 || !bytes.Equal(list[0].ID, id) {
				t.Fatalf("Credentials = %v, %v", list, err)
			}
			renamed, err := h.svc.RenameCredential(ctx, user.ID, id, "  My phone ")
			if err != nil || renamed.Name != "My phone" {
				t.Fatalf("RenameCredential = %+v, %v", renamed, err)
			}

			// A second device, added from the account's own session.
			laptop := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			laptopID := h.register("ALICE", laptop, &session)
			if h.store.userCount() != 1 {
				t.Fatalf("adding a device created another user")
			}
			laptopSession := h.mustAuthenticate(h.mustLogin("alice", laptop).Token)

			if err := h.svc.DeleteCredential(ctx, h.verified(user.ID), id); err != nil {
				t.Fatalf("DeleteCredential: %v", err)
			}
			if _, err := h.svc.Authenticate(ctx, res.Token); err == nil {
				t.Fatal("the deleted credential's session still works")
			}
			if got := h.mustAuthenticate(h.mustLogin("alice", laptop).Token); got.UserID != laptopSession.UserID {
				t.Fatal("the other device stopped working")
			}
			err = h.svc.DeleteCredential(ctx, h.verified(user.ID), laptopID)
			wantKind(t, err, domain.ErrConflict, "cannot delete your only passkey")
			if list, _ := h.svc.Credentials(ctx, user.ID); len(list) != 1 || !bytes.Equal(list[0].ID, laptopID) {
				t.Fatalf("after deletes: %v", list)
			}
			if m := h.metrics.snapshot(); m != [6]int{2, 0, 3, 0, 0, 3} {
				t.Fatalf("metrics {regOK regFail authOK authFail clone sessions} = %v", m)
			}
		})
	}
}

func TestRegistrationStoresWhatTheClientReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{BackupEligible: true, BackupState: true})
	copy(d.auth.Aaguid[:], mustUUID(t, "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"))
	opts, _ := h.beginRegistration("carol", nil)
	credential := editJSON(t, h.attest(d, opts), func(m map[string]any) {
		m["clientExtensionResults"] = map[string]any{"credProps": map[string]any{"rk": true}}
		m["authenticatorAttachment"] = "platform"
		m["response"].(map[string]any)["transports"] = []string{"internal", "hybrid"}
	})
	id, err := h.svc.FinishRegistration(context.Background(), "carol", credential, "")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := h.store.credential(id)
	if c.Name != "Google Password Manager" || c.Discoverable == nil || !*c.Discoverable ||
		!slices.Equal(c.Transports, []string{"internal", "hybrid"}) || !c.BackupEligible || !c.BackupState {
		t.Fatalf("stored = %+v", c)
	}
}

func TestRegistrationNameIsCheckedBeforeTheChallengeIsSpent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	opts, _ := h.beginRegistration("dave", nil)
	credential := h.attest(d, opts)
	_, err := h.svc.FinishRegistration(context.Background(), "dave", credential, string(bytes.Repeat([]byte("x"), 65)))
	wantKind(t, err, domain.ErrInvalid, "name must be 1 to 64 characters")
	id, err := h.svc.FinishRegistration(context.Background(), "dave", credential, " Work key ")
	if err != nil {
		t.Fatalf("retry with a valid name: %v", err)
	}
	if c, _ := h.store.credential(id); c.Name != "Work key" {
		t.Fatalf("name = %q", c.Name)
	}
}

func TestRegisteringAnExistingUsername(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	alice := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	aliceID := h.register("alice", alice, nil)
	bob := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("bob", bob, nil)
	bobSession := h.mustAuthenticate(h.mustLogin("bob", bob).Token)

	_, err := h.svc.BeginRegistration(ctx, "ALICE", "", nil)
	wantKind(t, err, domain.ErrConflict, "username is not available")
	_, err = h.svc.BeginRegistration(ctx, "alice", "", &bobSession)
	wantKind(t, err, domain.ErrConflict, "username is not available")

	aliceSession := h.mustAuthenticate(h.mustLogin("alice", alice).Token)
	opts, raw := h.beginRegistration("alice", &aliceSession)
	excluded := publicKeyOf(t, raw)["excludeCredentials"].([]any)
	if len(excluded) != 1 || excluded[0].(map[string]any)["id"] != base64.RawURLEncoding.EncodeToString(aliceID) {
		t.Fatalf("excludeCredentials = %v, want alice's credential", excluded)
	}
	if user := h.account("alice"); opts.UserID != string(user.Handle) {
		t.Fatal("adding a device must keep the account's user handle")
	}
}

func TestRegistrationConflictsAtFinish(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()

	// Two people start registering the same new username; the second
	// finish finds it taken.
	first, _ := h.beginRegistration("erin", nil)
	second, _ := h.beginRegistration("Erin", nil)
	d1 := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	d2 := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	if _, err := h.svc.FinishRegistration(ctx, "erin", h.attest(d1, first), ""); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.FinishRegistration(ctx, "Erin", h.attest(d2, second), "")
	wantKind(t, err, domain.ErrConflict, "")

	// The same credential id registered to another account.
	opts, _ := h.beginRegistration("frank", nil)
	_, err = h.svc.FinishRegistration(ctx, "frank", h.attest(d1, opts), "")
	wantKind(t, err, domain.ErrConflict, "")
	if h.store.userCount() != 1 {
		t.Fatalf("users = %d, want 1", h.store.userCount())
	}
	if m := h.metrics.snapshot(); m[0] != 1 || m[1] != 2 {
		t.Fatalf("registration metrics = %v", m)
	}
}

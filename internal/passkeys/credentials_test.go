package passkeys

import (
	"context"
	"errors"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestCredentialManagementIsLimitedToTheOwner(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	alice := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	aliceID := h.register("alice", alice, nil)
	aliceSession := h.mustAuthenticate(h.mustLogin("alice", alice).Token)
	second := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("alice", second, &aliceSession)
	bob := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("bob", bob, nil)
	bobUser := h.account("bob")

	_, err := h.svc.RenameCredential(ctx, bobUser.ID, aliceID, "mine now")
	wantKind(t, err, domain.ErrNotFound, "passkey not found")
	err = h.svc.DeleteCredential(ctx, h.verified(bobUser.ID), aliceID)
	wantKind(t, err, domain.ErrNotFound, "passkey not found")
	err = h.svc.DeleteCredential(ctx, h.verified(bobUser.ID), []byte("no such credential"))
	wantKind(t, err, domain.ErrNotFound, "passkey not found")
	// Bob's attempts neither changed alice's passkey nor ended her session.
	if c, _ := h.store.credential(aliceID); c.Name != "Passkey" {
		t.Fatalf("renamed by another account: %q", c.Name)
	}
	h.mustAuthenticate(h.mustLogin("alice", alice).Token)

	for _, bad := range []string{"", "   ", "a\nb", string(make([]rune, 65))} {
		_, err := h.svc.RenameCredential(ctx, aliceSession.UserID, aliceID, bad)
		wantKind(t, err, domain.ErrInvalid, "")
	}
	if list, err := h.svc.Credentials(ctx, 999); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("Credentials of nobody = %#v, %v; want an empty, non-nil list", list, err)
	}
}

// When the sessions of a passkey cannot be ended, the delete is refused as an
// outage and the passkey stays, so nothing is left half done; retrying once
// the session store is back deletes it and ends its sessions.
func TestDeleteThatCannotEndSessionsKeepsThePasskey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	phone := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	phoneID := h.register("tess", phone, nil)
	token := h.mustLogin("tess", phone).Token
	session := h.mustAuthenticate(token)
	h.register("tess", newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{}), &session)

	h.store.failOn("EndCredentialSessions", errOutage)
	if err := h.svc.DeleteCredential(ctx, session, phoneID); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("delete with the session store down = %v", err)
	}
	if _, ok := h.store.credential(phoneID); !ok {
		t.Fatal("the passkey is gone although its sessions could not be ended")
	}
	h.mustAuthenticate(token)

	h.store.failOn("EndCredentialSessions", nil)
	if err := h.svc.DeleteCredential(ctx, session, phoneID); err != nil {
		t.Fatalf("retried delete: %v", err)
	}
	if _, err := h.svc.Authenticate(ctx, token); err == nil {
		t.Fatal("the deleted passkey's session survived")
	}
}

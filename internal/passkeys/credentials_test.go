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
	bobUser, _, _ := h.store.AccountByUsername(ctx, "bob")

	_, err := h.svc.RenameCredential(ctx, bobUser.ID, aliceID, "mine now")
	wantKind(t, err, domain.ErrNotFound, "passkey not found")
	err = h.svc.DeleteCredential(ctx, bobUser.ID, aliceID)
	wantKind(t, err, domain.ErrNotFound, "passkey not found")
	err = h.svc.DeleteCredential(ctx, bobUser.ID, []byte("no such credential"))
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

// When the sessions of a deleted passkey could not be ended, the delete
// reports an outage, and retrying it finishes the job.
func TestDeleteRetryEndsSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	phone := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	phoneID := h.register("tess", phone, nil)
	token := h.mustLogin("tess", phone).Token
	session := h.mustAuthenticate(token)
	h.register("tess", newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{}), &session)

	h.store.failOn("EndCredentialSessions", errOutage)
	if err := h.svc.DeleteCredential(ctx, session.UserID, phoneID); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("delete with the session store down = %v", err)
	}
	h.store.failOn("EndCredentialSessions", nil)
	err := h.svc.DeleteCredential(ctx, session.UserID, phoneID)
	wantKind(t, err, domain.ErrNotFound, "")
	if _, err := h.svc.Authenticate(ctx, token); err == nil {
		t.Fatal("the deleted passkey's session survived the retried delete")
	}
}

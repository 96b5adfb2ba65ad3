package passkeys

import (
	"context"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

// reauthenticate runs BeginReauthentication and its finish with d on the
// session.
func (h *harness) reauthenticate(session domain.Session, d *device) (time.Time, error) {
	h.t.Helper()
	assertion, err := h.svc.BeginReauthentication(context.Background(), session)
	if err != nil {
		h.t.Fatalf("BeginReauthentication: %v", err)
	}
	opts, err := virtualwebauthn.ParseAssertionOptions(string(mustJSON(h.t, assertion)))
	if err != nil {
		h.t.Fatal(err)
	}
	return h.svc.FinishReauthentication(context.Background(), session, h.assert(d, opts))
}

// TestPasskeyChangesNeedARecentProof: a sign-in allows adding and deleting
// passkeys for the re-authentication window; after it, both are refused
// with 403 until a re-authentication on the same session, which keeps the
// session as it is.
func TestPasskeyChangesNeedARecentProof(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.ReauthWindow = 5 * time.Minute })
	ctx := context.Background()
	laptop := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("nora", laptop, nil)
	token := h.mustLogin("nora", laptop).Token
	session := h.mustAuthenticate(token)
	phone := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	phoneID := h.register("nora", phone, &session) // within the sign-in's window

	h.advance(5*time.Minute + time.Second)
	session = h.mustAuthenticate(token)
	_, err := h.svc.BeginRegistration(ctx, "nora", "", &session)
	wantKind(t, err, domain.ErrForbidden, "reauthentication required")
	wantKind(t, h.svc.DeleteCredential(ctx, session, phoneID), domain.ErrForbidden, "reauthentication required")

	until, err := h.reauthenticate(session, laptop)
	if err != nil || !until.Equal(h.now().Add(5*time.Minute)) {
		t.Fatalf("re-authentication = %v, %v", until, err)
	}
	again := h.mustAuthenticate(token)
	if again.TokenHash != session.TokenHash || !again.CreatedAt.Equal(session.CreatedAt) || !again.VerifiedAt.Equal(h.now()) {
		t.Fatalf("re-authentication changed the session: %+v, was %+v", again, session)
	}
	if err := h.svc.DeleteCredential(ctx, again, phoneID); err != nil {
		t.Fatalf("delete after re-authentication: %v", err)
	}
}

// TestReauthenticationRefusals: another session, another account's passkey
// and a reused challenge fail like a sign-in; a session ended meanwhile is
// a 401 for the session.
func TestReauthenticationRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	mine := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("olga", mine, nil)
	theirs := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("pete", theirs, nil)
	session := h.signedIn("olga", mine)
	other := h.signedIn("olga", mine)

	_, err := h.reauthenticate(session, theirs)
	wantKind(t, err, domain.ErrUnauthorized, "authentication failed")

	assertion, err := h.svc.BeginReauthentication(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := virtualwebauthn.ParseAssertionOptions(string(mustJSON(t, assertion)))
	answer := h.assert(mine, opts)
	_, err = h.svc.FinishReauthentication(ctx, other, answer)
	wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
	_, err = h.svc.FinishReauthentication(ctx, session, answer) // taken by the refused try
	wantKind(t, err, domain.ErrInvalid, "challenge not found or expired")

	if err := h.svc.Logout(ctx, session); err != nil {
		t.Fatal(err)
	}
	_, err = h.reauthenticate(session, mine)
	wantKind(t, err, domain.ErrUnauthorized, "invalid or expired session")
}

// TestSessionIdleTimeoutSlides: a session in use lives on past the idle
// timeout, with at most one write per touch interval; one left unused for
// the idle timeout is over, whatever its absolute lifetime.
func TestSessionIdleTimeoutSlides(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.SessionTTL, c.SessionIdle = 24*time.Hour, time.Hour })
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("ruth", d, nil)
	token := h.mustLogin("ruth", d).Token

	for range 5 { // 5 × 50 minutes: well past the idle timeout, in use
		for range 10 {
			h.mustAuthenticate(token)
		}
		h.advance(50 * time.Minute)
	}
	if n := h.store.callCount("TouchSession"); n > 5 {
		t.Fatalf("%d writes for 50 uses in 5 touch intervals", n)
	}
	h.mustAuthenticate(token)
	h.advance(time.Hour)
	_, err := h.svc.Authenticate(context.Background(), token)
	wantKind(t, err, domain.ErrUnauthorized, "invalid or expired session")

	// A failed write does not fail the request: the read was good.
	other := h.mustLogin("ruth", d).Token
	h.advance(30 * time.Minute)
	h.store.failOn("TouchSession", errOutage)
	h.mustAuthenticate(other)
}

package passkeys

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("quinn", d, nil)
	token := h.mustLogin("quinn", d).Token

	malformed := map[string]string{
		"empty":              "",
		"short":              "abc",
		"one too long":       token + "A",
		"padded":             token[:42] + "=",
		"outside base64url":  token[:42] + "+",
		"space":              token[:42] + " ",
		"non-canonical last": token[:42] + nonCanonical(token[42]),
		"bearer prefix kept": "Bearer " + token[:36],
		"token with newline": token[:42] + "\n",
	}
	before := h.store.callCount("Session")
	for name, bad := range malformed {
		_, err := h.svc.Authenticate(ctx, bad)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		wantKind(t, err, domain.ErrUnauthorized, "invalid or expired session")
	}
	if got := h.store.callCount("Session"); got != before {
		t.Fatalf("malformed tokens reached the store %d times", got-before)
	}

	// Well formed but unknown: the store is asked, and says no.
	_, err := h.svc.Authenticate(ctx, strings.Repeat("A", 43))
	wantKind(t, err, domain.ErrUnauthorized, "invalid or expired session")
	if h.store.callCount("Session") != before+1 {
		t.Fatal("a well-formed token was not looked up")
	}

	if s := h.mustAuthenticate(token); s.Username != "quinn" {
		t.Fatalf("session = %+v", s)
	}
	// Past its expiry a session is refused even if the store still has it.
	h.advance(24 * time.Hour)
	_, err = h.svc.Authenticate(ctx, token)
	wantKind(t, err, domain.ErrUnauthorized, "invalid or expired session")

	h.store.failOn("Session", errOutage)
	_, err = h.svc.Authenticate(ctx, strings.Repeat("B", 42)+"A")
	if !errors.Is(err, domain.ErrUnavailable) || errors.Is(err, domain.ErrUnauthorized) {
		t.Fatalf("store outage = %v, want unavailable only", err)
	}
}

// nonCanonical returns a last character that decodes to the same bytes only
// under lenient decoding (its unused low bits set).
func nonCanonical(last byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	return string(alphabet[i|1])
}

func TestLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("rita", d, nil)
	first := h.mustLogin("rita", d).Token
	second := h.mustLogin("rita", d).Token
	if first == second {
		t.Fatal("two sign-ins got the same token")
	}
	firstSession := h.mustAuthenticate(first)
	if err := h.svc.Logout(ctx, firstSession); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.Authenticate(ctx, first)
	wantKind(t, err, domain.ErrUnauthorized, "")
	secondSession := h.mustAuthenticate(second)
	if err := h.svc.Logout(ctx, firstSession); err != nil {
		t.Fatalf("logging out twice: %v", err)
	}
	h.store.failOn("DeleteSession", errOutage)
	if err := h.svc.Logout(ctx, secondSession); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("logout during an outage = %v", err)
	}
}

func TestStoredSessionHoldsNoToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("sam", d, nil)
	token := h.mustLogin("sam", d).Token
	h.store.smu.Lock()
	defer h.store.smu.Unlock()
	for hash := range h.store.sessions {
		if hash != domain.TokenHash(token) || strings.Contains(hash, token) {
			t.Fatalf("session stored under %q", hash)
		}
	}
}

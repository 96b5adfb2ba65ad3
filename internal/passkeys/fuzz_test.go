package passkeys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

// The fuzz account: a credential with a fixed id and handle (so the seed
// corpus can name them) whose private key is thrown away at once — no input
// can carry a valid signature for it, so no input may ever sign in.
var (
	fuzzCredentialID = bytes.Repeat([]byte{0x01}, 32)
	fuzzUserHandle   = bytes.Repeat([]byte{0x02}, 32)
)

// FuzzFinishRequest feeds arbitrary bytes as the browser's credential to both
// finish steps. Whatever comes in, they must not panic and may only answer
// with the client-error kinds the contract names (400 / 401) — never an
// internal error, never a success.
//
// The session store answers every sign-in with a ceremony whose challenge is
// the one the input carries, so inputs get past the challenge check into the
// library's origin, RP ID, flag and signature checks. Registration keeps its
// real random challenge: an input without a signature (attestation "none")
// could otherwise register legitimately.
func FuzzFinishRequest(f *testing.F) {
	h := newHarness(f)
	ctx := context.Background()
	user := h.store.addUser("fuzzer", fuzzUserHandle)
	throwaway := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	if err := h.store.AddCredential(ctx, domain.Credential{
		ID: fuzzCredentialID, UserID: user.ID, PublicKey: throwaway.cred.Key.AttestationData(),
		Algorithm: -7, UserVerified: true, Name: "fuzz",
	}); err != nil {
		f.Fatal(err)
	}

	registration := h.pendingCeremony(f, func() error {
		_, err := h.svc.BeginRegistration(ctx, "newcomer", "", nil)
		return err
	})
	usernameFirst := h.pendingLoginState(f, "fuzzer")
	discoverable := h.pendingLoginState(f, "")
	h.store.ceremonyFor = func(kind domain.CeremonyKind, challenge string) []byte {
		if kind == domain.CeremonyRegistration {
			return registration
		}
		state := usernameFirst
		if challenge[0]%2 == 0 {
			state = discoverable
		}
		state.Session.Challenge = challenge
		encoded, err := json.Marshal(state)
		if err != nil {
			panic(err)
		}
		return encoded
	}

	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"response":{}}`,
		`{"id":"AQ","rawId":"AQ","type":"public-key","response":{"clientDataJSON":"e30"}}`,
		`{"response":{"clientDataJSON":"eyJjaGFsbGVuZ2UiOiJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIn0"}}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, credential []byte) {
		_, err := h.svc.FinishRegistration(ctx, "newcomer", credential, "")
		checkFinishError(t, "FinishRegistration", err, domain.ErrInvalid,
			msgChallengeNotFound, msgVerificationFailed)
		_, err = h.svc.FinishLogin(ctx, "", credential)
		if errors.Is(err, domain.ErrInvalid) {
			checkFinishError(t, "FinishLogin", err, domain.ErrInvalid, msgChallengeNotFound)
		} else {
			checkFinishError(t, "FinishLogin", err, domain.ErrUnauthorized, msgAuthenticationFailed)
		}
	})
}

func checkFinishError(t *testing.T, op string, err, kind error, messages ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded on fuzz input", op)
	}
	var public *domain.PublicError
	if !errors.As(err, &public) || !errors.Is(err, kind) || errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("%s: error %v, want kind %v", op, err, kind)
	}
	for _, m := range messages {
		if public.Message == m {
			return
		}
	}
	t.Fatalf("%s: message %q, want one of %q", op, public.Message, messages)
}

// pendingCeremony runs a begin step and returns the ceremony state it stored.
func (h *harness) pendingCeremony(tb testing.TB, begin func() error) []byte {
	tb.Helper()
	h.store.smu.Lock()
	clear(h.store.ceremonies)
	h.store.smu.Unlock()
	if err := begin(); err != nil {
		tb.Fatal(err)
	}
	h.store.smu.Lock()
	defer h.store.smu.Unlock()
	for _, state := range h.store.ceremonies {
		return state
	}
	tb.Fatal("the begin step stored no ceremony")
	return nil
}

func (h *harness) pendingLoginState(tb testing.TB, username string) loginState {
	raw := h.pendingCeremony(tb, func() error {
		_, err := h.svc.BeginLogin(context.Background(), username, false)
		return err
	})
	var state loginState
	if err := json.Unmarshal(raw, &state); err != nil {
		tb.Fatal(err)
	}
	return state
}

package passkeys

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// registrationState is what a registration carries from begin to finish. The
// library's SessionData is kept whole: it holds the offered algorithms and the
// requested extensions, and a rebuilt one rejects honest credentials.
type registrationState struct {
	Session webauthn.SessionData `json:"session"`
	// Username is the name as typed at begin; it becomes the account's
	// display form when the user row is written at finish.
	Username string `json:"username"`
	// Canonical is the username's canonical form (domain.ParseUsername):
	// the finish must name the same account, and a new account is stored
	// under it.
	Canonical string `json:"canonical"`
	// Handle is the WebAuthn user handle; for a new user it exists only here
	// until the registration finishes.
	Handle []byte `json:"handle"`
	// UserID is the existing account a device is being added to; zero for a
	// new account.
	UserID int64 `json:"user_id,omitempty"`
	// SessionHash is the session that began adding a device: the finish
	// re-checks that it is still valid and still the account's.
	SessionHash string `json:"session_hash,omitempty"`
}

// loginMode says how a sign-in ceremony identifies its user.
type loginMode string

const (
	// loginDiscoverable: no username; the user handle in the assertion names
	// the account.
	loginDiscoverable loginMode = "discoverable"
	// loginUsername: the account was named at begin and the assertion must
	// come from one of its credentials.
	loginUsername loginMode = "username"
	// loginDecoy: the username has no passkeys (or does not exist); the
	// ceremony was answered with a decoy credential and can only fail.
	loginDecoy loginMode = "decoy"
	// loginReauth: a signed-in session proving again that its user is
	// present, with one of the account's passkeys.
	loginReauth loginMode = "reauth"
)

// loginState is what a sign-in carries from begin to finish.
type loginState struct {
	Session  webauthn.SessionData `json:"session"`
	Mode     loginMode            `json:"mode"`
	UserID   int64                `json:"user_id,omitempty"`
	Username string               `json:"username,omitempty"`
	// Canonical is the canonical form of the username the sign-in began
	// with (username-first and decoy ceremonies).
	Canonical string `json:"canonical,omitempty"`
	// SessionHash is the session a re-authentication was begun on; only
	// that session may finish it.
	SessionHash string `json:"session_hash,omitempty"`
}

func encodeState(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("passkeys: encoding ceremony state: %w", err)
	}
	return b, nil
}

// Challenge bounds. go-webauthn issues 32 random bytes; anything outside
// these bounds cannot be one of ours and is refused before it reaches the
// session store as part of a key.
const (
	minChallengeBytes = protocol.MinimumChallengeLength
	maxChallengeBytes = 64
)

// challengeOf reads the challenge out of a PublicKeyCredential's
// response.clientDataJSON, and nothing else: the ceremony state has to be
// found (and consumed) before the credential is verified against it. It
// accepts any bytes and reports false for anything that does not carry a
// plausible challenge.
func challengeOf(credentialJSON []byte) (string, bool) {
	var envelope struct {
		Response struct {
			ClientDataJSON protocol.URLEncodedBase64 `json:"clientDataJSON"`
		} `json:"response"`
	}
	if err := json.Unmarshal(credentialJSON, &envelope); err != nil {
		return "", false
	}
	var clientData struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(envelope.Response.ClientDataJSON, &clientData); err != nil {
		return "", false
	}
	// The library's SessionData.Challenge is the unpadded base64url form, the
	// same string a browser writes into clientData; anything else (padding,
	// other alphabets) is not a challenge we issued.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(clientData.Challenge)
	if err != nil || len(raw) < minChallengeBytes || len(raw) > maxChallengeBytes {
		return "", false
	}
	return clientData.Challenge, true
}

// takeCeremony reads the challenge from clientDataJSON and takes (GETDEL) the
// state stored under it: single use, consumed even if verification fails.
func (s *Service) takeCeremony(ctx context.Context, kind domain.CeremonyKind, credentialJSON []byte) ([]byte, error) {
	challenge, ok := challengeOf(credentialJSON)
	if !ok {
		return nil, errChallengeNotFound()
	}
	raw, err := s.sessions.TakeCeremony(ctx, kind, challenge)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errChallengeNotFound()
	}
	if err != nil {
		return nil, err
	}
	return raw, nil
}

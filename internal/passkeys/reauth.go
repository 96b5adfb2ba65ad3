package passkeys

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// BeginReauthentication starts a re-authentication on the caller's session:
// one of the account's passkeys, with user verification whatever the
// configured sign-in policy, proves again that the account's owner is
// present. It changes neither the token nor the session's identity.
func (s *Service) BeginReauthentication(ctx context.Context, caller domain.Session) (*protocol.CredentialAssertion, error) {
	creds, err := s.credentials.CredentialsByUser(ctx, caller.UserID)
	if err != nil {
		return nil, err
	}
	if len(creds) == 0 {
		return nil, errInvalidSession() // the account is gone
	}
	libraryCreds := make([]webauthn.Credential, len(creds))
	for i, c := range creds {
		libraryCreds[i] = libraryCredential(c)
	}
	// The account's handle, which the library's session data must carry.
	// Re-authentication is rare; a second read is cheaper than a port
	// method of its own.
	_, user, err := s.credentials.CredentialWithOwner(ctx, creds[0].ID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errInvalidSession()
	}
	if err != nil {
		return nil, err
	}
	assertion, session, err := s.webauthn.BeginLogin(
		&webauthnUser{handle: user.Handle, name: user.Username, displayName: user.Username, credentials: libraryCreds},
		webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, libraryError(err)
	}
	state := loginState{Session: *session, Mode: loginReauth, UserID: caller.UserID,
		Username: user.Username, Canonical: user.Canonical(), SessionHash: caller.TokenHash}
	encoded, err := encodeState(state)
	if err != nil {
		return nil, err
	}
	if err := s.sessions.PutCeremony(ctx, domain.CeremonyReauth, session.Challenge, encoded, s.cfg.ChallengeTTL); err != nil {
		return nil, err
	}
	return assertion, nil
}

// FinishReauthentication verifies the answer to BeginReauthentication on the
// same session and records the proof on it; it returns until when the proof
// allows changes to the account's passkeys. The sign counter rule applies as
// at sign-in. A failure is the sign-in's 401 (and counts against the
// account's failure budget).
func (s *Service) FinishReauthentication(ctx context.Context, caller domain.Session, credentialJSON []byte) (time.Time, error) {
	raw, err := s.takeCeremony(ctx, domain.CeremonyReauth, credentialJSON)
	if err != nil {
		return time.Time{}, err
	}
	var state loginState
	if err := json.Unmarshal(raw, &state); err != nil || state.Mode != loginReauth {
		s.log.ErrorContext(ctx, "unreadable re-authentication state", "event", "webauthn.reauth", "err", err)
		return time.Time{}, errAuthenticationFailed(false)
	}
	if state.SessionHash != caller.TokenHash || state.UserID != caller.UserID {
		return time.Time{}, s.refuse(ctx, "re-authentication rejected", "webauthn.reauth", state.Mode,
			&loginRejection{reason: "finished on another session than it began", account: state.Canonical})
	}
	v, rejection, err := s.verifyAssertion(ctx, "", state, credentialJSON)
	if err == nil && rejection == nil {
		rejection, err = s.recordUse(ctx, v)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "re-authentication failed on a backend", "event", "webauthn.reauth", "outcome", "error", "err", err)
		return time.Time{}, err
	}
	if rejection != nil {
		return time.Time{}, s.refuse(ctx, "re-authentication rejected", "webauthn.reauth", state.Mode, rejection)
	}
	now := s.now()
	err = s.sessions.MarkVerified(ctx, caller.TokenHash, now)
	if errors.Is(err, domain.ErrNotFound) {
		return time.Time{}, errInvalidSession() // logged out meanwhile
	}
	if err != nil {
		return time.Time{}, err
	}
	s.log.InfoContext(ctx, "re-authenticated with passkey",
		"event", "webauthn.reauth", "outcome", "success", "user_id", caller.UserID,
		"credential_id", encodeID(v.stored.ID))
	return now.Add(s.cfg.ReauthWindow), nil
}

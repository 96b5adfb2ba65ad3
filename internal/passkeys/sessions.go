package passkeys

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// Session tokens: 32 bytes from the CSPRNG, unpadded base64url.
const (
	tokenBytes  = 32
	tokenLength = 43
)

// completeLogin applies the sign-counter rule and, when it holds, creates the
// session. The compare-and-store is the repository's atomic RecordLogin, so
// two finishes presenting the same assertion can never both succeed.
func (s *Service) completeLogin(ctx context.Context, user domain.User, stored domain.Credential, parsed *protocol.ParsedCredentialAssertionData, verified *webauthn.Credential) (LoginResult, *loginRejection, error) {
	asserted := parsed.Response.AuthenticatorData.Flags
	presented := parsed.Response.AuthenticatorData.Counter
	now := s.now().UTC()
	accepted, err := s.credentials.RecordLogin(ctx, stored.ID, domain.LoginUpdate{
		SignCount: presented,
		// The library keeps UV as first recorded unless an upgrade was
		// authorised (WebAuthn's uvInitialized); store its decision.
		UserVerified:   verified.Flags.UserVerified,
		BackupEligible: asserted.HasBackupEligible(),
		BackupState:    asserted.HasBackupState(),
		UsedAt:         now,
	})
	if err != nil {
		return LoginResult{}, nil, backendError(err)
	}
	if !accepted {
		s.metrics.CloneWarning()
		s.log.WarnContext(ctx, "passkey sign counter did not advance: possible cloned authenticator",
			"event", "webauthn.clone_warning", "user_id", user.ID,
			"credential_id", base64.RawURLEncoding.EncodeToString(stored.ID),
			"stored_count", stored.SignCount, "presented_count", presented)
		if err := s.credentials.MarkCloneWarning(ctx, stored.ID); err != nil {
			return LoginResult{}, nil, backendError(err)
		}
		return LoginResult{}, &loginRejection{reason: "sign counter did not advance", credentialID: stored.ID}, nil
	}

	token, session, err := s.mintSession(ctx, user, stored.ID)
	if err != nil {
		return LoginResult{}, nil, err
	}
	s.metrics.SessionCreated()
	s.log.InfoContext(ctx, "signed in with passkey",
		"event", "webauthn.login", "outcome", "success", "user_id", user.ID, "username", user.Username,
		"credential_id", base64.RawURLEncoding.EncodeToString(stored.ID),
		"user_verified", asserted.HasUserVerified(), "backup_state", asserted.HasBackupState())
	return LoginResult{Token: token, ExpiresAt: session.ExpiresAt, Username: user.Username}, nil, nil
}

// mintSession creates a bearer session. Only the token's hash is stored, so a
// dump of the session store yields no usable token.
func (s *Service) mintSession(ctx context.Context, user domain.User, credentialID []byte) (string, domain.Session, error) {
	raw, err := s.randomBytes(tokenBytes)
	if err != nil {
		return "", domain.Session{}, domain.Unavailable(err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	session := domain.Session{
		UserID:       user.ID,
		Username:     user.Username,
		CredentialID: credentialID,
		CreatedAt:    now,
		ExpiresAt:    now.Add(s.cfg.SessionTTL),
	}
	if err := s.sessions.CreateSession(ctx, domain.TokenHash(token), session, s.cfg.SessionTTL); err != nil {
		return "", domain.Session{}, backendError(err)
	}
	return token, session, nil
}

// Authenticate resolves a bearer token to its session. Unknown, expired and
// malformed tokens are all the same 401; a malformed one never reaches the
// store. A store outage is a 503, never a 401.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Session, error) {
	if !wellFormedToken(token) {
		return domain.Session{}, errInvalidSession()
	}
	session, err := s.sessions.Session(ctx, domain.TokenHash(token))
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Session{}, errInvalidSession()
	}
	if err != nil {
		return domain.Session{}, backendError(err)
	}
	// The store's TTL normally removes a session on time; this covers a
	// store whose expiry lags.
	if !s.now().Before(session.ExpiresAt) {
		return domain.Session{}, errInvalidSession()
	}
	return session, nil
}

// Logout ends the session of token at once, on every instance. Ending a
// session that is already gone succeeds: the caller's goal is met.
func (s *Service) Logout(ctx context.Context, token string) error {
	if !wellFormedToken(token) {
		return errInvalidSession()
	}
	err := s.sessions.DeleteSession(ctx, domain.TokenHash(token))
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return backendError(err)
	}
	return nil
}

// wellFormedToken accepts exactly what mintSession produces: 43 characters
// of unpadded base64url encoding 32 bytes.
func wellFormedToken(token string) bool {
	if len(token) != tokenLength {
		return false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	return err == nil && len(raw) == tokenBytes
}

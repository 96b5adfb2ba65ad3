package passkeys

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"movieapi/internal/domain"
)

// Session tokens: 32 bytes from the CSPRNG, unpadded base64url.
const (
	tokenBytes  = 32
	tokenLength = 43
)

// maxTouchInterval coalesces "last seen" writes: a session in constant use
// costs at most one write per this interval, not one per request. It is also
// the resolution of the idle timeout.
const maxTouchInterval = time.Minute

// mintSession creates a bearer session. Only the token's hash is stored, so a
// dump of the session store yields no usable token. verified says whether the
// sign-in was user-verified, which makes it the session's first proof for
// changes to the account's passkeys.
func (s *Service) mintSession(ctx context.Context, user domain.User, credentialID []byte, verified bool) (string, domain.Session, error) {
	raw, err := s.randomBytes(tokenBytes)
	if err != nil {
		return "", domain.Session{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	session := domain.Session{
		TokenHash:    domain.TokenHash(token),
		UserID:       user.ID,
		Username:     user.Username,
		CredentialID: credentialID,
		CreatedAt:    now,
		ExpiresAt:    now.Add(s.cfg.SessionTTL),
		LastSeenAt:   now,
	}
	if verified {
		session.VerifiedAt = now
	}
	if err := s.sessions.CreateSession(ctx, session, session.StoreTTL(now, s.cfg.SessionIdle), now); err != nil {
		return "", domain.Session{}, err
	}
	return token, session, nil
}

// Authenticate resolves a bearer token to its session. Unknown, expired,
// idle and malformed tokens are all the same 401; a malformed one never
// reaches the store. A store outage is a 503, never a 401.
//
// A use is recorded (and the idle timeout slid) at most once per touch
// interval, so the hot path is one read; the write that slides it is skipped
// when it would change nothing that matters yet.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Session, error) {
	if !wellFormedToken(token) {
		return domain.Session{}, errInvalidSession()
	}
	session, err := s.activeSession(ctx, domain.TokenHash(token))
	if err != nil {
		return domain.Session{}, err
	}
	now := s.now()
	if now.Sub(session.LastSeenAt) >= s.touchInterval() {
		err := s.sessions.TouchSession(ctx, session.TokenHash, now, session.StoreTTL(now, s.cfg.SessionIdle))
		switch {
		case errors.Is(err, domain.ErrNotFound):
			return domain.Session{}, errInvalidSession() // ended meanwhile
		case err != nil:
			// The read worked and the session is valid; a missed slide
			// only brings its idle expiry a little closer.
			s.log.WarnContext(ctx, "could not record a session's use", "event", "session.touch", "err", err)
		default:
			session.LastSeenAt = now
		}
	}
	return session, nil
}

// activeSession reads a session and applies the lifetime rules. The store's
// TTL normally removes a session on time; the checks cover a store whose
// expiry lags.
func (s *Service) activeSession(ctx context.Context, tokenHash string) (domain.Session, error) {
	session, err := s.sessions.Session(ctx, tokenHash)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Session{}, errInvalidSession()
	}
	if err != nil {
		return domain.Session{}, err
	}
	if !session.ActiveAt(s.now(), s.cfg.SessionIdle) {
		return domain.Session{}, errInvalidSession()
	}
	return session, nil
}

// touchInterval is maxTouchInterval, or less for a short idle timeout, so
// that a session in use never idles out between two writes.
func (s *Service) touchInterval() time.Duration {
	return min(maxTouchInterval, s.cfg.SessionIdle/4)
}

// Logout ends the session at once, on every instance. Ending a session that
// is already gone succeeds: the caller's goal is met.
func (s *Service) Logout(ctx context.Context, session domain.Session) error {
	err := s.sessions.DeleteSession(ctx, session)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	return nil
}

// requireRecentVerification refuses a change to the account's passkeys
// unless the session made a user-verified assertion within the
// re-authentication window: a stolen token alone cannot add the thief's
// passkey or delete the owner's.
func (s *Service) requireRecentVerification(session domain.Session) error {
	if session.VerifiedWithin(s.now(), s.cfg.ReauthWindow) {
		return nil
	}
	return domain.Forbidden(msgReauthRequired)
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

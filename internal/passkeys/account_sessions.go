package passkeys

import (
	"context"
	"slices"
	"time"

	"movieapi/internal/domain"
)

// SessionView is one of an account's live sessions as its owner sees it.
type SessionView struct {
	domain.Session
	// PasskeyName is the name of the passkey that signed the session in
	// ("" once that passkey is gone).
	PasskeyName string
	// Current marks the session asking.
	Current bool
}

// Sessions lists the caller's account's live sessions, newest first, with
// the name of the passkey each was created with.
func (s *Service) Sessions(ctx context.Context, caller domain.Session) ([]SessionView, error) {
	sessions, err := s.liveSessions(ctx, caller.UserID)
	if err != nil {
		return nil, err
	}
	creds, err := s.credentials.CredentialsByUser(ctx, caller.UserID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(creds))
	for _, c := range creds {
		names[string(c.ID)] = c.Name
	}
	views := make([]SessionView, len(sessions))
	for i, sess := range sessions {
		views[i] = SessionView{Session: sess, PasskeyName: names[string(sess.CredentialID)], Current: sess.TokenHash == caller.TokenHash}
	}
	return views, nil
}

// liveSessions is the store's list without the sessions the lifetime rules
// have already ended, newest first.
func (s *Service) liveSessions(ctx context.Context, userID int64) ([]domain.Session, error) {
	all, err := s.sessions.UserSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	live := slices.DeleteFunc(all, func(sess domain.Session) bool { return !sess.ActiveAt(now, s.cfg.SessionIdle) })
	slices.SortStableFunc(live, func(a, b domain.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return live, nil
}

// EndSession ends one of the caller's account's sessions by its public id,
// on every instance at once. Another account's session, or one that does
// not exist, is "not found" alike. Ending the caller's own is a logout.
func (s *Service) EndSession(ctx context.Context, caller domain.Session, id string) error {
	sessions, err := s.liveSessions(ctx, caller.UserID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if sess.ID == id && id != "" {
			why := domain.DetailRevoked
			if sess.TokenHash == caller.TokenHash {
				why = domain.DetailLogout
			}
			return s.endSession(ctx, sess, why)
		}
	}
	return domain.NotFound(msgSessionNotFound)
}

// EndOtherSessions ends every session of the caller's account but the
// caller's own and reports how many it ended.
func (s *Service) EndOtherSessions(ctx context.Context, caller domain.Session) (int, error) {
	sessions, err := s.liveSessions(ctx, caller.UserID)
	if err != nil {
		return 0, err
	}
	ended := 0
	for _, sess := range sessions {
		if sess.TokenHash == caller.TokenHash {
			continue
		}
		if err := s.endSession(ctx, sess, domain.DetailRevokedOthers); err != nil {
			return ended, err
		}
		ended++
	}
	return ended, nil
}

// Event list bounds (GET /webauthn/events).
const (
	DefaultEventLimit = 20
	MaxEventLimit     = 100
)

// Events lists the caller's account's security events, newest first: at
// most limit (capped at MaxEventLimit; 0 means DefaultEventLimit) older
// than the event before (0: from the newest).
func (s *Service) Events(ctx context.Context, caller domain.Session, before int64, limit int) ([]domain.SecurityEvent, error) {
	switch {
	case limit < 0 || before < 0:
		return nil, domain.Invalid("limit and before must not be negative")
	case limit == 0:
		limit = DefaultEventLimit
	case limit > MaxEventLimit:
		limit = MaxEventLimit
	}
	events, err := s.events.Events(ctx, caller.UserID, before, limit)
	if events == nil && err == nil {
		events = []domain.SecurityEvent{}
	}
	return events, err
}

// PruneEvents deletes the security events older than retention (contract
// §7.11). Safe to call from every instance at once.
func (s *Service) PruneEvents(ctx context.Context, retention time.Duration) (int64, error) {
	return s.events.PruneEvents(ctx, s.now().Add(-retention))
}

package domain

import (
	"context"
	"time"
)

// UserRepository stores accounts.
type UserRepository interface {
	// AccountByUsername returns the user whose canonical username is
	// name.Canonical, with its credentials oldest first, read together:
	// ErrNotFound when there is no such user, an empty list when it has no
	// credentials.
	AccountByUsername(ctx context.Context, name Username) (User, []Credential, error)
	// CreateUserWithCredential writes a new user and its first credential in
	// one transaction. ErrConflict when the canonical username or the
	// credential id exists.
	CreateUserWithCredential(ctx context.Context, u User, c Credential) (User, error)
}

// CredentialRepository stores passkeys.
type CredentialRepository interface {
	// AddCredential attaches another credential to an existing user;
	// ErrConflict when the credential id exists.
	AddCredential(ctx context.Context, c Credential) error
	// CredentialsByUser lists a user's credentials oldest first.
	CredentialsByUser(ctx context.Context, userID int64) ([]Credential, error)
	// CredentialByID returns ErrNotFound for an unknown id.
	CredentialByID(ctx context.Context, id []byte) (Credential, error)
	// CredentialWithOwner returns a credential and the user it belongs to,
	// read together; ErrNotFound for an unknown id.
	CredentialWithOwner(ctx context.Context, id []byte) (Credential, User, error)
	// RecordLogin applies the counter rule atomically: it writes u only when
	// SignCountAccepted(stored, u.SignCount) holds at the moment of the write,
	// reports false otherwise (and then writes nothing); ErrNotFound when the
	// credential no longer exists. It waits for a deletion of the credential
	// that is in progress (see DeleteCredential).
	RecordLogin(ctx context.Context, id []byte, u LoginUpdate) (bool, error)
	// MarkCloneWarning flags a credential whose counter went backwards.
	MarkCloneWarning(ctx context.Context, id []byte) error
	// RenameCredential renames a credential of userID; ErrNotFound when the
	// user has no such credential.
	RenameCredential(ctx context.Context, userID int64, id []byte, name string) (Credential, error)
	// DeleteCredential deletes a credential of userID: ErrNotFound when the
	// user has no such credential, ErrConflict when it is the user's last.
	// beforeCommit runs once the row is deleted but before the deletion is
	// committed, while the row stays locked: a RecordLogin of the credential
	// waits for the outcome meanwhile. When beforeCommit fails, nothing is
	// deleted and its error is returned.
	DeleteCredential(ctx context.Context, userID int64, id []byte, beforeCommit func(context.Context) error) error
}

// SecretRepository keeps server secrets that must be the same on every
// instance and survive restarts.
type SecretRepository interface {
	// Secret returns the named secret, creating it from generate on first use
	// (concurrent first uses agree on one value).
	Secret(ctx context.Context, name string, generate func() ([]byte, error)) ([]byte, error)
}

// Repository is the whole PostgreSQL port.
type Repository interface {
	MovieRepository
	UserRepository
	CredentialRepository
	SecretRepository
	Pinger
}

// SessionStore keeps sessions and in-flight ceremony state (Redis).
type SessionStore interface {
	// CreateSession stores s under s.TokenHash for ttl and lists it among
	// its user's sessions, so they can be found and ended together. now
	// trims that list of sessions past their absolute expiry.
	CreateSession(ctx context.Context, s Session, ttl time.Duration, now time.Time) error
	// Session returns ErrNotFound for an unknown or expired token hash.
	Session(ctx context.Context, tokenHash string) (Session, error)
	// TouchSession records a use at seenAt and keeps the session ttl longer;
	// it never brings back a session that ended meanwhile (ErrNotFound).
	TouchSession(ctx context.Context, tokenHash string, seenAt time.Time, ttl time.Duration) error
	// MarkVerified records a user-verified assertion made at on the session,
	// keeping its lifetime; ErrNotFound when the session has ended.
	MarkVerified(ctx context.Context, tokenHash string, at time.Time) error
	// DeleteSession ends one session (logout).
	DeleteSession(ctx context.Context, s Session) error
	// EndCredentialSessions ends every session of userID that the
	// credential created.
	EndCredentialSessions(ctx context.Context, userID int64, credentialID []byte) error
	// PutCeremony stores ceremony state under its challenge for ttl.
	PutCeremony(ctx context.Context, kind CeremonyKind, challenge string, state []byte, ttl time.Duration) error
	// TakeCeremony returns and deletes the state in one step (single use);
	// ErrNotFound when missing, expired or already taken.
	TakeCeremony(ctx context.Context, kind CeremonyKind, challenge string) ([]byte, error)
}

// RateLimiter answers whether one more request under key fits its budget.
type RateLimiter interface {
	// Allow returns a *RateLimitedError when the budget is spent.
	Allow(ctx context.Context, key string) error
}

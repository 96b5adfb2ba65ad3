package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Session is a signed-in user, created by a successful sign-in and found by
// the hash of its bearer token.
type Session struct {
	// TokenHash is how the session is stored and found (TokenHash); it is
	// never shown to anyone.
	TokenHash    string
	UserID       int64
	Username     string
	CredentialID []byte
	CreatedAt    time.Time
	// ExpiresAt is the absolute end of the session, whatever its use.
	ExpiresAt time.Time
	// LastSeenAt is when the session was last used, kept with a coarse
	// resolution (see SessionStore.TouchSession); a session unused for
	// longer than the idle timeout is over.
	LastSeenAt time.Time
	// VerifiedAt is the last user-verified passkey assertion made on this
	// session (its sign-in, or a re-authentication); zero when none was.
	// Changing the account's passkeys needs a recent one.
	VerifiedAt time.Time
}

// ActiveAt tells whether the session may be used at now: before its
// absolute expiry and used within idle.
func (s Session) ActiveAt(now time.Time, idle time.Duration) bool {
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < idle
}

// VerifiedWithin tells whether the session holds a user-verified proof made
// no longer than window before now. A proof stamped a little after now is
// another instance's clock running ahead, not a proof from the future; it
// counts as long as the skew is within the window too.
func (s Session) VerifiedWithin(now time.Time, window time.Duration) bool {
	if s.VerifiedAt.IsZero() {
		return false
	}
	age := now.Sub(s.VerifiedAt)
	return age <= window && age >= -window
}

// StoreTTL is how long the store should keep the session from now: until
// the idle timeout runs out or the absolute expiry, whichever comes first.
func (s Session) StoreTTL(now time.Time, idle time.Duration) time.Duration {
	return min(idle, s.ExpiresAt.Sub(now))
}

// TokenHash is how a session token is stored: the hex SHA-256 of the token,
// so a dump of the store yields no usable token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CeremonyKind separates registration, sign-in and re-authentication state:
// a challenge issued for one can never finish another.
type CeremonyKind string

// The WebAuthn ceremonies.
const (
	CeremonyRegistration CeremonyKind = "reg"
	CeremonyLogin        CeremonyKind = "auth"
	CeremonyReauth       CeremonyKind = "reauth"
)

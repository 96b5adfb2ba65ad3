package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Session is a signed-in user, created by a successful sign-in and found by
// the hash of its bearer token.
type Session struct {
	UserID       int64     `json:"user_id"`
	Username     string    `json:"username"`
	CredentialID []byte    `json:"credential_id"`
	CreatedAt    time.Time `json:"created_at"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// TokenHash is how a session token is stored: the hex SHA-256 of the token,
// so a dump of the store yields no usable token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CeremonyKind separates registration state from sign-in state.
type CeremonyKind string

// The two WebAuthn ceremonies.
const (
	CeremonyRegistration CeremonyKind = "reg"
	CeremonyLogin        CeremonyKind = "auth"
)

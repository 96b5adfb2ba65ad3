package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Username and passkey-name bounds, from the contract.
const (
	MaxUsernameLength = 64
	MaxNameLength     = 64
	UserHandleLength  = 32 // random bytes; never the database key, never the username
)

// User is an account. Username is kept as first typed, for display; its
// uniqueness is case-insensitive.
type User struct {
	ID        int64
	Username  string
	Handle    []byte
	CreatedAt time.Time
}

// NormalizeUsername trims the username and checks its length and characters.
func NormalizeUsername(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if name == "" || utf8.RuneCountInString(name) > MaxUsernameLength {
		return "", Invalid("username must be 1 to 64 characters")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return "", Invalid("username must not contain control characters")
	}
	return name, nil
}

// NormalizeCredentialName trims a passkey name and checks its length.
func NormalizeCredentialName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if name == "" || utf8.RuneCountInString(name) > MaxNameLength {
		return "", Invalid("name must be 1 to 64 characters")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return "", Invalid("name must not contain control characters")
	}
	return name, nil
}

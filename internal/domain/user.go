package domain

import (
	"strconv"
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

// User is an account. Username is kept as first typed, for display;
// CanonicalUsername (ParseUsername) is what makes it unique.
type User struct {
	ID                int64
	Username          string
	CanonicalUsername string
	Handle            []byte
	CreatedAt         time.Time
}

// NormalizeCredentialName trims a passkey name and checks its length.
func NormalizeCredentialName(raw string) (string, error) {
	return normalizeLabel(raw, "name", MaxNameLength)
}

// normalizeLabel trims a human-chosen label and checks it is 1 to max
// characters without control characters; field names it in the message.
func normalizeLabel(raw, field string, maxLen int) (string, error) {
	label := strings.TrimSpace(raw)
	if label == "" || utf8.RuneCountInString(label) > maxLen {
		return "", Invalid(field + " must be 1 to " + strconv.Itoa(maxLen) + " characters")
	}
	if strings.ContainsFunc(label, unicode.IsControl) {
		return "", Invalid(field + " must not contain control characters")
	}
	return label, nil
}

// Canonical is the account's canonical username. An account stored before
// usernames had a canonical form, and not filled in since, answers the
// canonical form of its display name ("" when the profile refuses it).
func (u User) Canonical() string {
	if u.CanonicalUsername != "" {
		return u.CanonicalUsername
	}
	canonical, _ := CanonicalUsername(u.Username)
	return canonical
}

// NamedBy tells whether a username someone typed names this account.
func (u User) NamedBy(typed string) bool {
	canonical, err := CanonicalUsername(typed)
	return err == nil && canonical != "" && canonical == u.Canonical()
}

package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"
)

// Username is an account name in its two forms: Display as the person typed
// it (trimmed), shown back to them; Canonical, the one key that decides
// uniqueness, finds the account at sign-in and names it in decoys and rate
// limits. Two usernames are the same account exactly when their canonical
// forms are equal.
type Username struct {
	Display   string
	Canonical string
}

// maxUsernameBytes bounds the input before any Unicode work: 64 characters
// are at most 256 bytes of UTF-8, so anything longer is refused unread.
const maxUsernameBytes = 4 * MaxUsernameLength

// ParseUsername checks a username and returns its display and canonical
// forms. The canonical form is PRECIS UsernameCaseMapped (RFC 8265 §3.3:
// full-width to half-width, lower case, NFC) applied to each space-separated
// part, joined by single spaces (RFC 8265 §3.5 lets an application allow
// spaces that way). Format characters (zero-width, bidi controls, soft
// hyphen) are refused outright: they make one name look like another.
func ParseUsername(raw string) (Username, error) {
	if len(raw) > maxUsernameBytes {
		return Username{}, errUsernameLength()
	}
	display := strings.TrimSpace(raw)
	switch {
	case display == "" || utf8.RuneCountInString(display) > MaxUsernameLength:
		return Username{}, errUsernameLength()
	case !utf8.ValidString(display):
		return Username{}, Invalid("username must be valid UTF-8")
	case strings.ContainsFunc(display, unicode.IsControl):
		return Username{}, Invalid("username must not contain control characters")
	case strings.ContainsFunc(display, isFormatCharacter):
		return Username{}, Invalid("username must not contain invisible or formatting characters")
	}
	parts := strings.FieldsFunc(display, func(r rune) bool { return r == ' ' })
	for i, part := range parts {
		canonical, err := precis.UsernameCaseMapped.String(part)
		if err != nil {
			return Username{}, Invalid("username may contain letters, digits, punctuation and single spaces only")
		}
		parts[i] = canonical
	}
	return Username{Display: display, Canonical: strings.Join(parts, " ")}, nil
}

// CanonicalUsername is ParseUsername's canonical form, for callers that only
// need the key.
func CanonicalUsername(raw string) (string, error) {
	u, err := ParseUsername(raw)
	return u.Canonical, err
}

// isFormatCharacter is Unicode category Cf (zero-width joiners and spaces,
// bidi controls, the soft hyphen, …) and the other default-ignorable
// characters a reader cannot see.
func isFormatCharacter(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

func errUsernameLength() error {
	return Invalid("username must be 1 to " + strconv.Itoa(MaxUsernameLength) + " characters")
}

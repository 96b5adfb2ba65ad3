package domain

import (
	"crypto/sha1" //nolint:gosec // SHA-1 is the contract's ID scheme, not a security boundary.
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds of a movie, from the contract.
const (
	MaxTitleLength = 256  // characters (runes) after sanitising
	MinYear        = 1880 // the first films
	YearsAhead     = 5    // announced films may be dated up to five years ahead
	MinStars       = 0.0
	MaxStars       = 5.0
	IDLength       = 40 // lowercase hex SHA-1
)

// Movie is one film as clients send and receive it.
type Movie struct {
	Title string  `json:"title"`
	Year  int     `json:"year"`
	Stars float64 `json:"stars"`
}

// Sanitize returns the movie with its title normalised, or an ErrInvalid
// error naming the first rule it breaks. now decides the upper year bound.
func (m Movie) Sanitize(now time.Time) (Movie, error) {
	title := NormalizeTitle(m.Title)
	switch {
	case title == "":
		return Movie{}, Invalid("title must not be empty")
	case utf8.RuneCountInString(title) > MaxTitleLength:
		return Movie{}, Invalid("title must be at most " + strconv.Itoa(MaxTitleLength) + " characters")
	case strings.ContainsFunc(title, unicode.IsControl):
		return Movie{}, Invalid("title must not contain control characters")
	}
	maxYear := now.UTC().Year() + YearsAhead
	if m.Year < MinYear || m.Year > maxYear {
		return Movie{}, Invalid("year must be between " + strconv.Itoa(MinYear) + " and " + strconv.Itoa(maxYear))
	}
	if !(m.Stars >= MinStars && m.Stars <= MaxStars) { // also rejects NaN
		return Movie{}, Invalid("stars must be between 0 and 5")
	}
	return Movie{Title: title, Year: m.Year, Stars: m.Stars}, nil
}

// NormalizeTitle trims Unicode white space at both ends and collapses every
// inner run of it to one ASCII space. Case is kept.
func NormalizeTitle(title string) string {
	return strings.Join(strings.FieldsFunc(title, unicode.IsSpace), " ")
}

// ID is the movie's identity: hex SHA-1 of lower(title) + ":" + year. Call it
// on a sanitised movie; stars are not part of it.
func (m Movie) ID() string {
	sum := sha1.Sum([]byte(strings.ToLower(m.Title) + ":" + strconv.Itoa(m.Year))) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// ParseMovieID returns the canonical (lowercase) form of a path ID, and false
// when it is not 40 hex characters and so cannot name a movie.
func ParseMovieID(raw string) (string, bool) {
	if len(raw) != IDLength {
		return "", false
	}
	var buf [IDLength]byte
	for i := 0; i < IDLength; i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			buf[i] = c
		case c >= 'A' && c <= 'F':
			buf[i] = c + ('a' - 'A')
		default:
			return "", false
		}
	}
	return string(buf[:]), true
}

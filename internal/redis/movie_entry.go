package redis

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"movieapi/internal/domain"
)

// entry is the cached JSON of one movie, or of an invalidation (Gone). The
// version comes first so the Lua script can read it with a pattern.
type entry struct {
	Version int64         `json:"v"`
	Gone    bool          `json:"gone,omitempty"`
	Movie   *domain.Movie `json:"m,omitempty"`
}

// decodeEntry reads a cached entry. Entries are written by json.Marshal of
// entry, so a hit almost always has one exact layout; that layout is read
// directly, without reflection, because it is the hottest read of the
// service. Anything else — a title with escapes, an older format — goes
// through encoding/json. FuzzDecodeEntry holds the two paths equal.
func decodeEntry(raw []byte) (entry, error) {
	if e, ok := decodeEntryFast(raw); ok {
		return e, nil
	}
	var e entry
	err := json.Unmarshal(raw, &e)
	return e, err
}

// decodeEntryFast parses {"v":N,"m":{"title":"T","year":Y,"stars":S}} where
// T is plain UTF-8 without escape sequences; ok is false for any other input
// (including anything encoding/json would read differently, such as numbers
// it does not accept).
func decodeEntryFast(raw []byte) (e entry, ok bool) {
	if !json.Valid(raw) {
		return entry{}, false
	}
	rest, ok := bytes.CutPrefix(raw, []byte(`{"v":`))
	if !ok {
		return entry{}, false
	}
	version, rest, ok := cutNumber(rest, `,"m":{"title":"`)
	if !ok {
		return entry{}, false
	}
	end := bytes.IndexByte(rest, '"')
	title := rest[:max(end, 0)]
	if end < 0 || bytes.IndexByte(title, '\\') >= 0 || !utf8.Valid(title) {
		return entry{}, false
	}
	rest, ok = bytes.CutPrefix(rest[end:], []byte(`","year":`))
	if !ok {
		return entry{}, false
	}
	year, rest, ok := cutNumber(rest, `,"stars":`)
	if !ok {
		return entry{}, false
	}
	stars, rest, ok := cutNumber(rest, `}}`)
	if !ok || len(rest) != 0 {
		return entry{}, false
	}
	v, err1 := strconv.ParseInt(string(version), 10, 64)
	y, err2 := strconv.ParseInt(string(year), 10, 0)
	s, err3 := strconv.ParseFloat(string(stars), 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return entry{}, false
	}
	return entry{Version: v, Movie: &domain.Movie{Title: string(title), Year: int(y), Stars: s}}, true
}

// cutNumber splits b at the separator that must follow a JSON number.
func cutNumber(b []byte, sep string) (number, rest []byte, ok bool) {
	i := bytes.Index(b, []byte(sep))
	if i <= 0 {
		return nil, nil, false
	}
	return b[:i], b[i+len(sep):], true
}

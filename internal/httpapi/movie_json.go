package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"unicode/utf8"

	"movieapi/internal/domain"
)

// writeMovie answers {"data":{"title":…,"year":…,"stars":…}}. It is the
// answer of the hottest route, so it is encoded by hand into one buffer
// instead of through reflection; FuzzMovieJSON holds it byte-for-byte equal
// to encoding/json.
func writeMovie(w http.ResponseWriter, status int, m domain.Movie) {
	buf := make([]byte, 0, 64+len(m.Title))
	writeJSONBytes(w, status, append(appendMovieEnvelope(buf, m), '\n'))
}

func appendMovieEnvelope(dst []byte, m domain.Movie) []byte {
	dst = append(dst, `{"data":{"title":`...)
	dst = appendJSONString(dst, m.Title)
	dst = append(dst, `,"year":`...)
	dst = strconv.AppendInt(dst, int64(m.Year), 10)
	dst = append(dst, `,"stars":`...)
	dst = appendJSONFloat(dst, m.Stars)
	return append(dst, "}}"...)
}

// appendJSONFloat formats like encoding/json: shortest representation,
// exponent form only for very small or very large magnitudes.
func appendJSONFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-7, not e-07.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does by default, including its
// HTML-safe escaping of <, > and &, of U+2028/U+2029, and U+FFFD for
// invalid UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

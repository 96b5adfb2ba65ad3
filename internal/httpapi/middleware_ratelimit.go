package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// rateLimited spends one request of the client IP's budget and, when the
// body names a username, one of that username's (contract §7.8). The IP is
// checked first, so a flood from one address is refused before its body is
// read.
func (s *AppState) rateLimited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := s.Limiter.Allow(ctx, "ip:"+clientIP(r, s.TrustedProxies)); err != nil {
			s.fail(w, r, err)
			return
		}
		if username := peekUsername(r); username != "" {
			if err := s.Limiter.Allow(ctx, "user:"+username); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		next(w, r)
	}
}

// peekUsername reads the body (within the size limit), puts it back for the
// handler, and returns the lowercased username it names, if any. Malformed
// bodies name nobody; the handler will reject them.
func peekUsername(r *http.Request) string {
	buf, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	if err != nil || len(buf) > MaxBodyBytes {
		return ""
	}
	var body struct {
		Username string `json:"username"`
	}
	if json.Unmarshal(buf, &body) != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(body.Username))
}

// readCloser keeps the original body's Close behind the replayed reader.
type readCloser struct {
	io.Reader
	io.Closer
}

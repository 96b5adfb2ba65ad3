package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync/atomic"
	"time"

	"movieapi/internal/logging"
)

// maxRequestIDLength bounds a caller's id; longer ones are replaced.
const maxRequestIDLength = 128

// RequestDeadline bounds the work of one request: every PostgreSQL and Redis
// call inherits it through the context, so a stuck backend turns into a 503
// well before the server's 30 s write timeout cuts the connection.
const RequestDeadline = 10 * time.Second

// requestIDs makes ids that are unique across instances and restarts without
// reading the random source per request: a random prefix drawn once, then a
// counter. Request ids are correlation handles, not secrets.
type requestIDs struct {
	prefix [16]byte // hex of 8 random bytes
	next   atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var seed [8]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	ids := &requestIDs{}
	hex.Encode(ids.prefix[:], seed[:])
	return ids
}

const hexDigits = "0123456789abcdef"

// newID returns 32 hex characters: the prefix and a 16-digit counter.
func (ids *requestIDs) newID() string {
	var buf [32]byte
	copy(buf[:16], ids.prefix[:])
	n := ids.next.Add(1)
	for i := len(buf) - 1; i >= 16; i-- {
		buf[i] = hexDigits[n&0xF]
		n >>= 4
	}
	return string(buf[:])
}

// requestContext keeps a sane caller-supplied X-Request-Id (so ids follow a
// request across services) or makes a new one, puts it on the response and
// in the context (for logs), and gives the request its deadline — in one
// derived request, since each copy costs an allocation on every call.
func (s *AppState) requestContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = s.ids.newID()
		}
		w.Header()["X-Request-Id"] = []string{id}
		ctx, cancel := context.WithTimeout(logging.WithRequestID(r.Context(), id), RequestDeadline)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// saneRequestID allows what is safe in a header and a log line.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"

	"movieapi/internal/domain"
)

// rateLimited spends one request of the client's budget and, when the body
// names a username, one of the (client, username) pair's (contract §7.8).
// The client is its IPv4 address or its IPv6 network (a /64 by default: one
// subscriber's whole allocation). The client is checked first, so a flood
// from one address is refused before its body is read.
//
// There is deliberately no budget per username alone: it would let one
// address make an account answer 429 to its owner everywhere. Failed
// sign-ins are counted per account instead, by the passkeys service.
func (s *AppState) rateLimited(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		client := clientKey(clientIP(r, s.TrustedProxies), s.IPv6Prefix)
		if err := s.Limiter.Allow(ctx, "ip:"+client); err != nil {
			return err
		}
		if account := peekAccount(r); account != "" {
			if err := s.Limiter.Allow(ctx, "ip-user:"+client+":"+account); err != nil {
				return err
			}
		}
		return next(w, r)
	}
}

// clientKey is what a client's budget is kept under: the address for IPv4,
// the /prefix network for IPv6 (an address the socket gives, never client
// text, so its length is bounded).
func clientKey(ip string, ipv6Prefix int) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	if addr.Is4() || ipv6Prefix <= 0 || ipv6Prefix >= 128 {
		return addr.String()
	}
	prefix, err := addr.Prefix(ipv6Prefix)
	if err != nil {
		return addr.String()
	}
	return prefix.String()
}

// peekAccount reads the body (within the size limit), puts it back for the
// handler, and returns a short hash of the canonical username it names, if
// any: limiter keys never carry client input of unbounded length, and two
// spellings of one account share one budget. Malformed bodies and invalid
// usernames name nobody; the handler will reject them.
func peekAccount(r *http.Request) string {
	buf, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	if err != nil || len(buf) > MaxBodyBytes {
		return ""
	}
	var body struct {
		Username string `json:"username"`
	}
	if json.Unmarshal(buf, &body) != nil || body.Username == "" {
		return ""
	}
	canonical, err := domain.CanonicalUsername(body.Username)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:16])
}

// readCloser keeps the original body's Close behind the replayed reader.
type readCloser struct {
	io.Reader
	io.Closer
}

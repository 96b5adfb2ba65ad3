package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"movieapi/internal/passkeys"
)

// relatedOriginsCacheControl lets browsers and shared caches keep the
// document for an hour. It changes only when an operator changes
// AXUM_WEBAUTHN_RELATED_ORIGINS and restarts, and a stale copy cannot let a
// removed origin in (every finish checks the origin against the live
// setting): at worst a newly added origin works an hour later. The ETag
// makes the revalidation after that a 304.
const relatedOriginsCacheControl = "public, max-age=3600"

// errNoRelatedOrigins answers /.well-known/webauthn when none are
// configured: the resource does not exist (RFC 8615), which browsers treat
// exactly like a list without the caller's origin.
var errNoRelatedOrigins = &httpError{http.StatusNotFound, "no related origins are configured"}

// relatedOriginsResponse is the Related Origin Requests document.
type relatedOriginsResponse struct {
	Origins []string `json:"origins"`
}

// relatedOriginsDocument is the encoded /.well-known/webauthn answer and its
// strong validator, made once: the setting is read at startup.
type relatedOriginsDocument struct {
	body []byte
	etag string
}

// newRelatedOriginsDocument encodes the service's related origins (checked
// and normalised by the passkeys package); nil when there are none (or no
// passkey service, as in router-only tests).
func newRelatedOriginsDocument(p *passkeys.Service) *relatedOriginsDocument {
	if p == nil {
		return nil
	}
	origins := p.RelatedOrigins()
	if len(origins) == 0 {
		return nil
	}
	body, err := json.Marshal(relatedOriginsResponse{Origins: origins})
	if err != nil {
		return nil // a list of strings always encodes
	}
	sum := sha256.Sum256(body)
	return &relatedOriginsDocument{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// wellKnownWebAuthn serves the related origins (W3C WebAuthn Level 3 §5.11)
// to browsers running a ceremony on one of them. Browsers take only a 200 of
// type application/json; it is sent without parameters, so that a strict
// comparison passes too.
func (s *AppState) wellKnownWebAuthn(w http.ResponseWriter, r *http.Request) error {
	doc := s.relatedOrigins
	if doc == nil {
		return errNoRelatedOrigins
	}
	// Exactly application/json: browsers refuse the document otherwise.
	writeValidated(w, r, doc.body, doc.etag, "application/json", relatedOriginsCacheControl)
	return nil
}

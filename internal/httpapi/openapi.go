package httpapi

import (
	"net/http"
	"sync"
)

// openapiDocument is the API contract, web/openapi.json, written by hand and
// kept honest by openapi_test.go: every route of the table is in it, nothing
// else is, and real answers validate against it.
var openapiDocument = sync.OnceValues(func() ([]byte, error) {
	return web.ReadFile("web/openapi.json")
})

// openapi serves the contract. It changes with the version only, so clients
// may keep it and revalidate with its ETag.
func (s *AppState) openapi(w http.ResponseWriter, r *http.Request) {
	body, err := openapiDocument()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", assetETag(body))
	if r.Header.Get("If-None-Match") == h.Get("ETag") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

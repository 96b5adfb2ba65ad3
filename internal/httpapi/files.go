package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"sync"
)

// embeddedFile is one file of web/ with its strong validator.
type embeddedFile struct {
	body []byte
	etag string
}

// embeddedFiles reads web/ once: the files are built into the binary, so
// their bytes and ETags never change while the process runs and need not be
// read or hashed per request. Names are flat: web/ has no subdirectories.
var embeddedFiles = sync.OnceValue(func() map[string]embeddedFile {
	files := map[string]embeddedFile{}
	entries, _ := fs.ReadDir(web, "web") // an embedded directory always reads
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := web.ReadFile("web/" + e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(body)
		files[e.Name()] = embeddedFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return files
})

// serveEmbedded answers a file of web/ with its content type and ETag, or
// 304 when the client's copy is current. Files change with the version only,
// and their names carry none, so they are revalidated rather than cached for
// long: a stale script against a new API would break sign-in.
func serveEmbedded(w http.ResponseWriter, r *http.Request, name, contentType string) error {
	f, ok := embeddedFiles()[name]
	if !ok {
		return errNoRoute
	}
	writeValidated(w, r, f.body, f.etag, contentType, "no-cache")
	return nil
}

// writeValidated answers a body that has a strong validator: 304 when the
// client's copy is current (If-None-Match), else the body, with its
// content type and caching rule.
func writeValidated(w http.ResponseWriter, r *http.Request, body []byte, etag, contentType, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

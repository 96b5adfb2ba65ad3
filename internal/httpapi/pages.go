package httpapi

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"path"

	"github.com/go-chi/chi/v5"
)

// web holds the pages and their assets, built into the binary.
//
//go:embed web
var web embed.FS

var landingTemplate = template.Must(template.ParseFS(web, "web/landing.html"))

// pageCSP allows the page's own scripts, styles and API calls and nothing
// else: no inline script, no third party, no framing.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// landing renders the name, the version and the route table.
func (s *AppState) landing(w http.ResponseWriter, _ *http.Request) error {
	type row struct {
		route
		NeedsSession bool
	}
	var rows []row
	for _, rt := range s.routes() {
		rows = append(rows, row{rt, s.needsSession(rt)})
	}
	var buf bytes.Buffer
	data := struct {
		Version string
		Routes  []row
	}{s.Version, rows}
	if err := landingTemplate.Execute(&buf, data); err != nil {
		return err
	}
	writePage(w, buf.Bytes())
	return nil
}

// passkeysPage serves the static passkey page; its script talks to the JSON
// API only.
func (s *AppState) passkeysPage(w http.ResponseWriter, _ *http.Request) error {
	writePage(w, embeddedFiles()["passkeys.html"].body)
	return nil
}

// writePage answers an HTML page with its security headers. Pages change
// with the version only, so a short revalidated cache is fine.
func writePage(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Frame-Options", "DENY")
	_, _ = w.Write(body)
}

// assetTypes are the content types of what web/ may hold; anything else is
// not served.
var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
}

// asset serves a stylesheet, script or image of web/ by name. Only names in
// web/ itself are known, so a path with a slash or dot-dot names nothing.
func (s *AppState) asset(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "name")
	ctype, ok := assetTypes[path.Ext(name)]
	if !ok {
		return errNoRoute
	}
	return serveEmbedded(w, r, name, ctype)
}

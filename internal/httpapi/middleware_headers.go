package httpapi

import "net/http"

// Header values set on every answer. They are assigned as shared slices
// instead of with Header.Set, which would allocate a slice per header per
// request; nothing appends to these headers, so sharing is safe.
var (
	headerNoSniff     = []string{"nosniff"}
	headerNoReferrer  = []string{"no-referrer"}
	headerNoStore     = []string{"no-store"}
	headerJSONContent = []string{"application/json; charset=utf-8"}
)

// securityHeaders sets what every answer carries. API answers are private and
// change with every write, so nothing may cache them; pages set their own
// Cache-Control and Content-Security-Policy.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = headerNoSniff
		h["Referrer-Policy"] = headerNoReferrer
		h["Cache-Control"] = headerNoStore
		next.ServeHTTP(w, r)
	})
}

package httpapi

import (
	"context"
	"net/http"
	"time"
)

// RequestDeadline bounds the work of one request: every PostgreSQL and Redis
// call inherits it through the context, so a stuck backend turns into a 503
// well before the server's 30 s write timeout cuts the connection.
const RequestDeadline = 10 * time.Second

func withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), RequestDeadline)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

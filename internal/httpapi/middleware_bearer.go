package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"movieapi/internal/domain"
)

type sessionKey struct{}

// sessionFrom returns the session requireSession put in the context.
func sessionFrom(ctx context.Context) domain.Session {
	sess, _ := ctx.Value(sessionKey{}).(domain.Session)
	return sess
}

var (
	errMissingBearer   = domain.Unauthorized("missing bearer token")
	errMalformedBearer = domain.Unauthorized("authorization header must be: Bearer <token>")
)

// requireSession lets a request through only with a valid Bearer session.
// Every 401 carries WWW-Authenticate, as RFC 6750 asks.
func (s *AppState) requireSession(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearerToken(r)
		if err == nil {
			var sess domain.Session
			sess, err = s.Passkeys.Authenticate(r.Context(), token)
			if err == nil {
				return next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
			}
		}
		if errors.Is(err, domain.ErrUnauthorized) {
			challenge := `Bearer realm="movieapi"`
			if !errors.Is(err, errMissingBearer) {
				challenge += `, error="invalid_token"`
			}
			w.Header().Set("WWW-Authenticate", challenge)
		}
		return err
	}
}

// bearerToken extracts the token of "Authorization: Bearer <token>"; the
// scheme is matched case-insensitively (RFC 9110).
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", errMissingBearer
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", errMalformedBearer
	}
	return token, nil
}

package httpapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"movieapi/internal/domain"
)

// httpError is an error only the HTTP layer can produce (content type,
// malformed or oversized body). Its message is safe to show.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string { return e.message }

// errorBody is the one shape of every error answer.
type errorBody struct {
	Error string `json:"error"`
	// UnknownCredential lets a page call signalUnknownCredential (contract §7.6).
	UnknownCredential bool `json:"unknown_credential,omitempty"`
}

// fail is the only place that turns an error into a status and a message.
// Causes are logged with the request id, never sent.
func (s *AppState) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := httpStatus(err)
	ctx := r.Context()
	switch {
	case status >= 500 && errors.Is(ctx.Err(), context.Canceled):
		// The client went away; nothing failed on our side.
		s.Log.InfoContext(ctx, "client gone before the answer", "err", err)
	case status >= 500:
		s.Log.ErrorContext(ctx, "request failed", "status", status, "err", err)
	case s.LogSteps:
		s.Log.InfoContext(ctx, "request rejected", "status", status, "err", err)
	}
	var limited *domain.RateLimitedError
	if errors.As(err, &limited) {
		secs := int(math.Ceil(limited.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	writeJSON(w, status, body)
}

// httpStatus maps an error to its answer (contract §2, "Error policy"):
// the HTTP layer's own errors carry their status; everything else by its
// domain kind, with the client-safe message a PublicError gives (else the
// kind's own); an error without a kind is a bug — 500, a message that says
// nothing about the cause.
func httpStatus(err error) (int, errorBody) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, errorBody{Error: he.message}
	}
	kind := domain.KindOf(err)
	status, ok := kindStatuses[kind]
	if !ok {
		return http.StatusInternalServerError, errorBody{Error: "internal server error"}
	}
	var pe *domain.PublicError
	if errors.As(err, &pe) && domain.HasKind(pe, kind) {
		return status, errorBody{Error: pe.Message, UnknownCredential: pe.UnknownCredential}
	}
	return status, errorBody{Error: kind.Error()}
}

// kindStatuses maps each error kind (a sentinel, compared by identity) to
// its status.
var kindStatuses = map[error]int{
	domain.ErrInvalid:      http.StatusBadRequest,
	domain.ErrUnauthorized: http.StatusUnauthorized,
	domain.ErrForbidden:    http.StatusForbidden,
	domain.ErrNotFound:     http.StatusNotFound,
	domain.ErrConflict:     http.StatusConflict,
	domain.ErrRateLimited:  http.StatusTooManyRequests,
	domain.ErrUnavailable:  http.StatusServiceUnavailable,
}

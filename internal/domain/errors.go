package domain

import (
	"context"
	"errors"
	"time"
)

// Error kinds. An error that leaves a service wraps at most one of them; the
// HTTP layer maps the kind to a status in one place (contract §2, "Error
// policy"). An error with no kind is a bug — a broken invariant, SQL the
// database refuses — and answers 500 with its cause logged. A backend that
// cannot be reached is never a bug: adapters classify such failures as
// ErrUnavailable.
var (
	ErrInvalid      = errors.New("invalid input")                   // 400
	ErrUnauthorized = errors.New("unauthorized")                    // 401
	ErrForbidden    = errors.New("forbidden")                       // 403
	ErrNotFound     = errors.New("not found")                       // 404
	ErrConflict     = errors.New("conflict")                        // 409
	ErrRateLimited  = errors.New("too many requests")               // 429
	ErrUnavailable  = errors.New("service temporarily unavailable") // 503
)

// kinds is every error kind, in the order KindOf tries them: the first match
// wins when an error somehow carries two.
var kinds = []error{ErrInvalid, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrUnavailable}

// KindOf tells an error's kind: one of the sentinels above, or nil for an
// error without one (a bug). A deadline that ran out is an outage: a backend
// too slow to answer in time is one that cannot be reached.
func KindOf(err error) error {
	if err == nil {
		return nil
	}
	var public *PublicError
	if errors.As(err, &public) {
		return public.Kind
	}
	for _, kind := range kinds {
		if errors.Is(err, kind) {
			return kind
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrUnavailable
	}
	return nil
}

// HasKind tells whether err is of kind (one of the sentinels above).
func HasKind(err, kind error) bool {
	return KindOf(err) == kind //nolint:errorlint // kinds are sentinels, compared by identity
}

// PublicError is an error whose Message is safe to show to a client. Kind is
// one of the sentinel errors above; Cause (never shown) is kept for the log.
type PublicError struct {
	Kind    error
	Message string
	Cause   error
	// UnknownCredential marks a sign-in that failed because the server does
	// not know the presented credential (lets a page signal it to the browser).
	UnknownCredential bool
}

func (e *PublicError) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

// Unwrap exposes both the kind and the cause to errors.Is / errors.As.
func (e *PublicError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// Invalid returns a 400-kind error with a client-safe message.
func Invalid(message string) error { return &PublicError{Kind: ErrInvalid, Message: message} }

// NotFound returns a 404-kind error with a client-safe message.
func NotFound(message string) error { return &PublicError{Kind: ErrNotFound, Message: message} }

// Conflict returns a 409-kind error with a client-safe message.
func Conflict(message string) error { return &PublicError{Kind: ErrConflict, Message: message} }

// Unauthorized returns a 401-kind error with a client-safe message.
func Unauthorized(message string) error { return &PublicError{Kind: ErrUnauthorized, Message: message} }

// Forbidden returns a 403-kind error with a client-safe message: the caller
// is known but may not do this (yet).
func Forbidden(message string) error { return &PublicError{Kind: ErrForbidden, Message: message} }

// Unavailable wraps a backend failure; the cause goes to the log only.
func Unavailable(cause error) error {
	return &PublicError{Kind: ErrUnavailable, Message: ErrUnavailable.Error(), Cause: cause}
}

// RateLimitedError says how long the client should wait before trying again.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string { return ErrRateLimited.Error() }

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitedError) Unwrap() error { return ErrRateLimited }

package domain

import (
	"errors"
	"time"
)

// Error kinds. Every error that leaves a service wraps exactly one of them so
// the HTTP layer can map it to a status in one place.
var (
	ErrInvalid      = errors.New("invalid input")                   // 400
	ErrUnauthorized = errors.New("unauthorized")                    // 401
	ErrForbidden    = errors.New("forbidden")                       // 403
	ErrNotFound     = errors.New("not found")                       // 404
	ErrConflict     = errors.New("conflict")                        // 409
	ErrRateLimited  = errors.New("too many requests")               // 429
	ErrUnavailable  = errors.New("service temporarily unavailable") // 503
)

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

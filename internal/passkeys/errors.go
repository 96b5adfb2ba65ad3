package passkeys

import (
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"

	"movieapi/internal/domain"
)

// Client-facing messages. They are part of the contract (§7), so they live in
// one place; the causes behind them only go to the log.
const (
	msgChallengeNotFound    = "challenge not found or expired"
	msgVerificationFailed   = "credential verification failed"
	msgAuthenticationFailed = "authentication failed"
	msgUsernameTaken        = "username is not available"
	msgInvalidSession       = "invalid or expired session"
	msgCredentialNotFound   = "passkey not found"
	msgLastCredential       = "cannot delete your only passkey"
	msgAlreadyRegistered    = "username or passkey is already registered"
	msgReauthRequired       = "reauthentication required"
)

func errChallengeNotFound() error  { return domain.Invalid(msgChallengeNotFound) }
func errVerificationFailed() error { return domain.Invalid(msgVerificationFailed) }
func errInvalidSession() error     { return domain.Unauthorized(msgInvalidSession) }

// errAuthenticationFailed is the one answer a failed sign-in gets, whatever
// went wrong, so the response tells an attacker nothing. unknownCredential is
// the single exception the contract allows: it lets a page ask the browser to
// forget a passkey the server no longer knows.
func errAuthenticationFailed(unknownCredential bool) error {
	return &domain.PublicError{
		Kind:              domain.ErrUnauthorized,
		Message:           msgAuthenticationFailed,
		UnknownCredential: unknownCredential,
	}
}

// libraryError marks a failure of go-webauthn's begin steps. With a
// configuration that New validated, only a failing CSPRNG gets there: a bug
// of the machine, not an outage, so it carries no kind (500, logged).
func libraryError(err error) error { return fmt.Errorf("passkeys: webauthn: %w", err) }

// withMessage keeps an adapter's own client-safe message when it gave one,
// and otherwise gives the bare kind a message a client can read.
func withMessage(err, kind error, message string) error {
	var public *domain.PublicError
	if errors.As(err, &public) && public.Message != "" {
		return err
	}
	return &domain.PublicError{Kind: kind, Message: message, Cause: err}
}

// devInfo extracts what go-webauthn knows about a failure for the log. The
// library keeps the precise reason in DevInfo; it is never sent to clients.
func devInfo(err error) string {
	var perr *protocol.Error
	if errors.As(err, &perr) {
		if perr.DevInfo != "" {
			return perr.Details + ": " + perr.DevInfo
		}
		return perr.Details
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"

	"movieapi/internal/domain"
)

// Client-safe messages, shared by the queries that can produce them.
const (
	msgMovieNotFound      = "movie not found"
	msgUserNotFound       = "user not found"
	msgCredentialNotFound = "credential not found"
	msgOnlyPasskey        = "cannot delete your only passkey"
)

// conflictMessage is the client-safe message of a unique violation, chosen by
// the constraint the schema names (see migrations/).
func conflictMessage(constraint string) string {
	switch constraint {
	case "movies_pkey":
		return "movie already exists"
	case "users_username_canonical_key", "users_username_lower_key":
		return "username is not available"
	case "credentials_pkey":
		return "credential already registered"
	default: // e.g. users_handle_key: a 32-byte random handle collided
		return "already exists"
	}
}

// storeError turns a driver error into a domain error so that no raw driver
// error leaves the package:
//   - unique violation → domain.ErrConflict with a client-safe message;
//   - other errors PostgreSQL reports about the statement or its data
//     (classes 22, 23, 42: bad data, broken constraint, bad SQL) are bugs, not
//     outages: they are wrapped without a kind so they answer 500, and
//     retrying would not help;
//   - everything else (refused or lost connection, timeout, cancelled
//     context, server shutting down, too many connections) →
//     domain.ErrUnavailable.
//
// pgx.ErrNoRows is not handled here: callers know which thing is missing.
func storeError(err error) error {
	var public *domain.PublicError
	if err == nil || errors.As(err, &public) {
		return err // already a domain error (e.g. returned inside a transaction)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == pgerrcode.UniqueViolation:
			return &domain.PublicError{Kind: domain.ErrConflict, Message: conflictMessage(pgErr.ConstraintName), Cause: err}
		case pgerrcode.IsDataException(pgErr.Code),
			pgerrcode.IsIntegrityConstraintViolation(pgErr.Code),
			pgerrcode.IsSyntaxErrororAccessRuleViolation(pgErr.Code):
			return fmt.Errorf("postgres: %w", err)
		}
	}
	return domain.Unavailable(err)
}

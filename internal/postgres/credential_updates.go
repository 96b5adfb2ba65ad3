package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

const (
	// The WHERE clause is domain.SignCountAccepted evaluated under the row
	// lock, so the check and the write are one atomic step: of two sign-ins
	// presenting the same counter, only one can match.
	//
	// The events are written by the same statement, only for the row the
	// UPDATE changed: one round trip, and a refused counter logs nothing
	// here ($7… are insertEventsSQL's arrays).
	recordLoginSQL = `
WITH used AS (
    UPDATE credentials
    SET sign_count = $2, user_verified = $3, backup_eligible = $4, backup_state = $5,
        last_used_at = COALESCE($6, now())
    WHERE id = $1 AND ((sign_count = 0 AND $2 = 0) OR sign_count < $2)
    RETURNING user_id, name
), logged AS (
    INSERT INTO security_events (user_id, type, credential_id, credential_name, detail, ip, user_agent, request_id)
    SELECT used.user_id, e.type, $1, used.name, e.detail, e.ip, e.user_agent, e.request_id
    FROM used, unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
        AS e(type, detail, ip, user_agent, request_id)
)
SELECT count(*) FROM used`

	credentialExistsSQL = `SELECT EXISTS (SELECT 1 FROM credentials WHERE id = $1)`
	markCloneWarningSQL = `UPDATE credentials SET clone_warning = true WHERE id = $1 RETURNING user_id, name`
	renameCredentialSQL = `UPDATE credentials SET name = $3 WHERE user_id = $1 AND id = $2 RETURNING ` + credentialColumns
	// FOR NO KEY UPDATE, not FOR UPDATE: it serialises the deletions of one
	// user's passkeys (two such locks conflict) but not the foreign-key
	// checks of security events written meanwhile (FOR KEY SHARE), which a
	// sign-in holding the credential's row lock needs: a FOR UPDATE here
	// would deadlock with it.
	lockUserSQL         = `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`
	countCredentialsSQL = `SELECT count(*), COALESCE(bool_or(id = $2), false), COALESCE(max(name) FILTER (WHERE id = $2), '')
FROM credentials WHERE user_id = $1`
	deleteCredentialSQL = `DELETE FROM credentials WHERE user_id = $1 AND id = $2`
)

// RecordLogin writes a successful sign-in only when the counter rule holds at
// the moment of the write; false (and nothing written) when it does not.
func (s *Store) RecordLogin(ctx context.Context, id []byte, u domain.LoginUpdate, events ...domain.SecurityEvent) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var usedAt any // nil lets the database clock fill last_used_at
	if !u.UsedAt.IsZero() {
		usedAt = u.UsedAt
	}
	ev := eventArgs(events, 0, nil, "")
	var updated int
	err := s.pool.QueryRow(ctx, recordLoginSQL, id, int64(u.SignCount), u.UserVerified, u.BackupEligible, u.BackupState, usedAt,
		ev[1], ev[4], ev[5], ev[6], ev[7]).Scan(&updated)
	if err != nil {
		return false, storeError(err)
	}
	if updated == 1 {
		return true, nil
	}
	// Rare path (a rejected counter): tell a refused counter from a
	// credential deleted meanwhile.
	var exists bool
	if err := s.pool.QueryRow(ctx, credentialExistsSQL, id).Scan(&exists); err != nil {
		return false, storeError(err)
	}
	if !exists {
		return false, domain.NotFound(msgCredentialNotFound)
	}
	return false, nil
}

// MarkCloneWarning flags a credential whose counter went backwards, with
// its events in the same transaction.
func (s *Store) MarkCloneWarning(ctx context.Context, id []byte, events ...domain.SecurityEvent) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return storeError(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			userID int64
			name   string
		)
		err := tx.QueryRow(ctx, markCloneWarningSQL, id).Scan(&userID, &name)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.NotFound(msgCredentialNotFound)
		}
		if err != nil {
			return err
		}
		return insertEvents(ctx, tx, events, userID, id, name)
	}))
}

// RenameCredential renames one of userID's credentials and returns it, with
// its events (carrying the new name) in the same transaction.
func (s *Store) RenameCredential(ctx context.Context, userID int64, id []byte, name string, events ...domain.SecurityEvent) (domain.Credential, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var c domain.Credential
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		c, err = scanCredential(tx.QueryRow(ctx, renameCredentialSQL, userID, id, name))
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.NotFound(msgCredentialNotFound)
		}
		if err != nil {
			return err
		}
		return insertEvents(ctx, tx, events, userID, id, name)
	})
	if err != nil {
		return domain.Credential{}, storeError(err)
	}
	return c, nil
}

// DeleteCredential deletes one of userID's credentials unless it is the last.
// The user row is locked first so that concurrent deletions of one user's
// credentials run one after the other: two requests can never remove the
// last two passkeys between them. A credential of someone else answers the
// same NotFound as a missing one (no probing). beforeCommit runs after the
// DELETE, with the credential's row locked (a RecordLogin of it waits), and
// its failure rolls the delete back.
func (s *Store) DeleteCredential(ctx context.Context, userID int64, id []byte, beforeCommit func(context.Context) error, events ...domain.SecurityEvent) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, lockUserSQL, userID).Scan(&one); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return domain.NotFound(msgCredentialNotFound)
			}
			return err
		}
		var (
			total int64
			owned bool
			name  string
		)
		if err := tx.QueryRow(ctx, countCredentialsSQL, userID, id).Scan(&total, &owned, &name); err != nil {
			return err
		}
		switch {
		case !owned:
			return domain.NotFound(msgCredentialNotFound)
		case total == 1:
			return domain.Conflict(msgOnlyPasskey)
		}
		if _, err := tx.Exec(ctx, deleteCredentialSQL, userID, id); err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, events, userID, id, name); err != nil {
			return err
		}
		if err := beforeCommit(ctx); err != nil {
			return &hookError{err}
		}
		return nil
	})
	var hook *hookError
	if errors.As(err, &hook) {
		return hook.err // the hook's error, as it gave it
	}
	return storeError(err)
}

// hookError carries a caller's hook failure out of a transaction untouched
// by storeError: it is not a PostgreSQL error.
type hookError struct{ err error }

func (e *hookError) Error() string { return e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

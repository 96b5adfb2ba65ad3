package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

const (
	eventColumns = `id, user_id, type, occurred_at, credential_id, credential_name, detail, ip, user_agent, request_id`

	// insertEventsSQL writes any number of events in one statement; a NULL
	// user id, credential id or name takes the defaults ($9, $10, $11): the
	// account and passkey of the write the events belong to.
	insertEventsSQL = `INSERT INTO security_events
    (user_id, type, credential_id, credential_name, detail, ip, user_agent, request_id)
SELECT COALESCE(e.user_id, $9), e.type, COALESCE(e.credential_id, $10), COALESCE(e.credential_name, $11),
    e.detail, e.ip, e.user_agent, e.request_id
FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS e(user_id, type, credential_id, credential_name, detail, ip, user_agent, request_id)`

	eventsSQL = `SELECT ` + eventColumns + ` FROM security_events
WHERE user_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`

	// pruneLockKey names the advisory lock of the retention task, so one
	// instance prunes while the others skip.
	pruneLockKey = 0x6d6f7669655f6576 // "movie_ev"
	pruneSQL     = `WITH doomed AS (
    SELECT id FROM security_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2
) DELETE FROM security_events WHERE id IN (SELECT id FROM doomed)`
	pruneBatch = 5000
)

// eventArgs are the arrays of insertEventsSQL, then its defaults.
func eventArgs(events []domain.SecurityEvent, userID int64, credentialID []byte, credentialName string) []any {
	n := len(events)
	userIDs, types := make([]*int64, n), make([]string, n)
	credIDs, credNames := make([][]byte, n), make([]*string, n)
	details, ips, agents, requests := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range events {
		if e.UserID != 0 {
			userIDs[i] = &e.UserID
		}
		if e.CredentialName != "" {
			credNames[i] = &e.CredentialName
		}
		types[i], credIDs[i], details[i] = string(e.Type), e.CredentialID, e.Detail
		ips[i], agents[i], requests[i] = e.Client.IP, e.Client.UserAgent, e.RequestID
	}
	var name *string
	if credentialName != "" {
		name = &credentialName
	}
	var cred []byte
	if len(credentialID) > 0 {
		cred = credentialID
	}
	return []any{userIDs, types, credIDs, credNames, details, ips, agents, requests, userID, cred, name}
}

// insertEvents writes the events of a write, in its transaction (db is the
// transaction), with the write's account and passkey as defaults.
func insertEvents(ctx context.Context, db execer, events []domain.SecurityEvent, userID int64, credentialID []byte, credentialName string) error {
	if len(events) == 0 {
		return nil
	}
	_, err := db.Exec(ctx, insertEventsSQL, eventArgs(events, userID, credentialID, credentialName)...)
	return err
}

// RecordEvent stores one event of an action that wrote nothing else here.
func (s *Store) RecordEvent(ctx context.Context, e domain.SecurityEvent) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return storeError(insertEvents(ctx, s.pool, []domain.SecurityEvent{e}, e.UserID, e.CredentialID, e.CredentialName))
}

// Events lists userID's events newest first, older than before (0: all).
func (s *Store) Events(ctx context.Context, userID, before int64, limit int) ([]domain.SecurityEvent, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, eventsSQL, userID, before, limit)
	if err != nil {
		return nil, storeError(err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.SecurityEvent, error) {
		var (
			e    domain.SecurityEvent
			name *string
			typ  string
		)
		err := row.Scan(&e.ID, &e.UserID, &typ, &e.At, &e.CredentialID, &name, &e.Detail,
			&e.Client.IP, &e.Client.UserAgent, &e.RequestID)
		e.Type = domain.EventType(typ)
		if name != nil {
			e.CredentialName = *name
		}
		return e, err
	})
	if err != nil {
		return nil, storeError(err)
	}
	return events, nil
}

// PruneEvents deletes the events older than cutoff, a batch per
// transaction (a large backlog neither holds one long transaction nor loses
// its progress to a timeout). Each batch runs under a transaction-level
// advisory lock: of several instances pruning at once, one does the work and
// the others stop at once instead of deleting the same rows in step.
func (s *Store) PruneEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	var deleted int64
	for {
		n, locked, err := s.pruneBatch(ctx, cutoff)
		deleted += n
		if err != nil || !locked || n < pruneBatch {
			return deleted, err
		}
	}
}

func (s *Store) pruneBatch(ctx context.Context, cutoff time.Time) (n int64, locked bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(pruneLockKey)).Scan(&locked); err != nil || !locked {
			return err
		}
		tag, err := tx.Exec(ctx, pruneSQL, cutoff, pruneBatch)
		n = tag.RowsAffected()
		return err
	})
	return n, locked, storeError(err)
}

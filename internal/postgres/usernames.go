package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"movieapi/internal/domain"
)

// UsernameBackfill reports what CanonicalizeUsernames did.
type UsernameBackfill struct {
	Filled int
	// Collisions are rows whose canonical form another account already
	// holds; Refused are rows the PRECIS profile does not accept. Both stay
	// without a canonical form, so they can sign in with a discoverable
	// passkey and by their exact old name, and nobody can register a name
	// that collides with them canonically. An operator decides: rename one
	// of the accounts, or merge them.
	Collisions []UsernameCollision
	Refused    []RefusedUsername
}

// UsernameCollision is a row whose canonical form is already taken.
type UsernameCollision struct {
	UserID, HolderID int64
	Username, Holder string
	Canonical        string
}

// RefusedUsername is a row whose name the profile refuses.
type RefusedUsername struct {
	UserID   int64
	Username string
	Reason   string
}

const (
	backfillBatch = 500

	pendingUsernamesSQL = `SELECT id, username FROM users
WHERE username_canonical IS NULL AND id > $1 ORDER BY id LIMIT $2`
	fillCanonicalSQL = `UPDATE users SET username_canonical = $2
WHERE id = $1 AND username_canonical IS NULL`
	canonicalHolderSQL = `SELECT id, username FROM users WHERE username_canonical = $1`
)

// CanonicalizeUsernames fills username_canonical on every row that lacks it
// (rows written before migration 0003, or by an instance of the previous
// release during a rolling upgrade). It is idempotent and safe to run from
// many instances at once: each row is one conditional UPDATE, and a unique
// violation is a collision to report, not a failure. The pending rows have
// an index of their own, so a run with nothing to do costs one index probe.
func (s *Store) CanonicalizeUsernames(ctx context.Context) (UsernameBackfill, error) {
	var report UsernameBackfill
	after := int64(0)
	for {
		batch, err := s.pendingUsernames(ctx, after)
		if err != nil || len(batch) == 0 {
			return report, err
		}
		for _, row := range batch {
			after = row.id
			if err := s.canonicalize(ctx, row, &report); err != nil {
				return report, err
			}
		}
	}
}

type pendingUser struct {
	id       int64
	username string
}

func (s *Store) pendingUsernames(ctx context.Context, after int64) ([]pendingUser, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, pendingUsernamesSQL, after, backfillBatch)
	if err != nil {
		return nil, storeError(err)
	}
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pendingUser, error) {
		var p pendingUser
		return p, row.Scan(&p.id, &p.username)
	})
	return batch, storeError(err)
}

func (s *Store) canonicalize(ctx context.Context, row pendingUser, report *UsernameBackfill) error {
	name, err := domain.ParseUsername(row.username)
	if err != nil {
		report.Refused = append(report.Refused, RefusedUsername{UserID: row.id, Username: row.username, Reason: err.Error()})
		return nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, fillCanonicalSQL, row.id, name.Canonical)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == pgerrcode.UniqueViolation:
		c := UsernameCollision{UserID: row.id, Username: row.username, Canonical: name.Canonical}
		if err := s.pool.QueryRow(ctx, canonicalHolderSQL, name.Canonical).Scan(&c.HolderID, &c.Holder); err != nil &&
			!errors.Is(err, pgx.ErrNoRows) {
			return storeError(err)
		}
		report.Collisions = append(report.Collisions, c)
	case err != nil:
		return storeError(err)
	case tag.RowsAffected() == 1:
		report.Filled++
	}
	return nil
}

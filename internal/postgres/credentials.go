package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"movieapi/internal/domain"
)

const (
	credentialColumns = `id, user_id, public_key, algorithm, sign_count, aaguid, transports,
attestation_format, user_verified, backup_eligible, backup_state, discoverable, name,
clone_warning, created_at, last_used_at`

	// created_at is left to the database: one clock orders every instance's
	// credentials. clone_warning and last_used_at start at their defaults.
	insertCredentialSQL = `
INSERT INTO credentials (id, user_id, public_key, algorithm, sign_count, aaguid, transports,
    attestation_format, user_verified, backup_eligible, backup_state, discoverable, name)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

	credentialByIDSQL = `SELECT ` + credentialColumns + ` FROM credentials WHERE id = $1`
	// A sign-in checks everything against the credential's owner: both in
	// one read.
	credentialWithOwnerSQL = `SELECT ` + joinedCredentialColumns + `, ` + joinedUserColumns + `
FROM credentials c JOIN users u ON u.id = c.user_id
WHERE c.id = $1`

	// The (user_id, created_at) index serves this; id breaks ties.
	credentialsByUserSQL = `SELECT ` + credentialColumns + `
FROM credentials WHERE user_id = $1 ORDER BY created_at, id`
)

// execer is what a credential insert needs: the pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// AddCredential attaches another credential to an existing user, with its
// events in the same transaction.
func (s *Store) AddCredential(ctx context.Context, c domain.Credential, events ...domain.SecurityEvent) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if len(events) == 0 {
		return storeError(insertCredential(ctx, s.pool, c))
	}
	return storeError(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := insertCredential(ctx, tx, c); err != nil {
			return err
		}
		return insertEvents(ctx, tx, events, c.UserID, c.ID, c.Name)
	}))
}

func insertCredential(ctx context.Context, db execer, c domain.Credential) error {
	// The columns are NOT NULL: an absent AAGUID or transport list is
	// stored empty rather than rejected.
	aaguid, transports := c.AAGUID, c.Transports
	if aaguid == nil {
		aaguid = []byte{}
	}
	if transports == nil {
		transports = []string{}
	}
	_, err := db.Exec(ctx, insertCredentialSQL,
		c.ID, c.UserID, c.PublicKey, c.Algorithm, int64(c.SignCount), aaguid, transports,
		c.AttestationFormat, c.UserVerified, c.BackupEligible, c.BackupState, c.Discoverable, c.Name)
	return err
}

// CredentialByID returns one credential, whoever owns it.
func (s *Store) CredentialByID(ctx context.Context, id []byte) (domain.Credential, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	c, err := scanCredential(s.pool.QueryRow(ctx, credentialByIDSQL, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Credential{}, domain.NotFound(msgCredentialNotFound)
	}
	if err != nil {
		return domain.Credential{}, storeError(err)
	}
	return c, nil
}

// CredentialsByUser lists a user's credentials oldest first; an empty (not
// nil) slice when there are none.
func (s *Store) CredentialsByUser(ctx context.Context, userID int64) ([]domain.Credential, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, credentialsByUserSQL, userID)
	if err != nil {
		return nil, storeError(err)
	}
	creds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Credential, error) {
		return scanCredential(row)
	})
	if err != nil {
		return nil, storeError(err)
	}
	return creds, nil
}

// scanCredential reads the columns listed in credentialColumns.
func scanCredential(row pgx.Row) (domain.Credential, error) {
	var c domain.Credential
	err := row.Scan(credentialFields(&c)...)
	return c, err
}

// credentialFields are the scan destinations of credentialColumns, in order.
func credentialFields(c *domain.Credential) []any {
	return []any{&c.ID, &c.UserID, &c.PublicKey, &c.Algorithm, &c.SignCount, &c.AAGUID, &c.Transports,
		&c.AttestationFormat, &c.UserVerified, &c.BackupEligible, &c.BackupState, &c.Discoverable, &c.Name,
		&c.CloneWarning, &c.CreatedAt, &c.LastUsedAt}
}

// CredentialWithOwner reads a credential and its user in one query.
func (s *Store) CredentialWithOwner(ctx context.Context, id []byte) (domain.Credential, domain.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var (
		c domain.Credential
		u domain.User
	)
	err := s.pool.QueryRow(ctx, credentialWithOwnerSQL, id).Scan(append(credentialFields(&c), userFields(&u)...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Credential{}, domain.User{}, domain.NotFound(msgCredentialNotFound)
	}
	if err != nil {
		return domain.Credential{}, domain.User{}, storeError(err)
	}
	return c, u, nil
}

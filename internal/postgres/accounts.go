package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

const (
	// The credential columns of credentialColumns and the user columns of
	// userColumns, qualified for the joins below (both tables have id and
	// created_at). The scans rely on the same order.
	joinedCredentialColumns = `c.id, c.user_id, c.public_key, c.algorithm, c.sign_count, c.aaguid,
c.transports, c.attestation_format, c.user_verified, c.backup_eligible, c.backup_state,
c.discoverable, c.name, c.clone_warning, c.created_at, c.last_used_at`
	joinedUserColumns = `u.id, u.username, COALESCE(u.username_canonical, ''), u.handle, u.created_at`

	// One row per credential, or one row with NULL credential columns for a
	// user without any. The canonical form finds the account through its
	// unique index; a row not canonicalised yet (written by an instance of
	// the previous release during a rolling upgrade) is found the old way,
	// through users_username_lower_key. The (user_id, created_at) index
	// serves the join and the order, and id breaks ties as in
	// credentialsByUserSQL.
	accountByUsernameSQL = `SELECT ` + joinedUserColumns + `, ` + joinedCredentialColumns + `
FROM users u LEFT JOIN credentials c ON c.user_id = u.id
WHERE u.username_canonical = $1 OR (u.username_canonical IS NULL AND lower(u.username) = lower($2))
ORDER BY c.created_at, c.id`
)

// AccountByUsername reads a user (by canonical username) and its
// credentials, oldest first, in one query; an empty (not nil) list when it
// has none.
func (s *Store) AccountByUsername(ctx context.Context, name domain.Username) (domain.User, []domain.Credential, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, accountByUsernameSQL, name.Canonical, name.Display)
	if err != nil {
		return domain.User{}, nil, storeError(err)
	}
	account, err := pgx.CollectRows(rows, scanAccountRow)
	if err != nil {
		return domain.User{}, nil, storeError(err)
	}
	if len(account) == 0 {
		return domain.User{}, nil, domain.NotFound(msgUserNotFound)
	}
	creds := make([]domain.Credential, 0, len(account))
	for _, row := range account {
		if row.hasCredential {
			creds = append(creds, row.credential)
		}
	}
	return account[0].user, creds, nil
}

// accountRow is one row of accountByUsernameSQL.
type accountRow struct {
	user       domain.User
	credential domain.Credential
	// hasCredential is false on the single row of a user without
	// credentials, whose credential columns are all NULL.
	hasCredential bool
}

// scanAccountRow reads a row of accountByUsernameSQL. The credential's NOT
// NULL columns go through pointers first, since the LEFT JOIN leaves them
// NULL for a user without credentials.
func scanAccountRow(row pgx.CollectableRow) (accountRow, error) {
	var (
		r                                         accountRow
		c                                         = &r.credential
		userID, algorithm                         *int64
		signCount                                 *uint32
		format, name                              *string
		verified, eligible, backedUp, cloneWarned *bool
		createdAt                                 *time.Time
	)
	err := row.Scan(append(userFields(&r.user),
		&c.ID, &userID, &c.PublicKey, &algorithm, &signCount, &c.AAGUID, &c.Transports,
		&format, &verified, &eligible, &backedUp, &c.Discoverable, &name,
		&cloneWarned, &createdAt, &c.LastUsedAt)...)
	// user_id is NOT NULL in the table: NULL here is the join's empty side.
	if err != nil || userID == nil {
		return r, err
	}
	r.hasCredential = true
	c.UserID, c.Algorithm, c.SignCount = *userID, *algorithm, *signCount
	c.AttestationFormat, c.Name = *format, *name
	c.UserVerified, c.BackupEligible, c.BackupState, c.CloneWarning = *verified, *eligible, *backedUp, *cloneWarned
	c.CreatedAt = *createdAt
	return r, nil
}

package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

const (
	// username_canonical is NULL only on rows not canonicalised yet
	// (usernames.go); they read as "".
	userColumns = `id, username, COALESCE(username_canonical, ''), handle, created_at`

	insertUserSQL = `INSERT INTO users (username, username_canonical, handle) VALUES ($1, $2, $3) RETURNING ` + userColumns
)

// CreateUserWithCredential writes the user and its first credential in one
// transaction, so a failure (a username taken meanwhile, a credential id
// already registered) leaves no user row behind. The user's ID and
// created_at come from the database; u.ID and c.UserID are ignored.
func (s *Store) CreateUserWithCredential(ctx context.Context, u domain.User, c domain.Credential) (domain.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var created domain.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		created, err = scanUser(tx.QueryRow(ctx, insertUserSQL, u.Username, u.CanonicalUsername, u.Handle))
		if err != nil {
			return err
		}
		c.UserID = created.ID
		return insertCredential(ctx, tx, c)
	})
	if err != nil {
		return domain.User{}, storeError(err)
	}
	return created, nil
}

func scanUser(row pgx.Row) (domain.User, error) {
	var u domain.User
	err := row.Scan(userFields(&u)...)
	return u, err
}

// userFields are the scan destinations of userColumns, in order.
func userFields(u *domain.User) []any {
	return []any{&u.ID, &u.Username, &u.CanonicalUsername, &u.Handle, &u.CreatedAt}
}

package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

const (
	userColumns = `id, username, handle, created_at`

	// lower(username) matches the unique index users_username_lower_key.
	userByUsernameSQL = `SELECT ` + userColumns + ` FROM users WHERE lower(username) = lower($1)`
	userByHandleSQL   = `SELECT ` + userColumns + ` FROM users WHERE handle = $1`

	insertUserSQL = `INSERT INTO users (username, handle) VALUES ($1, $2) RETURNING ` + userColumns
)

// UserByUsername finds a user case-insensitively.
func (s *Store) UserByUsername(ctx context.Context, username string) (domain.User, error) {
	return s.user(ctx, userByUsernameSQL, username)
}

// UserByHandle finds the user of a WebAuthn user handle.
func (s *Store) UserByHandle(ctx context.Context, handle []byte) (domain.User, error) {
	return s.user(ctx, userByHandleSQL, handle)
}

func (s *Store) user(ctx context.Context, query string, arg any) (domain.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u, err := scanUser(s.pool.QueryRow(ctx, query, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.User{}, domain.NotFound(msgUserNotFound)
	}
	if err != nil {
		return domain.User{}, storeError(err)
	}
	return u, nil
}

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
		created, err = scanUser(tx.QueryRow(ctx, insertUserSQL, u.Username, u.Handle))
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
	err := row.Scan(&u.ID, &u.Username, &u.Handle, &u.CreatedAt)
	return u, err
}

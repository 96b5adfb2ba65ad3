package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

const (
	secretSQL       = `SELECT value FROM app_secrets WHERE name = $1`
	insertSecretSQL = `INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`
)

// Secret returns the named secret, creating it with generate on first use.
// Instances racing on the first use each try to insert their own value; the
// first insert wins and everyone then reads that one back. The read happens
// in its own statement (a fresh snapshot), so it sees a row another
// instance committed after this one's insert found the conflict.
func (s *Store) Secret(ctx context.Context, name string, generate func() ([]byte, error)) ([]byte, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	value, err := s.readSecret(ctx, name)
	switch {
	case err == nil:
		return value, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, storeError(err)
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate secret %q: %w", name, err)
	}
	if len(fresh) == 0 {
		return nil, fmt.Errorf("generate secret %q: empty value", name)
	}
	if _, err := s.pool.Exec(ctx, insertSecretSQL, name, fresh); err != nil {
		return nil, storeError(err)
	}
	value, err = s.readSecret(ctx, name)
	if err != nil {
		return nil, storeError(err) // ErrNoRows here would mean a deleted row: a fault
	}
	return value, nil
}

func (s *Store) readSecret(ctx context.Context, name string) ([]byte, error) {
	var value []byte
	err := s.pool.QueryRow(ctx, secretSQL, name).Scan(&value)
	return value, err
}

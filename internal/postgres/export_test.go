package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Test hooks for the external test package (compiled only with the tests).

// SetSleep replaces the wait between connection attempts.
func (o *Options) SetSleep(sleep func(context.Context, time.Duration) error) { o.sleep = sleep }

// Pool exposes the pool, to hold connections in acquire-timeout tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// NewStore wraps an existing pool without waiting for it to answer.
func NewStore(pool *pgxpool.Pool, acquireTimeout time.Duration) *Store {
	return newStore(pool, acquireTimeout)
}

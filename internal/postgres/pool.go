package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"movieapi/internal/domain"
)

// Options configure Connect.
type Options struct {
	URL            string        // PostgreSQL URL or DSN; never logged (it may hold a password)
	MinConns       int32         // 0 keeps pgx's default
	MaxConns       int32         // 0 keeps pgx's default
	AcquireTimeout time.Duration // bound of every call without an earlier deadline; 0 disables
	RetryCount     int           // connection retries at startup; 0 means one attempt
	// TransactionPooling: URL reaches PostgreSQL through a pooler in
	// transaction mode, so no statement may rely on server-side state
	// between two round trips (see queryExecMode).
	TransactionPooling bool
	Logger             *slog.Logger // failed attempts are logged here; nil discards

	// sleep waits between attempts; tests replace it to observe the backoff
	// without waiting. nil means a real, cancellable sleep.
	sleep func(ctx context.Context, d time.Duration) error
}

// Store is the PostgreSQL implementation of domain.Repository. It is safe for
// concurrent use.
type Store struct {
	pool           *pgxpool.Pool
	acquireTimeout time.Duration
}

var _ domain.Repository = (*Store)(nil)

// Connect builds the pool and waits until PostgreSQL answers a ping,
// retrying with capped exponential backoff (see retry.Delay).
func Connect(ctx context.Context, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(opts.URL)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("postgres: invalid database URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	cfg.ConnConfig.DefaultQueryExecMode = queryExecMode(cfg.ConnConfig.DefaultQueryExecMode, opts.TransactionPooling)
	if cfg.MinConns > cfg.MaxConns {
		return nil, fmt.Errorf("postgres: min connections (%d) exceed max connections (%d)", cfg.MinConns, cfg.MaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: create pool: %w", err)
	}
	store := newStore(pool, opts.AcquireTimeout)
	if err := store.waitReady(ctx, opts); err != nil {
		pool.Close()
		return nil, err
	}
	return store, nil
}

// queryExecMode picks how pgx sends statements. Directly to PostgreSQL,
// pgx's default (named prepared statements, cached per connection) stands,
// or whatever the URL asked for. Through a transaction pooler a server
// connection is only lent for one transaction, so statements go in exec
// mode: parse, bind and execute of an unnamed statement in one round trip,
// parameter types taken from the Go values. The URL's simple_protocol
// (values interpolated by pgx) is kept; config refuses the other modes.
func queryExecMode(fromURL pgx.QueryExecMode, transactionPooling bool) pgx.QueryExecMode {
	if !transactionPooling || fromURL == pgx.QueryExecModeSimpleProtocol {
		return fromURL
	}
	return pgx.QueryExecModeExec
}

func newStore(pool *pgxpool.Pool, acquireTimeout time.Duration) *Store {
	return &Store{pool: pool, acquireTimeout: acquireTimeout}
}

// Close closes every connection of the pool; in-flight calls finish first.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that PostgreSQL answers (health checks).
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return storeError(s.pool.Ping(ctx))
}

// bound enforces the acquire timeout. pgxpool has no such setting, so each
// call's context gets the timeout as its deadline unless the caller already
// set an earlier one. It bounds the whole call (acquire plus query): a
// connection that never frees up and a server that never answers both end
// in domain.ErrUnavailable instead of a hang.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.acquireTimeout <= 0 {
		return ctx, func() {}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= s.acquireTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.acquireTimeout)
}

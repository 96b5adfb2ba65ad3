package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"movieapi/internal/domain"
	"movieapi/internal/postgres"
)

func TestClosedPortIsUnavailable(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(t.Context(), closedPortURL(t, "pw"))
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(pool, time.Minute)
	defer store.Close()

	_, err = store.MovieByID(t.Context(), "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb")
	wantKind(t, err, domain.ErrUnavailable)
	if errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a dead database must not look like a missing movie: %v", err)
	}
	wantKind(t, store.Ping(t.Context()), domain.ErrUnavailable)
}

func TestCancelledContextIsUnavailable(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := store.MovieByID(ctx, "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb")
	wantKind(t, err, domain.ErrUnavailable)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the cause should stay visible to errors.Is: %v", err)
	}
}

// TestAcquireTimeoutEndsWaitForBusyPool holds the pool's only connection:
// a call whose context has no deadline must end with ErrUnavailable once the
// acquire timeout passes instead of waiting forever.
func TestAcquireTimeoutEndsWaitForBusyPool(t *testing.T) {
	t.Parallel()
	base := newStore(t)
	cfg := base.Pool().Config().Copy()
	cfg.MaxConns, cfg.MinConns = 1, 0
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(pool, 50*time.Millisecond)
	defer store.Close()
	held, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()

	_, err = store.MovieByID(context.Background(), "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb")
	wantKind(t, err, domain.ErrUnavailable)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the acquire deadline as cause, got %v", err)
	}
}

// TestBadDataIsNotAnOutage: PostgreSQL rejecting the data (here a movie id
// the CHECK constraint refuses) is a bug to log, not a 503 or a conflict.
func TestBadDataIsNotAnOutage(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, err := store.InsertMovie(t.Context(), "NOT-HEX", domain.Movie{Title: "X", Year: 2000, Stars: 1})
	if err == nil {
		t.Fatal("the id CHECK constraint accepted a non-hex id")
	}
	var public *domain.PublicError
	if errors.As(err, &public) {
		t.Fatalf("a rejected statement surfaced as a client-facing %v", public.Kind)
	}
}

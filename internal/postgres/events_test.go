package postgres_test

import (
	"testing"
	"time"

	"movieapi/internal/domain"
)

// TestPruneEventsFromManyInstancesAtOnce: several instances running the
// retention task together delete every old event exactly once between
// them, keep the recent ones, and none fails.
func TestPruneEventsFromManyInstancesAtOnce(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	user, _ := register(t, store, "olive")
	const old = 12_000 // more than two batches
	if _, err := store.Pool().Exec(ctx, `INSERT INTO security_events (user_id, type, occurred_at)
		SELECT $1, 'signed_in', now() - interval '100 days' FROM generate_series(1, $2)`, user.ID, old); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordEvent(ctx, domain.SecurityEvent{UserID: user.ID, Type: domain.EventSignedIn}); err != nil {
		t.Fatal(err)
	}
	warmPool(t, store, 4)
	deleted := make([]int64, 4)
	errs := concurrently(4, func(i int) error {
		var err error
		deleted[i], err = store.PruneEvents(ctx, time.Now().Add(-90*24*time.Hour))
		return err
	})
	var total int64
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		total += deleted[i]
	}
	var left int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM security_events`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	// An instance that finds the lock taken stops; whatever the first
	// round left, the next hourly run deletes.
	if again, err := store.PruneEvents(ctx, time.Now().Add(-90*24*time.Hour)); err != nil || total+again != old || left-int(again) != 1 {
		t.Fatalf("deleted %d at once and %d after (%v); %d rows left; want %d old ones gone and the recent one kept",
			total, again, err, left, old)
	}
}

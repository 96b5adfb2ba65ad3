package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/apitest"
)

// TestInstancesPruneOldSecurityEvents: a running instance deletes the
// security events older than AXUM_EVENT_RETENTION_DAYS by itself and keeps
// the others.
func TestInstancesPruneOldSecurityEvents(t *testing.T) {
	cfg := apitest.DefaultConfig(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		WITH u AS (INSERT INTO users (username, username_canonical, handle) VALUES ('pia', 'pia', decode(repeat('01', 32), 'hex')) RETURNING id)
		INSERT INTO security_events (user_id, type, occurred_at)
		SELECT id, t, now() - d FROM u, (VALUES ('signed_in', interval '40 days'), ('account_created', interval '20 days')) AS e(t, d)`); err != nil {
		t.Fatal(err)
	}
	cfg.EventRetention = 30 * 24 * time.Hour
	apitest.StartWith(t, cfg)
	var left []string
	apitest.WaitFor(t, "the 40-day-old event to be pruned", func() bool {
		rows, err := conn.Query(ctx, `SELECT type FROM security_events ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		left, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return len(left) == 1
	})
	if left[0] != "account_created" {
		t.Fatalf("kept %v, want the 20-day-old event", left)
	}
}

package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/postgres"
)

// TestConnectRetriesWithBackoff connects to a closed port: every attempt
// fails at once, so the recorded waits are exactly the backoff schedule.
func TestConnectRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	opts := postgres.Options{
		URL:        closedPortURL(t, "s3cret-pw"),
		RetryCount: 5,
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	}
	var waits []time.Duration
	opts.SetSleep(func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	})

	store, err := postgres.Connect(t.Context(), opts)
	if err == nil {
		store.Close()
		t.Fatal("connected to a closed port")
	}
	wantKind(t, err, domain.ErrUnavailable)
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	if !slices.Equal(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
	if n := strings.Count(logs.String(), "postgres connection failed"); n != 6 {
		t.Errorf("logged %d failed attempts, want 6:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "s3cret-pw") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("the password leaked into the log or the error:\n%s\n%v", logs.String(), err)
	}
}

func TestConnectWithZeroRetriesTriesOnce(t *testing.T) {
	t.Parallel()
	opts := postgres.Options{URL: closedPortURL(t, "pw")}
	waited := false
	opts.SetSleep(func(context.Context, time.Duration) error { waited = true; return nil })
	if _, err := postgres.Connect(t.Context(), opts); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("err = %v, want unavailable", err)
	}
	if waited {
		t.Error("RetryCount 0 waited for a second attempt")
	}
}

// TestConnectStopsWhenContextEnds cancels during the first wait: Connect
// must give up instead of running through the remaining retries.
func TestConnectStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opts := postgres.Options{URL: closedPortURL(t, "pw"), RetryCount: 50}
	waits := 0
	opts.SetSleep(func(ctx context.Context, _ time.Duration) error {
		waits++
		cancel()
		return ctx.Err()
	})
	_, err := postgres.Connect(ctx, opts)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("err = %v, want unavailable caused by cancellation", err)
	}
	if waits != 1 {
		t.Errorf("waited %d times after cancellation, want 1", waits)
	}
}

func TestConnectRejectsMoreMinThanMaxConns(t *testing.T) {
	t.Parallel()
	_, err := postgres.Connect(t.Context(), postgres.Options{URL: closedPortURL(t, "pw"), MinConns: 5, MaxConns: 2})
	if err == nil || !strings.Contains(err.Error(), "min connections") {
		t.Fatalf("err = %v, want a min/max connections error", err)
	}
}

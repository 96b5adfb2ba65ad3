package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"movieapi/internal/domain"
)

// Startup backoff: 1s, 2s, 4s, 8s, then 8s for every further retry. The cap
// keeps a service that starts long before its database checking often enough
// to come up promptly once the database does.
const (
	firstRetryDelay = time.Second
	maxRetryDelay   = 8 * time.Second
)

// backoffDelay is the wait after the n-th failed attempt (n starts at 1).
func backoffDelay(n int) time.Duration {
	delay := firstRetryDelay
	for i := 1; i < n && delay < maxRetryDelay; i++ {
		delay *= 2
	}
	return min(delay, maxRetryDelay)
}

// waitReady pings until PostgreSQL answers, opts.RetryCount retries at most.
func (s *Store) waitReady(ctx context.Context, opts Options) error {
	sleep := opts.sleep
	if sleep == nil {
		sleep = sleepContext
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	attempts := max(opts.RetryCount, 0) + 1
	for attempt := 1; ; attempt++ {
		err := s.Ping(ctx)
		if err == nil {
			return nil
		}
		// The error names host, user and database but never the password;
		// the URL itself is never logged.
		if attempt >= attempts || ctx.Err() != nil {
			log.ErrorContext(ctx, "postgres connection failed", "attempt", attempt, "attempts", attempts, "err", err)
			return fmt.Errorf("postgres: no connection after %d attempt(s): %w", attempt, err)
		}
		delay := backoffDelay(attempt)
		log.WarnContext(ctx, "postgres connection failed, retrying",
			"attempt", attempt, "attempts", attempts, "retry_in", delay, "err", err)
		if err := sleep(ctx, delay); err != nil {
			return fmt.Errorf("postgres: connection wait interrupted after %d attempt(s): %w", attempt, domain.Unavailable(err))
		}
	}
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

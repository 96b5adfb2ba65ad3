package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/retry"
)

// waitReady pings until PostgreSQL answers, opts.RetryCount retries at most,
// waiting between attempts as retry.Delay says (1s, 2s, 4s, 8s, then 8s).
func (s *Store) waitReady(ctx context.Context, opts Options) error {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	retries := max(opts.RetryCount, 0)
	attempts := retries + 1
	attempt, waits := 0, 0
	err := retry.DoWith(ctx, retries,
		func(ctx context.Context) error {
			attempt++
			return s.Ping(ctx)
		},
		// The error names host, user and database but never the password;
		// the URL itself is never logged.
		func(attempt int, err error, delay time.Duration) {
			waits++
			log.WarnContext(ctx, "postgres connection failed, retrying",
				"attempt", attempt, "attempts", attempts, "retry_in", delay, "err", err)
		},
		opts.sleep)
	switch {
	case err == nil:
		return nil
	case waits == attempt:
		// The last failure was retried: the wait before the next attempt
		// was cut short, which only the end of ctx does.
		return fmt.Errorf("postgres: connection wait interrupted after %d attempt(s): %w", attempt, domain.Unavailable(ctx.Err()))
	default:
		log.ErrorContext(ctx, "postgres connection failed", "attempt", attempt, "attempts", attempts, "err", err)
		return fmt.Errorf("postgres: no connection after %d attempt(s): %w", attempt, err)
	}
}

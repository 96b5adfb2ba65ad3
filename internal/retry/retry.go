// Package retry is the startup connection policy: capped exponential backoff
// (1 s, 2 s, 4 s, 8 s, 8 s, …) for a configured number of retries.
package retry

import (
	"context"
	"time"
)

// MaxDelay caps the wait between attempts.
const MaxDelay = 8 * time.Second

// Delay is the wait after the given failed attempt (1-based).
func Delay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 4 {
		return MaxDelay
	}
	return time.Second << (attempt - 1)
}

// Do calls op until it succeeds, making at most retries+1 attempts (0 means
// one attempt). onRetry, when set, hears about each failure that will be
// retried. The wait honours ctx: cancelling it stops at once.
func Do(ctx context.Context, retries int, op func(context.Context) error, onRetry func(attempt int, err error, wait time.Duration)) error {
	return do(ctx, retries, op, onRetry, sleep)
}

// DoWith is Do with the wait between attempts supplied by the caller, so
// that tests can observe the backoff without sleeping. wait(ctx, d) returns
// nil after waiting d, or an error to stop (DoWith then returns op's last
// error); nil means the real, cancellable wait of Do.
func DoWith(ctx context.Context, retries int, op func(context.Context) error,
	onRetry func(attempt int, err error, wait time.Duration), wait func(ctx context.Context, d time.Duration) error) error {
	if wait == nil {
		wait = sleep
	}
	return do(ctx, retries, op, onRetry, wait)
}

func do(ctx context.Context, retries int, op func(context.Context) error,
	onRetry func(int, error, time.Duration), wait func(context.Context, time.Duration) error) error {
	for attempt := 1; ; attempt++ {
		err := op(ctx)
		// A failure once ctx has ended is final: no onRetry, no wait.
		if err == nil || attempt > retries || ctx.Err() != nil {
			return err
		}
		d := Delay(attempt)
		if onRetry != nil {
			onRetry(attempt, err, d)
		}
		if werr := wait(ctx, d); werr != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

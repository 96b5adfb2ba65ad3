package retry

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestDelayIsCappedExponential(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := Delay(i + 1); got != w {
			t.Errorf("Delay(%d) = %v, want %v", i+1, got, w)
		}
	}
}

func TestDoAttemptsRetriesPlusOne(t *testing.T) {
	fail := errors.New("down")
	for _, retries := range []int{0, 1, 5} {
		var calls int
		var waits []time.Duration
		err := do(context.Background(), retries, func(context.Context) error { calls++; return fail },
			nil, func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil })
		if !errors.Is(err, fail) || calls != retries+1 || len(waits) != retries {
			t.Errorf("retries=%d: err=%v calls=%d waits=%v", retries, err, calls, waits)
		}
	}
}

func TestDoStopsOnSuccess(t *testing.T) {
	var calls int
	err := do(context.Background(), 10, func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	}, nil, func(context.Context, time.Duration) error { return nil })
	if err != nil || calls != 3 {
		t.Fatalf("err=%v calls=%d, want nil after 3", err, calls)
	}
}

func TestDoStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls int
	err := Do(ctx, 50, func(context.Context) error { calls++; return errors.New("down") }, nil)
	if err == nil || calls != 1 {
		t.Fatalf("err=%v calls=%d, want the first error after one call", err, calls)
	}
}

func TestDoGivesUpWithoutRetryingOnceContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fail := errors.New("down")
	var calls, retried, waits int
	err := do(ctx, 5, func(context.Context) error { calls++; cancel(); return fail },
		func(int, error, time.Duration) { retried++ },
		func(context.Context, time.Duration) error { waits++; return nil })
	if !errors.Is(err, fail) || calls != 1 || retried != 0 || waits != 0 {
		t.Fatalf("err=%v calls=%d retried=%d waits=%d, want the error after one call, no retry", err, calls, retried, waits)
	}
}

func TestDoWithUsesTheGivenWait(t *testing.T) {
	fail := errors.New("down")
	var attempts []int
	var waits []time.Duration
	err := DoWith(context.Background(), 3, func(context.Context) error { return fail },
		func(attempt int, err error, d time.Duration) {
			if !errors.Is(err, fail) || d != Delay(attempt) {
				t.Errorf("onRetry(%d, %v, %v): want %v and Delay(%d)", attempt, err, d, fail, attempt)
			}
			attempts = append(attempts, attempt)
		},
		func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil })
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if !errors.Is(err, fail) || !slices.Equal(waits, want) || !slices.Equal(attempts, []int{1, 2, 3}) {
		t.Fatalf("err=%v waits=%v attempts=%v, want %v after attempts 1..3", err, waits, attempts, want)
	}
}

func TestDoWithStopsWhenTheWaitFails(t *testing.T) {
	fail := errors.New("down")
	var calls int
	err := DoWith(context.Background(), 5, func(context.Context) error { calls++; return fail }, nil,
		func(context.Context, time.Duration) error { return context.Canceled })
	if !errors.Is(err, fail) || calls != 1 {
		t.Fatalf("err=%v calls=%d, want op's error after one call", err, calls)
	}
}

// A nil wait is the real sleep: the first wait is a second, and ending ctx
// during it stops at once.
func TestDoWithNilWaitIsTheCancellableSleep(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	fail := errors.New("down")
	var calls int
	start := time.Now()
	err := DoWith(ctx, 50, func(context.Context) error { calls++; return fail }, nil, nil)
	if elapsed := time.Since(start); !errors.Is(err, fail) || calls != 1 || elapsed >= time.Second {
		t.Fatalf("err=%v calls=%d after %v, want op's error after one call, well before the first second", err, calls, elapsed)
	}
}

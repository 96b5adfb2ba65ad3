package retry

import (
	"context"
	"errors"
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

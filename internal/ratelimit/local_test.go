package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"movieapi/internal/domain"
)

func TestLocalBurstThenRefill(t *testing.T) {
	l := NewLocal(3)
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	for i := range 3 {
		if err := l.Allow(context.Background(), "k"); err != nil {
			t.Fatalf("request %d refused: %v", i+1, err)
		}
	}
	err := l.Allow(context.Background(), "k")
	var limited *domain.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter < time.Second || limited.RetryAfter > 20*time.Second {
		t.Fatalf("4th request: %v", err)
	}
	if err := l.Allow(context.Background(), "other"); err != nil {
		t.Fatalf("another key shares the budget: %v", err)
	}
	clock = clock.Add(20 * time.Second) // 3 per minute: one token back
	if err := l.Allow(context.Background(), "k"); err != nil {
		t.Fatalf("after refill: %v", err)
	}
	if err := l.Allow(context.Background(), "k"); err == nil {
		t.Fatal("refill gave more than one token")
	}
}

func TestLocalPruneKeepsMapBounded(t *testing.T) {
	l := NewLocal(1)
	for i := range maxLocalKeys + 10 {
		_ = l.Allow(context.Background(), string(rune(i)))
	}
	if n := len(l.buckets); n > maxLocalKeys {
		t.Fatalf("%d buckets, bound is %d", n, maxLocalKeys)
	}
}

type failing struct{ err error }

func (f failing) Allow(context.Context, string) error { return f.err }

func TestFallbackUsesLocalOnlyWhenSharedIsDown(t *testing.T) {
	limited := &domain.RateLimitedError{RetryAfter: time.Minute}
	f := NewFallback(failing{limited}, NewLocal(100), slog.New(slog.DiscardHandler))
	if err := f.Allow(context.Background(), "k"); !errors.Is(err, domain.ErrRateLimited) {
		t.Fatalf("shared verdict not kept: %v", err)
	}
	down := NewFallback(failing{domain.Unavailable(errors.New("dial"))}, NewLocal(2), slog.New(slog.DiscardHandler))
	for range 2 {
		if err := down.Allow(context.Background(), "k"); err != nil {
			t.Fatalf("local budget refused early: %v", err)
		}
	}
	if err := down.Allow(context.Background(), "k"); !errors.Is(err, domain.ErrRateLimited) {
		t.Fatalf("fallback did not limit: %v", err)
	}
}

// TestLocalKeysAreBounded: however long the keys a caller passes, a bucket
// keeps a key of bounded size, and distinct long keys still count apart.
func TestLocalKeysAreBounded(t *testing.T) {
	l := NewLocal(1)
	long := func(c byte) string { return strings.Repeat(string(c), 128<<10) }
	if err := l.Allow(context.Background(), long('a')); err != nil {
		t.Fatal(err)
	}
	if err := l.Allow(context.Background(), long('b')); err != nil {
		t.Fatalf("a different long key shares a budget: %v", err)
	}
	if err := l.Allow(context.Background(), long('a')); !errors.Is(err, domain.ErrRateLimited) {
		t.Fatalf("the same long key got a second budget: %v", err)
	}
	for k := range l.buckets {
		if len(k) > maxKeyBytes {
			t.Fatalf("a bucket keeps a %d-byte key", len(k))
		}
	}
}

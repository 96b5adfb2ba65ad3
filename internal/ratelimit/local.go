package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"movieapi/internal/domain"
)

// The memory a flood of distinct keys can take is bounded: at most
// maxLocalKeys buckets (idle ones are dropped first, then any), each under
// a key of at most maxKeyBytes — a longer key is replaced by its hash. With
// the bucket itself (~200 bytes with its map entry) that is under 20 MiB.
const (
	maxLocalKeys = 50_000
	maxKeyBytes  = 128
)

// idleAfter is when a bucket is full again and can be forgotten.
const idleAfter = 2 * time.Minute

// Local is an in-process token bucket per key, with the same burst and
// refill as the shared limiter.
type Local struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	limit   rate.Limit
	burst   int
	now     func() time.Time
}

type bucket struct {
	limiter  *rate.Limiter
	lastSeen time.Time
}

var _ domain.RateLimiter = (*Local)(nil)

// NewLocal allows a burst of perMinute requests per key, refilled at
// perMinute per minute.
func NewLocal(perMinute int) *Local {
	return &Local{
		buckets: map[string]*bucket{},
		limit:   rate.Limit(float64(perMinute) / 60),
		burst:   perMinute,
		now:     time.Now,
	}
}

// Allow spends one request of key's budget.
func (l *Local) Allow(_ context.Context, key string) error {
	if len(key) > maxKeyBytes {
		sum := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(sum[:])
	}
	now := l.now()
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxLocalKeys {
			l.prune(now)
		}
		b = &bucket{limiter: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.lastSeen = now
	r := b.limiter.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now) // a refused request spends nothing
	}
	l.mu.Unlock()
	if delay > 0 {
		return &domain.RateLimitedError{RetryAfter: max(delay, time.Second)}
	}
	return nil
}

// prune drops idle buckets; if none is idle, it drops half of the map, which
// at worst gives some keys a fresh burst.
func (l *Local) prune(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.lastSeen) > idleAfter {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxLocalKeys/2 {
			break
		}
		delete(l.buckets, k)
	}
}

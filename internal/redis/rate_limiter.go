package redis

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"movieapi/internal/domain"
)

// RateLimiter is a GCRA limiter kept in Redis (go-redis/redis_rate), so all
// instances share one budget per key. redis_rate puts its own "rate:" in
// front of the key names it is given.
type RateLimiter struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	keys    Keys
}

var _ domain.RateLimiter = (*RateLimiter)(nil)

// NewRateLimiter allows a burst of perMinute requests per key, refilled at
// perMinute per minute.
func NewRateLimiter(c *Client, perMinute int) *RateLimiter {
	return &RateLimiter{
		limiter: redis_rate.NewLimiter(c.rdb),
		limit:   redis_rate.PerMinute(perMinute),
		keys:    c.keys,
	}
}

// Allow spends one request of key's budget.
func (l *RateLimiter) Allow(ctx context.Context, key string) error {
	res, err := l.limiter.Allow(ctx, l.keys.RateLimit(key), l.limit)
	if err != nil {
		return unavailable(err)
	}
	if res.Allowed == 0 {
		return &domain.RateLimitedError{RetryAfter: max(res.RetryAfter, time.Second)}
	}
	return nil
}

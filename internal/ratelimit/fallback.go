// Package ratelimit keeps the abuse limits working when the shared limiter
// (Redis) is unreachable: requests are then limited per instance, in
// process, at the same rate — failing open, but never without a limit.
package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"movieapi/internal/domain"
)

// Fallback tries the shared limiter and falls back to a local one on a
// backend failure. The switch is logged once each way.
type Fallback struct {
	shared domain.RateLimiter
	local  *Local
	log    *slog.Logger
	down   atomic.Bool
}

var _ domain.RateLimiter = (*Fallback)(nil)

// NewFallback returns a limiter over shared that falls back to local.
func NewFallback(shared domain.RateLimiter, local *Local, log *slog.Logger) *Fallback {
	return &Fallback{shared: shared, local: local, log: log}
}

// Allow spends one request of key's budget.
func (f *Fallback) Allow(ctx context.Context, key string) error {
	err := f.shared.Allow(ctx, key)
	if err == nil || !errors.Is(err, domain.ErrUnavailable) {
		if f.down.Load() && f.down.CompareAndSwap(true, false) {
			f.log.InfoContext(ctx, "shared rate limiter available again")
		}
		return err
	}
	if f.down.CompareAndSwap(false, true) {
		f.log.WarnContext(ctx, "shared rate limiter unavailable; limiting per instance", "err", err)
	}
	return f.local.Allow(ctx, key)
}

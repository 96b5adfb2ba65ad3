package movies

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// cacheHealth logs a cache outage once when it starts and once when it ends,
// instead of one warning per request while Redis is down.
type cacheHealth struct {
	log  *slog.Logger
	down atomic.Bool
}

func (h *cacheHealth) failed(ctx context.Context, err error) {
	if h.down.CompareAndSwap(false, true) {
		h.log.WarnContext(ctx, "movie cache unavailable; serving from postgres", "err", err)
	}
}

func (h *cacheHealth) succeeded(ctx context.Context) {
	if h.down.Load() && h.down.CompareAndSwap(true, false) {
		h.log.InfoContext(ctx, "movie cache available again")
	}
}

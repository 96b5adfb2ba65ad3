package app

import (
	"context"
	"log/slog"

	"movieapi/internal/config"
	"movieapi/internal/metrics"
	"movieapi/internal/redis"
)

// openNearCache opens the near cache of movie reads when the configuration
// asks for it, once Redis answers. Where go-redis cannot keep one fresh it
// stays off, said in one log line: movies are then read from Redis as
// without it.
func openNearCache(ctx context.Context, cfg config.Config, log *slog.Logger) *redis.NearCache {
	nc := cfg.MovieNearCache
	if !nc.Enabled {
		return nil
	}
	near, off := redis.OpenNearCache(ctx, redis.NearCacheOptions{
		URL: cfg.RedisURL, MaxBytes: nc.MaxBytes, MaxStaleness: nc.MaxStaleness, DrainInterval: nc.DrainInterval,
	})
	if near == nil {
		log.Warn("movie near cache off", "reason", off)
		return nil
	}
	log.Info("movie near cache on", "max_mib", nc.MaxBytes>>20, "max_staleness", nc.MaxStaleness, "drain", nc.DrainInterval)
	return near
}

// watchNearCache exports the near cache's statistics with the service's
// other metrics.
func watchNearCache(p *metrics.Prometheus, near *redis.NearCache) {
	if near == nil {
		return
	}
	p.WatchNearCache(func() metrics.NearCacheStats {
		s := near.Stats()
		return metrics.NearCacheStats{
			Hits: s.Hits, Misses: s.Misses, Invalidations: s.Invalidations, Invalidated: s.Invalidated,
			Entries: s.Entries, Bytes: s.Bytes,
		}
	})
}

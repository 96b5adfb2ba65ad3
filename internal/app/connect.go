package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"movieapi/internal/config"
	"movieapi/internal/postgres"
	"movieapi/internal/redis"
	"movieapi/internal/retry"
)

// backends are the connected stores.
type backends struct {
	pg    *postgres.Store
	redis *redis.Client
	near  *redis.NearCache // nil unless AXUM_MOVIE_NEAR_CACHE is on and Redis can keep it
}

func (b backends) close() {
	if b.near != nil {
		_ = b.near.Close()
	}
	if b.redis != nil {
		_ = b.redis.Close()
	}
	if b.pg != nil {
		b.pg.Close()
	}
}

// connect dials PostgreSQL (with the configured retries), applies pending
// migrations when asked, and dials Redis with the same retry policy.
func connect(ctx context.Context, cfg config.Config, log *slog.Logger) (backends, error) {
	var b backends
	pg, err := postgres.Connect(ctx, postgres.Options{
		URL:            cfg.DatabaseURL,
		MinConns:       cfg.DBMinConns,
		MaxConns:       cfg.DBMaxConns,
		AcquireTimeout: cfg.DBAcquireTimeout,
		RetryCount:     cfg.DBRetryCount,
		Logger:         log,
	})
	if err != nil {
		return b, fmt.Errorf("connecting to PostgreSQL (DATABASE_URL): %w", err)
	}
	b.pg = pg
	if cfg.DBMigrate {
		if err := postgres.MigrateUp(ctx, cfg.DatabaseURL); err != nil {
			b.close()
			return b, fmt.Errorf("applying migrations: %w", err)
		}
	}
	rc, err := redis.NewClient(redis.Options{URL: cfg.RedisURL, Prefix: cfg.RedisPrefix})
	if err != nil {
		b.close()
		return b, err
	}
	b.redis = rc
	err = retry.Do(ctx, cfg.DBRetryCount, func(ctx context.Context) error { return rc.Ping(ctx) },
		func(attempt int, err error, wait time.Duration) {
			log.Warn("redis not ready, retrying", "attempt", attempt, "in", wait, "err", err)
		})
	if err != nil {
		b.close()
		return b, fmt.Errorf("connecting to Redis (REDIS_URL): %w", err)
	}
	b.near = openNearCache(ctx, cfg, log)
	return b, nil
}

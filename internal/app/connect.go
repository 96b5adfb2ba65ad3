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

		TransactionPooling: cfg.DBTransactionPooling,
	})
	if err != nil {
		return b, fmt.Errorf("connecting to PostgreSQL (DATABASE_URL): %w", err)
	}
	b.pg = pg
	if cfg.DBMigrate {
		if err := postgres.MigrateUp(ctx, cfg.MigrateURL()); err != nil {
			b.close()
			return b, fmt.Errorf("applying migrations (%s): %w", migrateURLVariable(cfg), err)
		}
	}
	if err := canonicalizeUsernames(ctx, pg, log); err != nil {
		b.close()
		return b, err
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

// migrateURLVariable names the variable migrations connected through.
func migrateURLVariable(cfg config.Config) string {
	if cfg.DBMigrateURL != "" {
		return "AXUM_DB_MIGRATE_URL"
	}
	return "DATABASE_URL"
}

// canonicalizeUsernames fills in the canonical form of usernames stored
// without one (migration 0003) and reports, at every start until an operator
// resolves them, the accounts it could not canonicalise.
func canonicalizeUsernames(ctx context.Context, pg *postgres.Store, log *slog.Logger) error {
	report, err := pg.CanonicalizeUsernames(ctx)
	if err != nil {
		return fmt.Errorf("canonicalising usernames (is the schema migrated? movieapi migrate up): %w", err)
	}
	if report.Filled > 0 {
		log.Info("usernames canonicalised", "accounts", report.Filled)
	}
	for _, c := range report.Collisions {
		log.Warn("username collides with another account once canonical; rename or merge one of them",
			"user_id", c.UserID, "username", c.Username, "canonical", c.Canonical,
			"holder_id", c.HolderID, "holder", c.Holder)
	}
	for _, r := range report.Refused {
		log.Warn("username is not acceptable as a canonical username; rename the account",
			"user_id", r.UserID, "username", r.Username, "reason", r.Reason)
	}
	return nil
}

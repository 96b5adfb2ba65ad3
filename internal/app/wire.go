package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"movieapi/internal/config"
	"movieapi/internal/domain"
	"movieapi/internal/httpapi"
	"movieapi/internal/metrics"
	"movieapi/internal/movies"
	"movieapi/internal/passkeys"
	"movieapi/internal/ratelimit"
	"movieapi/internal/redis"
)

// wire builds the services over the connected backends and returns the
// HTTP handler and what stops its background work (the security event
// writer, the retention task).
func wire(_ context.Context, cfg config.Config, b backends, draining func() bool, log *slog.Logger) (http.Handler, func(), error) {
	m, metricsHandler := newMetrics(cfg)
	watchNearCache(m, b.near)
	steps := slog.New(slog.DiscardHandler)
	if cfg.SpanEvents == config.SpanFull {
		steps = log
	}
	limiter := newLimiter(cfg, b, log)
	pk, err := passkeys.New(passkeys.Config{
		RPID:              cfg.WebAuthn.RPID,
		RPName:            cfg.WebAuthn.RPName,
		Origins:           cfg.WebAuthn.Origins,
		RelatedOrigins:    cfg.WebAuthn.RelatedOrigins,
		UserVerification:  cfg.WebAuthn.UserVerification,
		ChallengeTTL:      cfg.WebAuthn.ChallengeTTL,
		SessionTTL:        cfg.SessionTTL,
		SessionIdle:       cfg.SessionIdle,
		ReauthWindow:      cfg.WebAuthn.ReauthWindow,
		FakeCredentialKey: cfg.WebAuthn.FakeCredentialKey,
	}, passkeys.Ports{
		Users:          b.pg,
		Credentials:    b.pg,
		Secrets:        b.pg,
		Sessions:       redis.NewSessionStore(b.redis),
		Events:         b.pg,
		FailureLimiter: limiter,
		Metrics:        m,
		Log:            log,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("passkey configuration: %w", err)
	}
	mv, err := movies.New(movies.Options{
		Repo:     b.pg,
		Cache:    redis.NewNearMovieCache(b.redis, b.near), // b.near nil: reads ask Redis
		Metrics:  m,
		CacheTTL: cfg.MovieCacheTTL,
		Steps:    steps,
		Log:      log,
	})
	if err != nil {
		pk.Close(context.Background())
		return nil, nil, err
	}
	stopPruning := startEventPruning(pk, cfg.EventRetention, log)
	stop := func() {
		stopPruning()
		ctx, cancel := context.WithTimeout(context.Background(), eventDrainTimeout)
		defer cancel()
		pk.Close(ctx)
	}
	return httpapi.NewRouter(httpapi.AppState{
		Passkeys:          pk,
		Movies:            mv,
		Postgres:          b.pg,
		Redis:             b.redis,
		Draining:          draining,
		Metrics:           m,
		MetricsHandler:    metricsHandler,
		Log:               log,
		Version:           version,
		LogRequestStart:   cfg.SpanEvents != config.SpanClose,
		LogSteps:          cfg.SpanEvents == config.SpanFull,
		MoviesRequireAuth: cfg.MoviesRequireAuth,
		Limiter:           limiter,
		TrustedProxies:    httpapi.ParseTrustedProxies(cfg.TrustedProxies),
		IPv6Prefix:        cfg.RateLimitIPv6Bits,
	}), stop, nil
}

// eventDrainTimeout bounds writing the queued security events at shutdown.
const eventDrainTimeout = 5 * time.Second

// newMetrics counts in a Prometheus registry, exposed at /metrics only in
// prom mode (an empty 200 otherwise, contract §5).
func newMetrics(cfg config.Config) (*metrics.Prometheus, http.Handler) {
	p := metrics.NewPrometheus(version)
	if cfg.MetricsType == config.MetricsProm {
		return p, p.Handler()
	}
	return p, metrics.HiddenHandler()
}

// newLimiter shares the ceremony budgets through Redis, falling back to a
// per-instance limit while Redis is unreachable; nil when limits are off.
func newLimiter(cfg config.Config, b backends, log *slog.Logger) domain.RateLimiter {
	if cfg.RateLimitPerMin == 0 {
		return nil
	}
	return ratelimit.NewFallback(
		redis.NewRateLimiter(b.redis, cfg.RateLimitPerMin),
		ratelimit.NewLocal(cfg.RateLimitPerMin),
		log,
	)
}

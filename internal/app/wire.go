package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

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
// HTTP handler.
func wire(_ context.Context, cfg config.Config, b backends, log *slog.Logger) (http.Handler, error) {
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
		FailureLimiter: limiter,
		Metrics:        m,
		Log:            log,
	})
	if err != nil {
		return nil, fmt.Errorf("passkey configuration: %w", err)
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
		return nil, err
	}
	return httpapi.NewRouter(httpapi.AppState{
		Passkeys:          pk,
		Movies:            mv,
		Postgres:          b.pg,
		Redis:             b.redis,
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
	}), nil
}

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

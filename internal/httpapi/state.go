// Package httpapi is the HTTP face of the service: the route table, thin
// handlers, middleware and the one mapping from errors to statuses. Handlers
// see services and ports, never database or Redis drivers.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"

	"movieapi/internal/domain"
	"movieapi/internal/movies"
	"movieapi/internal/passkeys"
)

// AppState is every dependency of the handlers, injected once at startup.
type AppState struct {
	Movies   *movies.Service
	Passkeys *passkeys.Service

	// Postgres and Redis answer the full health check.
	Postgres domain.Pinger
	Redis    domain.Pinger
	// Draining reports that the instance is stopping: the full health
	// check then answers 503 so balancers stop sending traffic. nil: never.
	Draining func() bool

	Metrics        RequestMetrics
	MetricsHandler http.Handler

	Log     *slog.Logger
	Version string
	// LogRequestStart adds a line when a request starts to the one logged
	// when it ends (AXUM_SPAN_EVENTS enter_exit and full).
	LogRequestStart bool
	// LogSteps logs the inner steps of a request, such as why a request was
	// rejected (AXUM_SPAN_EVENTS=full).
	LogSteps bool
	// MoviesRequireAuth makes movie writes need a Bearer session.
	MoviesRequireAuth bool

	// Limiter counts ceremony requests per client IP and per username; nil
	// disables the limits. TrustedProxies may set X-Forwarded-For.
	Limiter        domain.RateLimiter
	TrustedProxies []netip.Prefix
	// IPv6Prefix is the network size an IPv6 client is counted by
	// (AXUM_RATE_LIMIT_IPV6_PREFIX).
	IPv6Prefix int

	ids            *requestIDs             // made by Router
	relatedOrigins *relatedOriginsDocument // made by Router; nil: none configured
}

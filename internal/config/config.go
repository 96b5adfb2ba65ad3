// Package config reads the service's settings from the environment once, at
// startup, into a typed struct. A value that is set but invalid stops startup
// with an error naming the variable; nothing falls back to a default silently.
package config

import (
	"time"
)

// Config is every setting of the service (contract §9).
type Config struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string // prepended to every Redis key, to share one Redis
	BindAddr    string
	// AdminBindAddr serves the net/http/pprof profiling handlers on a
	// listener of their own; "" (the default) turns it off.
	AdminBindAddr string

	MetricsType string // "prom" or "noop"
	LogLevel    string // trace debug info warn error
	LogFormat   string // text or json
	SpanEvents  string // close, enter_exit or full

	DBRetryCount     int
	DBAcquireTimeout time.Duration
	DBMinConns       int32
	DBMaxConns       int32
	DBMigrate        bool

	WebAuthn WebAuthn

	SessionTTL time.Duration
	// SessionIdle ends a session unused for that long (before SessionTTL).
	SessionIdle       time.Duration
	MovieCacheTTL     time.Duration
	MovieNearCache    NearCache
	MoviesRequireAuth bool
	RateLimitPerMin   int
	// RateLimitIPv6Bits is the IPv6 network size a client is counted by.
	RateLimitIPv6Bits int
	TrustedProxies    []string // CIDRs
}

// WebAuthn is the relying-party configuration (contract §7.1).
type WebAuthn struct {
	RPID              string
	Origins           []string
	RPName            string
	ChallengeTTL      time.Duration
	UserVerification  string
	FakeCredentialKey []byte // nil: generated once and kept in PostgreSQL
	// ReauthWindow is how long a user-verified assertion on a session
	// allows adding and deleting passkeys.
	ReauthWindow time.Duration
}

// NearCache is the in-process copy of movie reads kept by go-redis's
// server-assisted client-side caching (AXUM_MOVIE_NEAR_CACHE*). It is off
// by default: go-redis marks the feature experimental.
type NearCache struct {
	Enabled bool
	// MaxBytes bounds the memory the copies take, as the service estimates it.
	MaxBytes int64
	// MaxStaleness is the hard bound on how long a copy is served without
	// asking Redis again, should an invalidation from Redis be lost.
	MaxStaleness time.Duration
	// DrainInterval is how often idle connections are read for Redis's
	// invalidations: the usual staleness, against a wake-up per tick.
	DrainInterval time.Duration
}

// DefaultBindAddr is where the service listens unless API_BIND_ADDR says
// otherwise; the healthcheck command asks there too.
const DefaultBindAddr = "127.0.0.1:3000"

// Metrics modes.
const (
	MetricsProm = "prom"
	MetricsNoop = "noop"
)

// Span event modes (AXUM_SPAN_EVENTS).
const (
	SpanClose     = "close"
	SpanEnterExit = "enter_exit"
	SpanFull      = "full"
)

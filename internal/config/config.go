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
	// DrainDelay is how long a stopping instance keeps serving while its
	// readiness check already answers 503, so that a load balancer takes it
	// out of rotation before it stops accepting connections.
	DrainDelay time.Duration
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
	// DBMigrateURL is where migrations run when set (a direct connection,
	// while DatabaseURL goes through a pooler); "" means DatabaseURL.
	DBMigrateURL string
	// DBTransactionPooling says DatabaseURL reaches PostgreSQL through a
	// pooler in transaction mode (PgBouncer pool_mode=transaction): queries
	// then run in pgx's exec mode, which needs no server-side state.
	DBTransactionPooling bool

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
	// EventRetention is how long security events are kept.
	EventRetention time.Duration
	TrustedProxies []string // CIDRs
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
	// RelatedOrigins are origins on other sites allowed to run the
	// ceremonies (WebAuthn Level 3 §5.11), served at /.well-known/webauthn.
	RelatedOrigins []string
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

// MigrateURL is where migrations run: DBMigrateURL when set, else
// DatabaseURL.
func (c Config) MigrateURL() string {
	if c.DBMigrateURL != "" {
		return c.DBMigrateURL
	}
	return c.DatabaseURL
}

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

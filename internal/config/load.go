package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests). It reports every invalid variable at once, each by name.
func Load(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		DatabaseURL:   r.required("DATABASE_URL"),
		RedisURL:      r.required("REDIS_URL"),
		RedisPrefix:   r.str("AXUM_REDIS_KEY_PREFIX", ""),
		BindAddr:      r.str("API_BIND_ADDR", DefaultBindAddr),
		DrainDelay:    r.seconds("AXUM_DRAIN_DELAY_SEC", 0, 0, 300),
		AdminBindAddr: r.str("AXUM_ADMIN_BIND_ADDR", ""),

		MetricsType: r.metricsType("AXUM_METRICS_TYPE"),
		LogLevel:    r.oneOf("AXUM_LOG_LEVEL", "debug", "trace", "debug", "info", "warn", "error"),
		LogFormat:   r.oneOf("AXUM_LOG_FORMAT", "text", "text", "json"),
		SpanEvents:  r.oneOf("AXUM_SPAN_EVENTS", SpanClose, SpanClose, SpanEnterExit, SpanFull),

		DBRetryCount:     r.integer("AXUM_DB_RETRY_COUNT", 50, 0, 10_000),
		DBAcquireTimeout: r.seconds("AXUM_DB_ACQUIRE_TIMEOUT_SEC", 30, 1, 3600),
		DBMinConns:       int32(r.integer("AXUM_DB_MIN_CONNECTIONS", 2, 0, 1000)),
		DBMaxConns:       int32(r.integer("AXUM_DB_MAX_CONNECTIONS", 15, 1, 1000)),
		DBMigrate:        r.boolean("AXUM_DB_MIGRATE", true),
		DBMigrateURL:     r.str("AXUM_DB_MIGRATE_URL", ""),

		DBTransactionPooling: r.boolean("AXUM_DB_TRANSACTION_POOLING", false),

		WebAuthn: WebAuthn{
			RPID:              strings.ToLower(r.required("AXUM_WEBAUTHN_RP_ID")),
			Origins:           r.list("AXUM_WEBAUTHN_ORIGIN", true),
			RelatedOrigins:    r.list("AXUM_WEBAUTHN_RELATED_ORIGINS", false),
			RPName:            r.str("AXUM_WEBAUTHN_RP_NAME", "Movie API"),
			ChallengeTTL:      r.seconds("AXUM_WEBAUTHN_CHALLENGE_TTL_SEC", 300, 1, 86_400),
			UserVerification:  r.oneOf("AXUM_WEBAUTHN_USER_VERIFICATION", "required", "required", "preferred", "discouraged"),
			FakeCredentialKey: r.bytes("AXUM_WEBAUTHN_FAKE_CREDENTIAL_KEY"),
			ReauthWindow:      r.seconds("AXUM_WEBAUTHN_REAUTH_WINDOW_SEC", 300, 10, 86_400),
		},

		SessionTTL:        r.seconds("AXUM_SESSION_TTL_SEC", 604_800, 60, 31_536_000),
		SessionIdle:       r.seconds("AXUM_SESSION_IDLE_SEC", 86_400, 60, 31_536_000),
		MovieCacheTTL:     r.seconds("AXUM_MOVIE_CACHE_TTL_SEC", 300, 1, 86_400),
		MoviesRequireAuth: r.boolean("AXUM_MOVIES_REQUIRE_AUTH", false),
		RateLimitPerMin:   r.integer("AXUM_RATE_LIMIT_PER_MIN", 30, 0, 1_000_000),
		RateLimitIPv6Bits: r.integer("AXUM_RATE_LIMIT_IPV6_PREFIX", 64, 32, 128),
		EventRetention:    time.Duration(r.integer("AXUM_EVENT_RETENTION_DAYS", 90, 1, 3650)) * 24 * time.Hour,
		TrustedProxies:    r.cidrs("AXUM_TRUSTED_PROXIES"),

		MovieNearCache: NearCache{
			Enabled:  r.boolean("AXUM_MOVIE_NEAR_CACHE", false),
			MaxBytes: int64(r.integer("AXUM_MOVIE_NEAR_CACHE_MAX_MIB", 16, 1, 65_536)) << 20,
			MaxStaleness: time.Duration(r.integer("AXUM_MOVIE_NEAR_CACHE_MAX_STALENESS_MS", 1000, 10, 3_600_000)) *
				time.Millisecond,
			DrainInterval: time.Duration(r.integer("AXUM_MOVIE_NEAR_CACHE_DRAIN_MS", 2, 1, 1000)) * time.Millisecond,
		},
	}
	r.check(c)
	if len(r.errs) > 0 {
		return Config{}, fmt.Errorf("invalid configuration: %w", errors.Join(r.errs...))
	}
	return c, nil
}

// check validates relations between variables.
func (r *reader) check(c Config) {
	for _, v := range [][2]string{{"DATABASE_URL", c.DatabaseURL}, {"AXUM_DB_MIGRATE_URL", c.DBMigrateURL}} {
		if u, err := url.Parse(v[1]); v[1] != "" && (err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql")) {
			r.fail(v[0], "must be a postgres:// or postgresql:// URL")
		}
	}
	r.checkPooling(c)
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			r.fail("REDIS_URL", "must be a redis:// or rediss:// URL")
		}
	}
	if _, _, err := net.SplitHostPort(c.BindAddr); err != nil {
		r.fail("API_BIND_ADDR", "must be host:port")
	}
	if c.AdminBindAddr != "" {
		if _, _, err := net.SplitHostPort(c.AdminBindAddr); err != nil {
			r.fail("AXUM_ADMIN_BIND_ADDR", "must be host:port")
		} else if c.AdminBindAddr == c.BindAddr {
			r.fail("AXUM_ADMIN_BIND_ADDR", "must differ from API_BIND_ADDR: profiles never share the public listener")
		}
	}
	if c.DBMinConns > c.DBMaxConns {
		r.fail("AXUM_DB_MIN_CONNECTIONS", "must not exceed AXUM_DB_MAX_CONNECTIONS")
	}
	if c.WebAuthn.RPID != "" && !isDomainName(c.WebAuthn.RPID) {
		r.fail("AXUM_WEBAUTHN_RP_ID", fmt.Sprintf("must be a domain name such as example.com or localhost (got %q)", c.WebAuthn.RPID))
	}
	for _, origin := range c.WebAuthn.Origins {
		if err := checkOrigin(origin, c.WebAuthn.RPID); err != nil {
			r.fail("AXUM_WEBAUTHN_ORIGIN", err.Error())
		}
	}
	for _, why := range relatedOriginProblems(c.WebAuthn.RelatedOrigins, c.WebAuthn.RPID) {
		r.fail("AXUM_WEBAUTHN_RELATED_ORIGINS", why)
	}
}

// checkOrigin insists on a scheme://host[:port] URL whose host is the RP ID
// or one of its subdomains: browsers refuse anything else, so it is better to
// fail at startup than at the first sign-in.
func checkOrigin(origin, rpID string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin URL (scheme://host[:port])", origin)
	}
	host := strings.ToLower(u.Hostname())
	if rpID == "" || (host != rpID && !strings.HasSuffix(host, "."+rpID)) {
		return fmt.Errorf("host of %q is not the RP ID %q or a subdomain of it", origin, rpID)
	}
	return nil
}

// isDomainName accepts what a WebAuthn RP ID may be: a DNS name (browsers
// refuse IP addresses), in lowercase letters, digits and hyphens.
func isDomainName(name string) bool {
	if len(name) > 253 || net.ParseIP(name) != nil {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

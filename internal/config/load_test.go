package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// env is a getenv over a map, starting from the required variables.
func env(overrides map[string]string) func(string) string {
	vars := map[string]string{
		"DATABASE_URL":         "postgres://postgres@127.0.0.1:5432/movieapi",
		"REDIS_URL":            "redis://127.0.0.1:6379/0",
		"AXUM_WEBAUTHN_RP_ID":  "localhost",
		"AXUM_WEBAUTHN_ORIGIN": "http://localhost:3000",
	}
	for k, v := range overrides {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DatabaseURL: "postgres://postgres@127.0.0.1:5432/movieapi", RedisURL: "redis://127.0.0.1:6379/0",
		BindAddr: "127.0.0.1:3000", MetricsType: "noop", LogLevel: "debug", LogFormat: "text", SpanEvents: "close",
		DBRetryCount: 50, DBAcquireTimeout: 30 * time.Second, DBMinConns: 2, DBMaxConns: 15, DBMigrate: true,
		WebAuthn: WebAuthn{
			RPID: "localhost", Origins: []string{"http://localhost:3000"}, RPName: "Movie API",
			ChallengeTTL: 300 * time.Second, UserVerification: "required", ReauthWindow: 300 * time.Second,
		},
		SessionTTL: 604800 * time.Second, SessionIdle: 86400 * time.Second, MovieCacheTTL: 300 * time.Second,
		RateLimitPerMin: 30, RateLimitIPv6Bits: 64, EventRetention: 90 * 24 * time.Hour,
		MovieNearCache: NearCache{Enabled: false, MaxBytes: 16 << 20, MaxStaleness: time.Second, DrainInterval: 2 * time.Millisecond},
	}
	if got, exp := fmt.Sprintf("%+v", c), fmt.Sprintf("%+v", want); got != exp {
		t.Errorf("defaults:\n got %s\nwant %s", got, exp)
	}
}

func TestOverrides(t *testing.T) {
	c, err := Load(env(map[string]string{
		"API_BIND_ADDR": "0.0.0.0:8080", "AXUM_METRICS_TYPE": "prom", "AXUM_LOG_LEVEL": "TRACE",
		"AXUM_LOG_FORMAT": "json", "AXUM_SPAN_EVENTS": "full", "AXUM_DB_RETRY_COUNT": "0",
		"AXUM_DB_ACQUIRE_TIMEOUT_SEC": "5", "AXUM_DB_MIN_CONNECTIONS": "1", "AXUM_DB_MAX_CONNECTIONS": "4",
		"AXUM_DB_MIGRATE": "false", "AXUM_WEBAUTHN_RP_ID": "Example.com",
		"AXUM_WEBAUTHN_ORIGIN":  "https://example.com, https://app.example.com/",
		"AXUM_WEBAUTHN_RP_NAME": "Films", "AXUM_WEBAUTHN_CHALLENGE_TTL_SEC": "60",
		"AXUM_WEBAUTHN_USER_VERIFICATION": "preferred", "AXUM_WEBAUTHN_FAKE_CREDENTIAL_KEY": strings.Repeat("ab", 32),
		"AXUM_SESSION_TTL_SEC": "3600", "AXUM_MOVIE_CACHE_TTL_SEC": "10", "AXUM_MOVIES_REQUIRE_AUTH": "true",
		"AXUM_RATE_LIMIT_PER_MIN": "0", "AXUM_TRUSTED_PROXIES": "10.0.0.0/8, ::1", "AXUM_REDIS_KEY_PREFIX": "a:",
		"AXUM_ADMIN_BIND_ADDR": "127.0.0.1:6060", "AXUM_DRAIN_DELAY_SEC": "5",
		"AXUM_DB_TRANSACTION_POOLING": "true", "AXUM_DB_MIGRATE_URL": "postgres://postgres@db:5432/movieapi",
		"AXUM_SESSION_IDLE_SEC":           "600",
		"AXUM_WEBAUTHN_REAUTH_WINDOW_SEC": "120", "AXUM_RATE_LIMIT_IPV6_PREFIX": "56", "AXUM_EVENT_RETENTION_DAYS": "7",
		"AXUM_MOVIE_NEAR_CACHE": "on", "AXUM_MOVIE_NEAR_CACHE_MAX_MIB": "64",
		"AXUM_MOVIE_NEAR_CACHE_MAX_STALENESS_MS": "250", "AXUM_MOVIE_NEAR_CACHE_DRAIN_MS": "5",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"bind", c.BindAddr, "0.0.0.0:8080"}, {"metrics", c.MetricsType, "prom"}, {"level", c.LogLevel, "trace"},
		{"format", c.LogFormat, "json"}, {"span", c.SpanEvents, "full"}, {"retry", c.DBRetryCount, 0},
		{"acquire", c.DBAcquireTimeout, 5 * time.Second}, {"min", c.DBMinConns, int32(1)}, {"max", c.DBMaxConns, int32(4)},
		{"migrate", c.DBMigrate, false}, {"rp id", c.WebAuthn.RPID, "example.com"},
		{"origins", strings.Join(c.WebAuthn.Origins, " "), "https://example.com https://app.example.com"},
		{"rp name", c.WebAuthn.RPName, "Films"}, {"challenge", c.WebAuthn.ChallengeTTL, time.Minute},
		{"uv", c.WebAuthn.UserVerification, "preferred"}, {"fake key", len(c.WebAuthn.FakeCredentialKey), 32},
		{"session", c.SessionTTL, time.Hour}, {"cache", c.MovieCacheTTL, 10 * time.Second},
		{"auth", c.MoviesRequireAuth, true}, {"rate", c.RateLimitPerMin, 0},
		{"proxies", strings.Join(c.TrustedProxies, " "), "10.0.0.0/8 ::1"}, {"prefix", c.RedisPrefix, "a:"},
		{"admin", c.AdminBindAddr, "127.0.0.1:6060"}, {"drain", c.DrainDelay, 5 * time.Second},
		{"pooling", c.DBTransactionPooling, true}, {"migrate url", c.MigrateURL(), "postgres://postgres@db:5432/movieapi"},
		{"idle", c.SessionIdle, 10 * time.Minute},
		{"reauth", c.WebAuthn.ReauthWindow, 2 * time.Minute}, {"ipv6", c.RateLimitIPv6Bits, 56},
		{"retention", c.EventRetention, 7 * 24 * time.Hour},
		{"near cache", c.MovieNearCache, NearCache{
			Enabled: true, MaxBytes: 64 << 20, MaxStaleness: 250 * time.Millisecond, DrainInterval: 5 * time.Millisecond,
		}},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// Any metrics type other than "prom" is the no-op, per the contract.
func TestMetricsTypeOtherThanPromIsNoop(t *testing.T) {
	c, err := Load(env(map[string]string{"AXUM_METRICS_TYPE": "statsd"}))
	if err != nil || c.MetricsType != MetricsNoop {
		t.Fatalf("got %q, %v", c.MetricsType, err)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"DATABASE_URL":                      "mysql://x",
		"REDIS_URL":                         "http://x",
		"API_BIND_ADDR":                     "3000",
		"AXUM_LOG_LEVEL":                    "verbose",
		"AXUM_LOG_FORMAT":                   "xml",
		"AXUM_SPAN_EVENTS":                  "sometimes",
		"AXUM_DB_RETRY_COUNT":               "-1",
		"AXUM_DB_ACQUIRE_TIMEOUT_SEC":       "soon",
		"AXUM_DB_MIN_CONNECTIONS":           "20",
		"AXUM_DB_MAX_CONNECTIONS":           "0",
		"AXUM_DB_MIGRATE":                   "maybe",
		"AXUM_WEBAUTHN_ORIGIN":              "https://evil.example",
		"AXUM_WEBAUTHN_RP_ID":               "127.0.0.1",
		"AXUM_WEBAUTHN_CHALLENGE_TTL_SEC":   "0",
		"AXUM_WEBAUTHN_USER_VERIFICATION":   "always",
		"AXUM_WEBAUTHN_FAKE_CREDENTIAL_KEY": "short",
		"AXUM_SESSION_TTL_SEC":              "1.5",
		"AXUM_MOVIE_CACHE_TTL_SEC":          "0",
		"AXUM_MOVIES_REQUIRE_AUTH":          "yes please",
		"AXUM_RATE_LIMIT_PER_MIN":           "-5",
		"AXUM_TRUSTED_PROXIES":              "10.0.0.0/33",
		"AXUM_ADMIN_BIND_ADDR":              "6060",
		"AXUM_DRAIN_DELAY_SEC":              "-1",
		"AXUM_DB_TRANSACTION_POOLING":       "sometimes",
		"AXUM_DB_MIGRATE_URL":               "mysql://x",
		"AXUM_SESSION_IDLE_SEC":             "30",
		"AXUM_WEBAUTHN_REAUTH_WINDOW_SEC":   "never",
		"AXUM_RATE_LIMIT_IPV6_PREFIX":       "16",
		"AXUM_WEBAUTHN_RELATED_ORIGINS":     "http://films.example",
		"AXUM_EVENT_RETENTION_DAYS":         "0",

		"AXUM_MOVIE_NEAR_CACHE":                  "sometimes",
		"AXUM_MOVIE_NEAR_CACHE_MAX_MIB":          "0",
		"AXUM_MOVIE_NEAR_CACHE_MAX_STALENESS_MS": "5",
		"AXUM_MOVIE_NEAR_CACHE_DRAIN_MS":         "0",
	}
	for name, value := range cases {
		_, err := Load(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: error %v does not name the variable", name, value, err)
		}
	}
}

// The profiling handlers must never end up on the public listener.
func TestAdminAddressMustDifferFromTheAPI(t *testing.T) {
	_, err := Load(env(map[string]string{"API_BIND_ADDR": "127.0.0.1:3000", "AXUM_ADMIN_BIND_ADDR": "127.0.0.1:3000"}))
	if err == nil || !strings.Contains(err.Error(), "AXUM_ADMIN_BIND_ADDR") {
		t.Fatalf("same address for both listeners: %v", err)
	}
}

func TestRequiredVariables(t *testing.T) {
	for _, name := range []string{"DATABASE_URL", "REDIS_URL", "AXUM_WEBAUTHN_RP_ID", "AXUM_WEBAUTHN_ORIGIN"} {
		_, err := Load(env(map[string]string{name: ""}))
		if err == nil || !strings.Contains(err.Error(), name+" is required") {
			t.Errorf("without %s: %v", name, err)
		}
	}
}

func TestOriginMustMatchRPID(t *testing.T) {
	for origin, ok := range map[string]bool{
		"https://example.com":         true,
		"https://login.example.com":   true,
		"http://example.com:8080":     true,
		"https://notexample.com":      false,
		"https://example.com.evil.io": false,
		"example.com":                 false,
		"https://example.com/path":    false,
		"ftp://example.com":           false,
		"https://user@example.com":    false,
		"https://example.com?x=1":     false,
	} {
		err := checkOrigin(origin, "example.com")
		if (err == nil) != ok {
			t.Errorf("checkOrigin(%q) = %v, want ok=%t", origin, err, ok)
		}
	}
}

// Behind a pooler in transaction mode, what is known to break is refused at
// startup, naming the variable to change.
func TestTransactionPoolingRefusesBrokenCombinations(t *testing.T) {
	const direct = "postgres://postgres@db:5432/movieapi"
	pooled := "postgres://postgres@pgbouncer:6432/movieapi"
	for _, c := range []struct {
		vars map[string]string
		want string // "" when accepted
	}{
		{map[string]string{"AXUM_DB_MIGRATE": "false"}, ""},
		{map[string]string{"AXUM_DB_MIGRATE_URL": direct}, ""},
		{map[string]string{"AXUM_DB_MIGRATE_URL": direct, "DATABASE_URL": pooled + "?default_query_exec_mode=exec"}, ""},
		{map[string]string{"AXUM_DB_MIGRATE_URL": direct, "DATABASE_URL": pooled + "?default_query_exec_mode=simple_protocol"}, ""},
		{map[string]string{}, "AXUM_DB_MIGRATE_URL is required"},
		{map[string]string{"AXUM_DB_MIGRATE_URL": pooled}, "AXUM_DB_MIGRATE_URL must differ from DATABASE_URL"},
		{map[string]string{"AXUM_DB_MIGRATE": "false", "DATABASE_URL": pooled + "?default_query_exec_mode=describe_exec"},
			"DATABASE_URL sets default_query_exec_mode=describe_exec"},
		{map[string]string{"AXUM_DB_MIGRATE": "false", "DATABASE_URL": pooled + "?default_query_exec_mode=cache_statement"},
			"DATABASE_URL sets default_query_exec_mode=cache_statement"},
		{map[string]string{"AXUM_DB_MIGRATE": "false", "DATABASE_URL": pooled + "?default_query_exec_mode=cache_describe"},
			"DATABASE_URL sets default_query_exec_mode=cache_describe"},
	} {
		vars := map[string]string{"AXUM_DB_TRANSACTION_POOLING": "true", "DATABASE_URL": pooled}
		for k, v := range c.vars {
			vars[k] = v
		}
		_, err := Load(env(vars))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.vars, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: %v, want %q", c.vars, err, c.want)
		}
	}
	// Without a pooler the same URL options are left to pgx.
	if _, err := Load(env(map[string]string{"DATABASE_URL": pooled + "?default_query_exec_mode=describe_exec"})); err != nil {
		t.Errorf("describe_exec without transaction pooling: %v", err)
	}
}

package passkeys

import (
	"strings"
	"testing"
	"time"
)

func TestNewValidatesConfiguration(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	ports := Ports{Users: store, Credentials: store, Secrets: store, Sessions: store, Metrics: &fakeMetrics{}}
	valid := func() Config {
		return Config{
			RPID: "example.com", RPName: "Movie API", Origins: []string{"https://example.com"},
			ChallengeTTL: time.Minute, SessionTTL: time.Hour,
		}
	}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" means New must succeed
	}{
		{"valid", func(*Config) {}, ""},
		{"subdomain origin with port", func(c *Config) { c.Origins = []string{"https://app.example.com:8443/"} }, ""},
		{"localhost over http", func(c *Config) { c.RPID, c.Origins = "localhost", []string{"http://localhost:3000"} }, ""},
		{"several origins", func(c *Config) { c.Origins = []string{"https://example.com", "https://www.example.com"} }, ""},
		{"no origin", func(c *Config) { c.Origins = nil }, "at least one origin"},
		{"origin not a URL", func(c *Config) { c.Origins = []string{"example.com"} }, "not an http(s) URL"},
		{"origin with other scheme", func(c *Config) { c.Origins = []string{"ftp://example.com"} }, "not an http(s) URL"},
		{"origin with path", func(c *Config) { c.Origins = []string{"https://example.com/app"} }, "scheme://host[:port] only"},
		{"origin of another site", func(c *Config) { c.Origins = []string{"https://evil.com"} }, "neither the RP ID"},
		{"origin only ending like the RP ID", func(c *Config) { c.Origins = []string{"https://notexample.com"} }, "neither the RP ID"},
		{"one bad origin among good", func(c *Config) { c.Origins = []string{"https://example.com", "https://example.org"} }, "example.org"},
		{"empty RP ID", func(c *Config) { c.RPID = "" }, "RP ID"},
		{"IP address RP ID", func(c *Config) { c.RPID, c.Origins = "127.0.0.1", []string{"http://127.0.0.1"} }, "not a valid domain"},
		{"unknown user verification", func(c *Config) { c.UserVerification = "sometimes" }, "user verification"},
		{"zero challenge TTL", func(c *Config) { c.ChallengeTTL = 0 }, "challenge TTL"},
		{"zero session TTL", func(c *Config) { c.SessionTTL = 0 }, "session TTL"},
		{"short fake key", func(c *Config) { c.FakeCredentialKey = []byte("short") }, "fake credential key"},
		{"empty RP name", func(c *Config) { c.RPName = " " }, "RP name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid()
			tt.edit(&cfg)
			_, err := New(cfg, ports)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewRequiresPorts(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	cfg := Config{RPID: "example.com", RPName: "x", Origins: []string{"https://example.com"}, ChallengeTTL: time.Minute, SessionTTL: time.Hour}
	m := &fakeMetrics{}
	if _, err := New(cfg, Ports{Users: store, Credentials: store, Metrics: m}); err == nil {
		t.Fatal("New without a session store succeeded")
	}
	if _, err := New(cfg, Ports{Users: store, Credentials: store, Sessions: store}); err == nil {
		t.Fatal("New without metrics succeeded")
	}
	if _, err := New(cfg, Ports{Users: store, Credentials: store, Sessions: store, Metrics: m}); err == nil {
		t.Fatal("New without secrets and without a fake key succeeded")
	}
	cfg.FakeCredentialKey = []byte("0123456789abcdef0123456789abcdef")
	if _, err := New(cfg, Ports{Users: store, Credentials: store, Sessions: store, Metrics: m}); err != nil {
		t.Fatalf("New with a configured fake key and no secrets: %v", err)
	}
}

func TestNewDoesNotAliasCallerSlices(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	origins := []string{"https://example.com/"}
	cfg := Config{RPID: "example.com", RPName: "x", Origins: origins, ChallengeTTL: time.Minute, SessionTTL: time.Hour}
	if _, err := New(cfg, Ports{Users: store, Credentials: store, Secrets: store, Sessions: store, Metrics: &fakeMetrics{}}); err != nil {
		t.Fatal(err)
	}
	if origins[0] != "https://example.com/" {
		t.Fatalf("New rewrote the caller's origins slice: %q", origins[0])
	}
}

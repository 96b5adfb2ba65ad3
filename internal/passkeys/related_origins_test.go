package passkeys

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRelatedOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		origins []string
		want    []string // normalised, when wantErr is ""
		wantErr string
	}{
		{name: "none", origins: nil, want: nil},
		{name: "another site", origins: []string{"https://films.example"}, want: []string{"https://films.example"}},
		{
			name:    "normalised by go-webauthn, order kept",
			origins: []string{"https://Movies.Example.org:443/", "https://films.example:8443"},
			want:    []string{"https://movies.example.org", "https://films.example:8443"},
		},
		{name: "localhost over http", origins: []string{"http://localhost:3000"}, want: []string{"http://localhost:3000"}},
		{name: "a localhost subdomain over http", origins: []string{"http://app.localhost"}, want: []string{"http://app.localhost"}},
		{
			// shop.com, shop.co.uk and shop.de share the label "shop":
			// five labels in all.
			name: "five sites, one of them under three suffixes",
			origins: []string{
				"https://shop.com", "https://www.shop.co.uk", "https://shop.de",
				"https://a.com", "https://b.com", "https://c.com", "https://d.com",
			},
			want: []string{
				"https://shop.com", "https://www.shop.co.uk", "https://shop.de",
				"https://a.com", "https://b.com", "https://c.com", "https://d.com",
			},
		},
		{name: "http elsewhere", origins: []string{"http://films.example"}, wantErr: "must be https"},
		{name: "the RP ID itself", origins: []string{"https://example.com"}, wantErr: "list it with the origins"},
		{name: "a subdomain of the RP ID", origins: []string{"https://app.example.com"}, wantErr: "list it with the origins"},
		{name: "IPv4 address", origins: []string{"https://192.0.2.1"}, wantErr: "not a domain name"},
		{name: "IPv6 address", origins: []string{"https://[2001:db8::1]"}, wantErr: "not a domain name"},
		{name: "not a URL", origins: []string{"films.example"}, wantErr: "not an http(s) URL"},
		{name: "with a path", origins: []string{"https://films.example/app"}, wantErr: "scheme://host[:port] only"},
		{name: "listed twice", origins: []string{"https://films.example", "https://films.example"}, wantErr: "listed twice"},
		{name: "listed twice, spelt differently", origins: []string{"https://FILMS.example", "https://films.example:443"}, wantErr: "listed twice"},
		{
			name:    "six sites",
			origins: []string{"https://a.com", "https://b.com", "https://c.com", "https://d.com", "https://e.com", "https://f.com"},
			wantErr: "6 distinct registrable domain labels",
		},
		{
			// go-webauthn's default labeler counts all of these as "co", one
			// label; browsers count six sites.
			name:    "six sites under a two-label suffix",
			origins: []string{"https://a.co.uk", "https://b.co.uk", "https://c.co.uk", "https://d.co.uk", "https://e.co.uk", "https://f.co.uk"},
			wantErr: "6 distinct registrable domain labels",
		},
		{
			// github.io is a public suffix of the list's private section:
			// each project page is a site of its own.
			name:    "six sites under a private suffix",
			origins: []string{"https://a.github.io", "https://b.github.io", "https://c.github.io", "https://d.github.io", "https://e.github.io", "https://f.github.io"},
			wantErr: "6 distinct registrable domain labels",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRelatedOrigins("example.com", tt.origins)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRelatedOrigins: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNewKeepsTheRelatedOrigins: New applies the same rules, and the
// service declares the normalised list.
func TestNewKeepsTheRelatedOrigins(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	ports := Ports{Users: store, Credentials: store, Secrets: store, Sessions: store, Events: store, Metrics: &fakeMetrics{}}
	cfg := Config{
		RPID: "example.com", RPName: "Movie API", Origins: []string{"https://example.com"},
		ChallengeTTL: time.Minute, SessionTTL: time.Hour,
	}
	svc, err := New(cfg, ports)
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.RelatedOrigins(); got != nil {
		t.Fatalf("related origins without any configured: %q", got)
	}

	cfg.RelatedOrigins = []string{"https://Films.Example/"}
	if svc, err = New(cfg, ports); err != nil {
		t.Fatal(err)
	}
	if got := svc.RelatedOrigins(); !slices.Equal(got, []string{"https://films.example"}) {
		t.Fatalf("related origins %q", got)
	}

	cfg.RelatedOrigins = []string{"http://films.example"}
	if _, err := New(cfg, ports); err == nil || !strings.Contains(err.Error(), "must be https") {
		t.Fatalf("New with an http related origin: %v", err)
	}
}

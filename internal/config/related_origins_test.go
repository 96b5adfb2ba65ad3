package config

import (
	"slices"
	"strings"
	"testing"
)

func TestRelatedOrigins(t *testing.T) {
	const name = "AXUM_WEBAUTHN_RELATED_ORIGINS"
	tests := []struct {
		value   string
		want    []string // when wantErr is ""
		wantErr string
	}{
		{value: "", want: nil},
		{value: "https://films.example", want: []string{"https://films.example"}},
		{
			value: " https://films.example/ , https://Movies.example.org:8443,http://localhost:3001",
			want:  []string{"https://films.example", "https://Movies.example.org:8443", "http://localhost:3001"},
		},
		{value: "http://films.example", wantErr: `"http://films.example" must be https (http only for localhost)`},
		{value: "https://localhost.films.example, http://localhost.films.example", wantErr: "must be https"},
		{value: "https://films.example,https://FILMS.example:443", wantErr: `lists "https://FILMS.example:443" twice`},
		{value: "https://films.example,https://films.example", wantErr: "twice"},
		{value: "https://192.0.2.1", wantErr: "must be an ASCII domain name"},
		{value: "https://[::1]:8443", wantErr: "must be an ASCII domain name"},
		{value: "https://fílms.example", wantErr: "punycode"},
		{value: "https://xn--flms-0na.example", want: []string{"https://xn--flms-0na.example"}},
		{value: "https://example.com", wantErr: `is on the RP ID "example.com" itself: list it in AXUM_WEBAUTHN_ORIGIN`},
		{value: "https://app.example.com:8443", wantErr: "list it in AXUM_WEBAUTHN_ORIGIN"},
		{value: "films.example", wantErr: "is not an origin URL"},
		{value: "https://films.example/sign-in", wantErr: "is not an origin URL"},
		{value: "ftp://films.example", wantErr: "is not an origin URL"},
	}
	for _, tt := range tests {
		c, err := Load(env(map[string]string{
			"AXUM_WEBAUTHN_RP_ID": "example.com", "AXUM_WEBAUTHN_ORIGIN": "https://example.com", name: tt.value,
		}))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), name+" ") || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s=%q: error %v, want one naming the variable and saying %q", name, tt.value, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s=%q: %v", name, tt.value, err)
			continue
		}
		if !slices.Equal(c.WebAuthn.RelatedOrigins, tt.want) {
			t.Errorf("%s=%q: got %q, want %q", name, tt.value, c.WebAuthn.RelatedOrigins, tt.want)
		}
	}
}

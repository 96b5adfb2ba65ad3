package passkeys

import (
	"errors"
	"slices"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"

	"movieapi/internal/domain"
)

func TestParseHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		hints   []string
		want    []protocol.PublicKeyCredentialHints
		wantErr string // the client-facing message
	}{
		{name: "none", hints: nil, want: nil},
		{name: "empty list", hints: []string{}, want: nil},
		{name: "one", hints: []string{"security-key"}, want: []protocol.PublicKeyCredentialHints{"security-key"}},
		{
			name:  "all three, order kept",
			hints: []string{"hybrid", "security-key", "client-device"},
			want:  []protocol.PublicKeyCredentialHints{"hybrid", "security-key", "client-device"},
		},
		{name: "unknown", hints: []string{"hybrid", "usb"}, wantErr: `hints[1] is not one of "security-key", "client-device", "hybrid"`},
		{name: "another case", hints: []string{"Hybrid"}, wantErr: `hints[0] is not one of "security-key", "client-device", "hybrid"`},
		{name: "empty string", hints: []string{""}, wantErr: `hints[0] is not one of "security-key", "client-device", "hybrid"`},
		{name: "repeated", hints: []string{"client-device", "hybrid", "client-device"}, wantErr: `hints[2] repeats "client-device"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseHints(tt.hints)
			if tt.wantErr != "" {
				var pe *domain.PublicError
				if !errors.As(err, &pe) || !errors.Is(err, domain.ErrInvalid) || pe.Message != tt.wantErr {
					t.Fatalf("error = %v, want the 400 %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

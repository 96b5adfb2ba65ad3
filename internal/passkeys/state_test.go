package passkeys

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestChallengeOf(t *testing.T) {
	t.Parallel()
	challenge := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	credential := func(clientData string) []byte {
		return []byte(`{"id":"x","response":{"clientDataJSON":"` + base64.RawURLEncoding.EncodeToString([]byte(clientData)) + `"}}`)
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"browser client data", credential(`{"type":"webauthn.get","challenge":"` + challenge + `","origin":"https://example.com"}`), challenge},
		{"padded clientDataJSON", []byte(`{"response":{"clientDataJSON":"` + base64.URLEncoding.EncodeToString([]byte(`{"challenge":"`+challenge+`"}`)) + `"}}`), challenge},
		{"shortest challenge", credential(`{"challenge":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 16)) + `"}`), base64.RawURLEncoding.EncodeToString(make([]byte, 16))},
		{"too short", credential(`{"challenge":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 15)) + `"}`), ""},
		{"too long", credential(`{"challenge":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 65)) + `"}`), ""},
		{"standard alphabet", credential(`{"challenge":"` + strings.Repeat("+", 43) + `"}`), ""},
		{"redis key characters", credential(`{"challenge":"a:b c*"}`), ""},
		{"no challenge", credential(`{"type":"webauthn.get"}`), ""},
		{"null response", []byte(`{"response":null}`), ""},
		{"array", []byte(`[]`), ""},
		{"nothing", nil, ""},
	}
	for _, tt := range tests {
		got, ok := challengeOf(tt.input)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: challengeOf = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestAuthenticatorName(t *testing.T) {
	t.Parallel()
	if got := credentialName("", mustUUID(t, "fbfc3007-154e-4ecc-8c0b-6e020557d7bd")); got != "iCloud Keychain" {
		t.Errorf("iCloud Keychain AAGUID named %q", got)
	}
	if got := credentialName("", mustUUID(t, "cb69481e-8ff7-4039-93ec-0a2729a154a8")); got != "YubiKey 5 Series" {
		t.Errorf("YubiKey AAGUID named %q", got)
	}
	if got := credentialName("", make([]byte, 16)); got != "Passkey" {
		t.Errorf("zero AAGUID named %q", got)
	}
	if got := credentialName("", []byte{1, 2}); got != "Passkey" {
		t.Errorf("short AAGUID named %q", got)
	}
	if got := credentialName("Mine", mustUUID(t, "fbfc3007-154e-4ecc-8c0b-6e020557d7bd")); got != "Mine" {
		t.Errorf("given name replaced by %q", got)
	}
	for aaguid := range knownAuthenticators {
		if len(aaguid) != 36 || formatUUID(mustUUID(t, aaguid)) != aaguid {
			t.Errorf("map key %q is not a canonical lowercase UUID", aaguid)
		}
	}
}

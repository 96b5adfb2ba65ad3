package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestBearerEdgeCases: every way of not having a valid session is a 401 with
// a JSON error and WWW-Authenticate, on every Bearer route; the scheme is
// case-insensitive.
func TestBearerEdgeCases(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, p := authtest.SignUp(t, srv, "dana")
	routes := []struct{ method, path, body string }{
		{"GET", "/webauthn/credentials", ""},
		{"PATCH", "/webauthn/credentials/" + p.CredentialID(), `{"name":"x"}`},
		{"DELETE", "/webauthn/credentials/" + p.CredentialID(), ""},
		{"POST", "/webauthn/logout", ""},
	}
	unknown := strings.Repeat("A", 43) // well formed, never issued
	for _, tc := range []struct{ name, header string }{
		{"missing header", ""},
		{"wrong scheme", "Basic " + token},
		{"scheme only", "Bearer"},
		{"Bearer and an empty token", "Bearer "},
		{"garbage token", "Bearer not-a-token!"},
		{"two tokens", "Bearer " + token + " " + token},
		{"token without scheme", token},
		{"unknown token", "Bearer " + unknown},
		{"token with a character changed", "Bearer " + flipLast(token)},
	} {
		for _, rt := range routes {
			var body any
			if rt.body != "" {
				body = rt.body
			}
			r := srv.Do(t, rt.method, rt.path, body, "Authorization", tc.header)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s: %s %s: %d %s, want 401", tc.name, rt.method, rt.path, r.Status, r.Body)
				continue
			}
			r.ErrorMessage(t)
			if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
				t.Errorf("%s: %s %s: WWW-Authenticate %q", tc.name, rt.method, rt.path, h)
			}
		}
	}
	// Nothing above was allowed to delete or rename the passkey.
	list := listCredentials(t, srv, token)
	if len(list) != 1 || list[0].Name == "x" {
		t.Fatalf("credentials after the refused requests: %+v", list)
	}
	for _, scheme := range []string{"bearer", "BEARER", "BeArEr"} {
		r := srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", scheme+" "+token)
		if r.Status != http.StatusOK {
			t.Errorf("scheme %q: %d, want 200", scheme, r.Status)
		}
	}
}

// flipLast changes the token's last character to another base64url one.
func flipLast(token string) string {
	last := token[len(token)-1]
	replacement := byte('A')
	if last == 'A' {
		replacement = 'B'
	}
	return token[:len(token)-1] + string(replacement)
}

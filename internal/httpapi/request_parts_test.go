package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
)

func TestBearerToken(t *testing.T) {
	token := strings.Repeat("A", 43)
	for header, want := range map[string]string{
		"Bearer " + token:   token,
		"bearer " + token:   token,
		"BEARER  " + token:  token,
		"":                  "",
		"Basic " + token:    "",
		"Bearer":            "",
		"Bearer ":           "",
		token:               "",
		"Bearer a b":        "",
		"Bearer a\tb":       "",
		"Bearertoken" + "x": "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		got, err := bearerToken(r)
		if want == "" {
			if !errors.Is(err, domain.ErrUnauthorized) {
				t.Errorf("%q: %q, %v; want 401", header, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%q: %q, %v", header, got, err)
		}
	}
}

func TestCredentialIDParam(t *testing.T) {
	for raw, ok := range map[string]bool{
		"AAEC":                    true,
		"not*base64":              false,
		"a+b":                     false,
		"YWJj=":                   false,
		"":                        false,
		strings.Repeat("A", 2000): false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		rc := chi.NewRouteContext()
		rc.URLParams.Add("id", raw)
		r = r.WithContext(contextWithRoute(r, rc))
		_, err := credentialIDParam(r)
		if ok != (err == nil) || (err != nil && !errors.Is(err, domain.ErrInvalid)) {
			t.Errorf("%.20q: %v, want ok=%t", raw, err, ok)
		}
	}
}

// TestPeekAccount: every spelling of one account names one budget, by a
// short hash; what names no valid username names nobody, and the handler
// still reads the whole body.
func TestPeekAccount(t *testing.T) {
	peek := func(body string) (string, string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		account := peekAccount(r)
		buf := make([]byte, len(body)+1)
		n, _ := r.Body.Read(buf)
		return account, string(buf[:n])
	}
	a, replayed := peek(`{"username":"Alice"}`)
	if len(a) != 32 || replayed != `{"username":"Alice"}` {
		t.Fatalf("account %q, body replayed as %q", a, replayed)
	}
	for _, same := range []string{`{"username":" alice "}`, `{"username":"ＡＬＩＣＥ"}`} {
		if b, _ := peek(same); b != a {
			t.Errorf("%s names another budget than Alice", same)
		}
	}
	for _, nobody := range []string{`{}`, `{"username":""}`, `not json`, `{"username":"` + strings.Repeat("x", 128<<10) + `"}`, `{"username":"a\u200bb"}`} {
		if b, _ := peek(nobody); b != "" {
			t.Errorf("%.40s names %q", nobody, b)
		}
	}
}

func contextWithRoute(r *http.Request, rc *chi.Context) context.Context {
	return context.WithValue(r.Context(), chi.RouteCtxKey, rc)
}

package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDecodeRules is contract §2's JSON rules, as the one decoder every
// JSON route uses applies them to a movie body: 415, 413, 400, 422, in that
// order, and never a message with Go or JSON internals.
func TestDecodeRules(t *testing.T) {
	valid := `{"title":"Rules","year":2000,"stars":1}`
	for _, tc := range []struct {
		name, contentType, body string
		status                  int // 0: accepted
	}{
		{"no content type", "", valid, 415},
		{"text/plain", "text/plain", valid, 415},
		{"form", "application/x-www-form-urlencoded", valid, 415},
		{"garbage content type", "application/", valid, 415},
		{"problem+json is JSON", "application/problem+json", valid, 0},
		{"charset parameter", "application/json; charset=utf-8", valid, 0},
		{"malformed", "application/json", `{"title":`, 400},
		{"empty body", "application/json", "", 400},
		{"not JSON", "application/json", "hello", 400},
		{"invalid UTF-8", "application/json", "{\"title\":\"\xff\xfe\",\"year\":2000,\"stars\":1}", 400},
		{"deeply nested", "application/json", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), 400},
		{"null", "application/json", "null", 422},
		{"array", "application/json", "[1,2]", 422},
		{"string", "application/json", `"x"`, 422},
		{"missing stars", "application/json", `{"title":"X","year":2000}`, 422},
		{"missing title", "application/json", `{"year":2000,"stars":1}`, 422},
		{"null year", "application/json", `{"title":"X","year":null,"stars":1}`, 422},
		{"year as string", "application/json", `{"title":"X","year":"2000","stars":1}`, 422},
		{"float year", "application/json", `{"title":"X","year":2000.5,"stars":1}`, 422},
		{"year 2000.0", "application/json", `{"title":"X","year":2000.0,"stars":1}`, 422},
		{"year out of range", "application/json", `{"title":"X","year":99999999999999999999,"stars":1}`, 422},
		{"stars 1e400", "application/json", `{"title":"X","year":2000,"stars":1e400}`, 422},
		{"title as number", "application/json", `{"title":5,"year":2000,"stars":1}`, 422},
		{"trailing data", "application/json", valid + ` {"more":1}`, 422},
		{"trailing garbage", "application/json", valid + `x`, 422},
		{"unknown fields ignored", "application/json", `{"title":"X","year":2000,"stars":1,"director":"Y"}`, 0},
		{"field names match case-insensitively", "application/json", `{"TITLE":"X","Year":2000,"stars":1}`, 0},
		{"3 MiB body", "application/json", `{"title":"` + strings.Repeat("a", 3<<20) + `","year":2000,"stars":1}`, 413},
	} {
		r := httptest.NewRequest(http.MethodPost, "/movies/add", strings.NewReader(tc.body))
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		_, err := decodeMovie(httptest.NewRecorder(), r)
		status, body := httpStatus(err)
		switch {
		case tc.status == 0 && err != nil:
			t.Errorf("%s: refused with %d %q", tc.name, status, body.Error)
		case tc.status != 0 && status != tc.status:
			t.Errorf("%s: %d %q (%v), want %d", tc.name, status, body.Error, err, tc.status)
		case tc.status != 0 && strings.ContainsAny(body.Error, "{}") || strings.Contains(body.Error, "json:") ||
			strings.Contains(body.Error, "int32"):
			t.Errorf("%s: message leaks internals: %q", tc.name, body.Error)
		}
	}
}

// TestRequiredFinishFields: a finish without its credential (or, for
// registration, its username) is the wrong shape.
func TestRequiredFinishFields(t *testing.T) {
	for _, tc := range []struct {
		name         string
		haveUsername bool
		credential   string
		want         string
	}{
		{"complete", true, `{}`, ""},
		{"no username", false, `{}`, "field username is required"},
		{"no credential", true, ``, "field credential is required"},
		{"null credential", true, `null`, "field credential is required"},
	} {
		err := requireFields(tc.haveUsername, []byte(tc.credential))
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var he *httpError
		if !errors.As(err, &he) || he.status != http.StatusUnprocessableEntity || he.message != tc.want {
			t.Errorf("%s: %v, want 422 %q", tc.name, err, tc.want)
		}
	}
}

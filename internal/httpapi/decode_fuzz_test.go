package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"movieapi/internal/domain"
)

// FuzzDecodeMovie feeds arbitrary bodies through the same decoding and
// sanitising as POST /movies/add. Every input must end in a documented
// client error or in a clean, stable movie: never a panic, never a 5xx.
func FuzzDecodeMovie(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Inception","year":2010,"stars":4.8}`,
		`{"title":"  Test    Movie ","year":2023,"stars":3}`,
		`{"title":"a\u0000b","year":2000,"stars":1}`,
		`{"title":"x","year":2000.5,"stars":1}`,
		`{"title":"x","year":2000,"stars":1e400}`,
		`null`, `[]`, `{}`, `{"title":"x"} {}`, "\xff",
	} {
		f.Add(seed)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/movies/add", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		m, err := decodeMovie(httptest.NewRecorder(), req)
		if err == nil {
			m, err = m.Sanitize(now)
		}
		if err != nil {
			if status, _ := httpStatus(err); status < 400 || status >= 500 {
				t.Fatalf("body %q: status %d for %v", body, status, err)
			}
			return
		}
		if m.Title != domain.NormalizeTitle(m.Title) || m.Title == "" || !utf8.ValidString(m.Title) ||
			strings.ContainsFunc(m.Title, unicode.IsControl) {
			t.Fatalf("body %q: title %q is not clean", body, m.Title)
		}
		again, err := m.Sanitize(now)
		if err != nil || again != m {
			t.Fatalf("sanitising is not idempotent: %+v → %+v, %v", m, again, err)
		}
		if id, ok := domain.ParseMovieID(m.ID()); !ok || id != m.ID() {
			t.Fatalf("ID %q is not canonical", m.ID())
		}
	})
}

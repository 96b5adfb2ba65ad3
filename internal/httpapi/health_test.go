package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
)

func TestHealthLightAndFull(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, q := range []string{"", "?mode=light", "?mode=FULL", "?mode=fullx"} {
		r := srv.Do(t, "GET", "/health"+q, nil)
		if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != `{"status":"ok"}` {
			t.Errorf("/health%s: %d %s", q, r.Status, r.Body)
		}
	}
	r := srv.Do(t, "GET", "/health?mode=full", nil)
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != `{"status":"ok","checks":{"postgres":"ok","redis":"ok"}}` {
		t.Errorf("full: %d %s", r.Status, r.Body)
	}
}

func TestLandingPage(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	r := srv.Do(t, "GET", "/", nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("landing: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	body := string(r.Body)
	for _, want := range []string{"Movie API", "<code>dev</code>", `href="/passkeys"`, "/movies/get/{id}", "/health", "/metrics"} {
		if !strings.Contains(body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	css := srv.Do(t, "GET", "/assets/site.css", nil)
	if css.Status != http.StatusOK || css.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("stylesheet: %d %q", css.Status, css.Header.Get("Content-Type"))
	}
	again := srv.Do(t, "GET", "/assets/site.css", nil, "If-None-Match", css.Header.Get("ETag"))
	if again.Status != http.StatusNotModified {
		t.Errorf("revalidation: %d", again.Status)
	}
	for _, bad := range []string{"/assets/..%2Fpages.go", "/assets/landing.html", "/assets/.hidden.css", "/assets/nope.js"} {
		if r := srv.Do(t, "GET", bad, nil); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, r.Status)
		}
	}
}

package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestAdminListenerIsOffByDefault(t *testing.T) {
	a, err := startAdmin(context.Background(), "", slog.New(slog.DiscardHandler))
	if a != nil || err != nil {
		t.Fatalf("startAdmin(\"\") = %v, %v; want nothing started", a, err)
	}
	a.stop() // a nil server stops without complaint
}

func TestAdminListenerServesProfiles(t *testing.T) {
	a, err := startAdmin(context.Background(), "127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.stop)
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/heap?debug=1":      "heap profile",
		"/debug/pprof/cmdline":           "",
		"/debug/pprof/symbol":            "num_symbols",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
	} {
		resp, err := http.Get("http://" + a.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %.200s", path, resp.StatusCode, body)
		}
	}
	resp, err := http.Get("http://" + a.addr + "/movies/get/x")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the admin listener answers %d for an API path; it must serve profiles only", resp.StatusCode)
	}
}

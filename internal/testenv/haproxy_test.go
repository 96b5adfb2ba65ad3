package testenv

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// The repository's deploy/haproxy.cfg, run by StartHAProxy: an instance
// whose readiness check fails is taken out of rotation (HAProxy starts by
// counting every server up), one whose check passes stays in, and requests
// reach it with X-Forwarded-For added.
func TestStartHAProxyWithTheDeployConfiguration(t *testing.T) {
	t.Parallel()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RequestURI() == "/health?mode=full" {
			_, _ = io.WriteString(w, `{"status":"ok"}`)
			return
		}
		_, _ = io.WriteString(w, "forwarded for "+r.Header.Get("X-Forwarded-For"))
	}))
	t.Cleanup(backend.Close)
	down := "127.0.0.1:" + strconv.Itoa(freePort(t)) // nothing listens there
	h := StartHAProxy(t, "../../deploy/haproxy.cfg", []string{strings.TrimPrefix(backend.URL, "http://"), down, down},
		"LB_CHECK_INTER=100ms")
	pollUntil(t, "app2 and app3, where nothing listens, to be taken out", func() bool {
		return !h.ServerUp("movieapi", "app2") && !h.ServerUp("movieapi", "app3")
	})
	if !h.ServerUp("movieapi", "app1") {
		t.Fatal("app1, whose readiness check passes, is out of rotation")
	}
	resp, err := http.Get(h.URL + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "forwarded for 127.0.0.1" {
		t.Fatalf("through HAProxy: %d %q", resp.StatusCode, body)
	}
}

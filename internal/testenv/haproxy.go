package testenv

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// HAProxy is an haproxy process owned by one test, running a configuration
// file that takes its addresses from the environment, as deploy/haproxy.cfg
// does: LB_BIND (the frontend), LB_STATS_BIND (the Prometheus exporter at
// /metrics) and MOVIEAPI_1, MOVIEAPI_2, … (the instances).
type HAProxy struct {
	// URL is the frontend's base URL; StatsURL the exporter's.
	URL, StatsURL string
	Output        func() string // haproxy's log so far
}

// StartHAProxy starts haproxy in the foreground with configFile, the
// instances' host:port addresses as MOVIEAPI_1…, free loopback ports for
// the frontend and the exporter, and extra environment (KEY=VALUE). It
// waits until both listen; the instances need not be up. It is stopped
// when the test ends.
func StartHAProxy(t testing.TB, configFile string, instances []string, extra ...string) *HAProxy {
	t.Helper()
	RequireIntegration(t)
	binary := engine(t, "haproxy", "haproxy")
	logVersion(t, binary, "-v")
	bind := "127.0.0.1:" + strconv.Itoa(freePort(t))
	stats := "127.0.0.1:" + strconv.Itoa(freePort(t))
	env := append(os.Environ(), "LB_BIND="+bind, "LB_STATS_BIND="+stats)
	for i, addr := range instances {
		env = append(env, "MOVIEAPI_"+strconv.Itoa(i+1)+"="+addr)
	}
	env = append(env, extra...)
	cmd := exec.Command(binary, "-db", "-f", configFile)
	cmd.Env = env
	d := startDaemon(t, "haproxy", cmd)
	h := &HAProxy{URL: "http://" + bind, StatsURL: "http://" + stats, Output: d.output.String}
	d.waitUntil(t, "its frontend and exporter listen", func() bool {
		return listening(bind) && h.Metrics() != ""
	})
	return h
}

// Metrics is the exporter's text exposition ("" when it does not answer).
func (h *HAProxy) Metrics() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.StatsURL+"/metrics", nil)
	if err != nil {
		return ""
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(body)
}

// ServerUp reports whether haproxy counts the server (app1, app2, …) of
// the backend as up: its health checks pass.
func (h *HAProxy) ServerUp(backend, server string) bool {
	want := `haproxy_server_status{proxy="` + backend + `",server="` + server + `",state="UP"} 1`
	for _, line := range strings.Split(h.Metrics(), "\n") {
		if line == want {
			return true
		}
	}
	return false
}

func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

package fleettest

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"movieapi/internal/httpapi"
)

// measuredMarker starts the log lines that report a measured duration or
// count; scripts/test-all.sh shows them in its summary.
const measuredMarker = "measured:"

// pageOrigin is the origin the software passkeys sign for; every instance
// accepts it (AXUM_WEBAUTHN_ORIGIN).
const pageOrigin = "http://localhost"

// hangBound is the client timeout. The service bounds each request
// (httpapi.RequestDeadline), so an answer that has not come well after that
// never will: the timeout detects a hang, it times nothing.
const hangBound = httpapi.RequestDeadline + 5*time.Second

// unavailableBody is the one answer to a backend outage (contract §2).
const unavailableBody = `{"error":"service temporarily unavailable"}`

// node is an address the tests talk to, an instance or the balancer, with
// a connection pool of its own. It satisfies authtest.Server.
type node struct {
	name   string
	base   string
	client *http.Client
}

// newNode reaches base; source, when not "", is the loopback address the
// connections come from, so that a test can play several client IPs.
func newNode(t testing.TB, name, base, source string) *node {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if source != "" {
		dialer.LocalAddr = &net.TCPAddr{IP: net.ParseIP(source)}
	}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &node{name: name, base: base, client: &http.Client{Timeout: hangBound, Transport: tr}}
}

func (n *node) Endpoint() string         { return n.base }
func (n *node) HTTPClient() *http.Client { return n.client }
func (n *node) PageOrigin() string       { return pageOrigin }

// answer is the outcome of one request: a response, or the error that
// replaced it (a timeout means a hang), with when it started and ended.
type answer struct {
	status       int
	header       http.Header
	body         []byte
	err          error
	start, ended time.Time
}

// do sends one request from any goroutine; a body is JSON. Headers are
// name, value pairs. It never fails the test itself.
func (n *node) do(method, path string, body []byte, headers ...string) answer {
	a := answer{start: time.Now()}
	defer func() { a.ended = time.Now() }()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, n.base+path, r)
	if err != nil {
		a.err = err
		return a
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := n.client.Do(req)
	if err != nil {
		a.err = err
		a.ended = time.Now()
		return a
	}
	defer func() { _ = resp.Body.Close() }()
	a.status, a.header = resp.StatusCode, resp.Header
	a.body, a.err = io.ReadAll(resp.Body)
	a.ended = time.Now()
	return a
}

// must sends a request and fails the test unless it answers want.
func (n *node) must(t testing.TB, want int, method, path string, body []byte, headers ...string) answer {
	t.Helper()
	a := n.do(method, path, body, headers...)
	if a.err != nil || a.status != want {
		t.Fatalf("%s %s %s: %s; want %d", n.name, method, path, a, want)
	}
	return a
}

// isUnavailable reports whether the answer is the contract's 503.
func (a answer) isUnavailable() bool {
	return a.err == nil && a.status == http.StatusServiceUnavailable &&
		strings.TrimSpace(string(a.body)) == unavailableBody &&
		a.header.Get("Content-Type") == "application/json; charset=utf-8"
}

func (a answer) String() string {
	if a.err != nil {
		return "no answer: " + a.err.Error()
	}
	body := strings.TrimSpace(string(a.body))
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return strconv.Itoa(a.status) + " " + body
}

// bearer is the Authorization header pair of a session token.
func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain values
	}
	return b
}

// decode unmarshals an answer's body, failing the test when it is not JSON.
func decode(t testing.TB, a answer, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, a)
	}
}

package faulttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/httpapi"
)

// hangBound is the client timeout. Every request is bounded by the
// service's own deadline (httpapi.RequestDeadline), so an answer that has not
// arrived well after it never will: the timeout detects a hang, it does not
// time anything.
const hangBound = httpapi.RequestDeadline + 5*time.Second

// unavailableBody is the one answer to a backend outage (contract §2).
const unavailableBody = `{"error":"service temporarily unavailable"}`

// client sends requests from any goroutine; it never fails the test itself,
// it returns what happened.
type client struct {
	base      string
	http      *http.Client
	transport *http.Transport
}

// newClient returns a client of srv with its own connection pool, closed
// when the test ends so that no keep-alive connection outlives it.
func newClient(t testing.TB, srv *apitest.Server) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: 32}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{base: srv.URL, http: &http.Client{Timeout: hangBound, Transport: tr}, transport: tr}
}

// answer is the outcome of one request: a response, or the error that
// replaced it (a timeout means the service hung).
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// do sends one request; a body is sent as JSON unless the headers (name,
// value pairs; an empty value removes the header) say otherwise.
func (c *client) do(method, path string, body []byte, headers ...string) answer {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return answer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i]) // e.g. no Content-Type at all
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: data, err: err}
}

// jsonError returns the message of a JSON error body, or "" when the answer
// is not one (wrong content type, not JSON, no message).
func (a answer) jsonError() string {
	if a.header.Get("Content-Type") != "application/json; charset=utf-8" {
		return ""
	}
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(a.body, &body) != nil {
		return ""
	}
	return body.Error
}

// isUnavailable reports whether the answer is the contract's 503.
func (a answer) isUnavailable() bool {
	return a.err == nil && a.status == http.StatusServiceUnavailable &&
		string(bytes.TrimSpace(a.body)) == unavailableBody && a.jsonError() != ""
}

// text is the body for a failure message: trimmed, and shortened when huge.
func (a answer) text() string { return shorten(string(bytes.TrimSpace(a.body))) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain values
	}
	return b
}

package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

// linesOf returns the messages of the log lines that carry request id id.
func linesOf(t *testing.T, log, id string) []string {
	t.Helper()
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec.RequestID == id {
			msgs = append(msgs, rec.Msg)
		}
	}
	return msgs
}

func TestSpanEvents(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string][]string{
		config.SpanClose:     {"request finished"},
		config.SpanEnterExit: {"request started", "request finished"},
		config.SpanFull:      {"request started", "movie cache miss", "request rejected", "request finished"},
	} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			// At info: span events do not depend on the log level.
			srv := apitest.Start(t, func(c *config.Config) { c.SpanEvents = mode; c.LogLevel = "info" })
			id := "span-" + mode
			srv.Do(t, "GET", "/movies/get/"+inceptionID, nil, "X-Request-Id", id)
			if got := linesOf(t, srv.Log.String(), id); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("lines of the request: %q, want %q", got, want)
			}
		})
	}
}

// Request bodies, titles and bearer tokens never reach the log, whatever
// the level.
func TestLogsHoldNoBodiesOrTokens(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, func(c *config.Config) { c.SpanEvents = config.SpanFull; c.LogLevel = "trace" })
	const secretTitle = "Do Not Log This Title"
	const token = "dGhpcy1pcy1hLWJlYXJlci10b2tlbi10aGF0LW11c3Qtbm90"
	srv.Do(t, "POST", "/movies/add", movieJSON(secretTitle, 2000, 1))
	srv.Do(t, "POST", "/movies/add", `{"title":`+`"broken`)
	srv.Do(t, "GET", "/webauthn/credentials", nil, "Authorization", "Bearer "+token)
	log := srv.Log.String()
	for _, secret := range []string{secretTitle, "broken", token} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"movieapi/internal/domain"
)

// TestErrorPolicy is the table of contract §2: every kind to its status and
// message; an error without a kind is a bug and says nothing about itself.
func TestErrorPolicy(t *testing.T) {
	for _, tc := range []struct {
		err     error
		status  int
		message string
	}{
		{domain.Invalid("year must be between 1880 and 2031"), 400, "year must be between 1880 and 2031"},
		{domain.Unauthorized("invalid or expired session"), 401, "invalid or expired session"},
		{domain.Forbidden("reauthentication required"), 403, "reauthentication required"},
		{domain.NotFound("movie not found"), 404, "movie not found"},
		{fmt.Errorf("insert: %w", domain.Conflict("movie already exists")), 409, "movie already exists"},
		{&domain.RateLimitedError{RetryAfter: time.Second}, 429, "too many requests"},
		{domain.Unavailable(errors.New("dial tcp: connection refused")), 503, "service temporarily unavailable"},
		{fmt.Errorf("query: %w", context.DeadlineExceeded), 503, "service temporarily unavailable"},
		{domain.ErrNotFound, 404, "not found"},
		{errors.New(`relation "movis" does not exist`), 500, "internal server error"},
		{errUnsupportedMedia, 415, "content type must be application/json"},
		{errMethodNotAllowed, 405, "method not allowed"},
	} {
		status, body := httpStatus(tc.err)
		if status != tc.status || body.Error != tc.message {
			t.Errorf("%v: %d %q, want %d %q", tc.err, status, body.Error, tc.status, tc.message)
		}
	}
}

// TestFailLogsBugsAndOutagesAndSetsRetryAfter: 5xx answers are logged with
// their cause (the answer never carries it); a 429 says when to come back.
func TestFailLogsBugsAndOutagesAndSetsRetryAfter(t *testing.T) {
	var logs bytes.Buffer
	s := &AppState{Log: slog.New(slog.NewTextHandler(&logs, nil))}
	rec := httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest(http.MethodGet, "/", nil), errors.New("secret cause"))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(logs.String(), "secret cause") {
		t.Fatalf("bug: %d %s; log %s", rec.Code, rec.Body, logs.String())
	}
	rec = httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest(http.MethodGet, "/", nil), &domain.RateLimitedError{RetryAfter: 1500 * time.Millisecond})
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("rate limited: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

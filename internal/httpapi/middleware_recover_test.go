package httpapi

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecoverAnswersBare500AndLogsTheStack(t *testing.T) {
	var logs bytes.Buffer
	s := &AppState{Log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || strings.TrimSpace(rec.Body.String()) != `{"error":"internal server error"}` {
		t.Fatalf("answer: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "panic while serving request") || !strings.Contains(logs.String(), "secret internal detail") {
		t.Fatalf("the log lacks the panic and its value:\n%s", logs.String())
	}
}

// http.ErrAbortHandler is how a handler aborts a response on purpose; it is
// passed on to net/http, not answered.
func TestRecoverPassesAbortHandlerOn(t *testing.T) {
	s := &AppState{Log: slog.New(slog.DiscardHandler)}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if v := recover(); v == nil || !errors.Is(v.(error), http.ErrAbortHandler) {
			t.Fatalf("recovered %v, want http.ErrAbortHandler passed on", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

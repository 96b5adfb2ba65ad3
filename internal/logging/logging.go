// Package logging builds the service's slog logger and carries the request
// id in the context, so every line logged while serving a request names it.
// It is a leaf: it imports only the standard library. The HTTP layer (which
// puts the request id in the context) and app (which builds the logger)
// import it; services get their *slog.Logger injected and read nothing
// from here.
package logging

import (
	"context"
	"io"
	"log/slog"
	"strings"
)

// LevelTrace is below debug, for AXUM_LOG_LEVEL=trace.
const LevelTrace = slog.Level(-8)

type requestIDKey struct{}

// requestIDContext carries the id without boxing the string into an
// interface, which context.WithValue would do: one allocation per request
// instead of two, on every request.
type requestIDContext struct {
	context.Context
	id string
}

func (c *requestIDContext) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return &requestIDContext{Context: ctx, id: id}
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	if c, ok := ctx.Value(requestIDKey{}).(*requestIDContext); ok {
		return c.id
	}
	return ""
}

// New returns a logger writing text or JSON at the given level name
// (trace, debug, info, warn, error), adding request_id from the context.
func New(w io.Writer, level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: ParseLevel(level)}
	if opts.Level == LevelTrace {
		// Only then can a TRACE line appear; the hook costs an allocation per
		// line, so it is not installed otherwise.
		opts.ReplaceAttr = levelNames
	}
	var h slog.Handler
	if strings.EqualFold(format, "json") {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(contextHandler{h})
}

// ParseLevel maps a level name to its slog level; unknown names are debug
// (config validates names before they get here).
func ParseLevel(name string) slog.Level {
	switch strings.ToLower(name) {
	case "trace":
		return LevelTrace
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelDebug
}

// levelNames prints LevelTrace as TRACE rather than DEBUG-4.
func levelNames(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.LevelKey {
		if lvl, ok := a.Value.Any().(slog.Level); ok && lvl == LevelTrace {
			a.Value = slog.StringValue("TRACE")
		}
	}
	return a
}

// contextHandler adds the request id of the record's context.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

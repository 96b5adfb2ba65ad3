package app

import (
	"context"
	"log/slog"
	"net/http"

	"movieapi/internal/config"
)

// Instance is a wired service: its HTTP handler and what must be closed
// when it stops. serve runs one; tests build several over the same backends.
type Instance struct {
	Handler http.Handler
	close   func()
}

// Close releases the backend connections.
func (i *Instance) Close() { i.close() }

// Build connects the backends (migrating when configured) and wires the
// service. The caller owns the returned Instance.
func Build(ctx context.Context, cfg config.Config, log *slog.Logger) (*Instance, error) {
	deps, err := connect(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	handler, stop, err := wire(ctx, cfg, deps, log)
	if err != nil {
		deps.close()
		return nil, err
	}
	// Background work first: the event writer still needs PostgreSQL.
	return &Instance{Handler: handler, close: func() { stop(); deps.close() }}, nil
}

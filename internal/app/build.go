package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"movieapi/internal/config"
	"movieapi/internal/passkeys"
)

// Instance is a wired service: its HTTP handler and what must be closed
// when it stops. serve runs one; tests build several over the same backends.
type Instance struct {
	Handler  http.Handler
	close    func()
	draining *atomic.Bool
}

// Close releases the backend connections.
func (i *Instance) Close() { i.close() }

// Drain makes the readiness check answer 503 from now on; everything else
// is served as before.
func (i *Instance) Drain() { i.draining.Store(true) }

// Build connects the backends (migrating when configured) and wires the
// service. The caller owns the returned Instance.
func Build(ctx context.Context, cfg config.Config, log *slog.Logger) (*Instance, error) {
	if err := checkRelatedOrigins(cfg.WebAuthn); err != nil {
		return nil, err
	}
	deps, err := connect(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	draining := &atomic.Bool{}
	handler, stop, err := wire(ctx, cfg, deps, draining.Load, log)
	if err != nil {
		deps.close()
		return nil, err
	}
	// Background work stops first: the event writer still needs PostgreSQL.
	return &Instance{Handler: closeWhileDraining(handler, draining), close: func() { stop(); deps.close() }, draining: draining}, nil
}

// closeWhileDraining asks for each connection to be closed after its answer
// once the instance drains, so that no keep-alive connection is left for a
// balancer to reuse when the listener closes.
func closeWhileDraining(next http.Handler, draining *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// checkRelatedOrigins applies the rule on related origins that config, which
// leaves go-webauthn to the passkeys package, cannot: the number of sites
// browsers read, counted by go-webauthn. It runs before connecting, so a bad
// value stops startup at once, named like every configuration error.
func checkRelatedOrigins(cfg config.WebAuthn) error {
	if _, err := passkeys.ParseRelatedOrigins(cfg.RPID, cfg.RelatedOrigins); err != nil {
		return fmt.Errorf("invalid configuration: AXUM_WEBAUTHN_RELATED_ORIGINS: %w", err)
	}
	return nil
}

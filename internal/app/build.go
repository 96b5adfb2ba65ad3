package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"movieapi/internal/config"
	"movieapi/internal/passkeys"
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
	if err := checkRelatedOrigins(cfg.WebAuthn); err != nil {
		return nil, err
	}
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

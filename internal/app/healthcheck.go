package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"movieapi/internal/config"
)

// healthcheck asks a running instance for /health (or ?mode=full with
// --full) and fails unless it answers 200: the container HEALTHCHECK.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	path := "/health"
	for _, a := range args {
		if a != "--full" {
			return fmt.Errorf("healthcheck: unknown argument %q", a)
		}
		path = "/health?mode=full"
	}
	addr := getenv("API_BIND_ADDR")
	if addr == "" {
		addr = config.DefaultBindAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: API_BIND_ADDR must be host:port: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // listening on every interface: ask over loopback
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	_, _ = fmt.Fprintf(stdout, "%d %s", resp.StatusCode, body)
	if resp.StatusCode != http.StatusOK {
		return errors.New("healthcheck: unhealthy")
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"movieapi/internal/config"
	"movieapi/internal/logging"
	"movieapi/internal/redis"
)

// Server limits. Headers must arrive quickly (slow clients cannot hold a
// connection open), a whole request and its answer are bounded, and idle
// keep-alive connections are recycled.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 20 * time.Second
)

// ReadHeaderTimeout is how long a client may take to send its request
// headers before the server closes the connection; exported so that tests
// of slow clients follow the server's setting instead of repeating it.
const ReadHeaderTimeout = readHeaderTimeout

// NewHTTPServer returns the server with every limit of the service set.
// Tests serve through it too, so they exercise the same timeouts.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// drain keeps serving for delay after the stop signal while the readiness
// check answers 503, so that a load balancer polling it takes the instance
// out of rotation before the listener closes; balancers that retry refused
// connections need no delay (the default, 0). Meanwhile each answer closes
// its connection (see Build), and idle keep-alive connections are left
// alone: closing one now could cross a request the balancer is sending on
// it. Once the balancer has stopped sending, Shutdown closes them safely.
func drain(inst *Instance, delay time.Duration, log *slog.Logger) {
	if delay <= 0 {
		return
	}
	inst.Drain()
	log.Info("draining: readiness answers 503, still serving", "for", delay)
	time.Sleep(delay)
}

// serve runs the service until ctx is cancelled (SIGINT/SIGTERM), then stops
// accepting, lets in-flight requests finish (bounded) and closes the pools.
func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := logging.New(stdout, cfg.LogLevel, cfg.LogFormat)
	redis.RouteLibraryLogs(log)
	started := time.Now()

	inst, err := Build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer inst.Close()
	admin, err := startAdmin(ctx, cfg.AdminBindAddr, log)
	if err != nil {
		return err
	}
	defer admin.stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.BindAddr)
	if err != nil {
		return fmt.Errorf("listening on %s (API_BIND_ADDR): %w", cfg.BindAddr, err)
	}
	srv := NewHTTPServer(inst.Handler, log)
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	log.Info("movieapi listening", "version", version, "addr", ln.Addr().String(),
		"metrics", cfg.MetricsType, "startup", time.Since(started).Round(time.Millisecond))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	drain(inst, cfg.DrainDelay, log)
	log.Info("shutting down: finishing in-flight requests", "timeout", shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("in-flight requests did not finish in time", "err", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	log.Info("stopped")
	return nil
}

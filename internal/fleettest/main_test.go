package fleettest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"movieapi/internal/app"
	"movieapi/internal/redis"
)

// serveEnv makes the test binary run the service instead of the tests: the
// fleet's instances are separate processes (so they can be stopped with
// SIGTERM and SIGKILL) running the very code under test, race detector
// included, without building another binary.
const serveEnv = "FLEETTEST_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		os.Exit(serve())
	}
	// go-redis logs every failed dial through one process-wide logger;
	// failed dials are the faults these tests inject, and each instance
	// reports its own in its log.
	redis.RouteLibraryLogs(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// serve is cmd/movieapi's main: signals cancel the context, an error is
// the exit status.
func serve() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, []string{"serve"}, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "movieapi:", err)
		return 1
	}
	return 0
}

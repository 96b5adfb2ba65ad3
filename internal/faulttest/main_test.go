package faulttest

import (
	"log/slog"
	"os"
	"testing"

	"movieapi/internal/redis"
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial to stderr through one logger per
	// process. Failed dials are the very fault these tests inject, and each
	// instance reports its Redis failures in its own log, so the library's
	// copies (thousands of lines) are dropped. Set here, before any test
	// starts a client, since the logger is a process-wide variable.
	silenceRedisLibrary()
	os.Exit(m.Run())
}

func silenceRedisLibrary() { redis.RouteLibraryLogs(slog.New(slog.DiscardHandler)) }

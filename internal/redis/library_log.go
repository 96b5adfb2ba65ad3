package redis

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"
)

// RouteLibraryLogs sends go-redis's own messages (dial failures, pool
// events) to the service's structured log instead of bare stderr, at debug:
// they repeat once per failing command and carry no request id, while the
// service logs an outage once, with the request that met it. go-redis keeps
// one logger per process, so this is called once, by the process's entry
// point, never by code that builds several instances.
func RouteLibraryLogs(log *slog.Logger) {
	goredis.SetLogger(libraryLogger{log})
}

type libraryLogger struct{ log *slog.Logger }

func (l libraryLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

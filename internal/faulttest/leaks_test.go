package faulttest

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"movieapi/internal/apitest"
)

// goroutineSlack allows for the few goroutines the runtime and libraries
// start once per process and keep; it is far below what one leaked
// connection or request per worker would leave behind.
const goroutineSlack = 3

// leakCheck remembers how many goroutines ran before an instance started.
// Tests using it must not run in parallel with others: the count is per
// process.
type leakCheck struct{ goroutines int }

func beginLeakCheck() leakCheck { return leakCheck{goroutines: runtime.NumGoroutine()} }

// goroutinesBack waits until the goroutines started since the baseline have
// ended (the instance, its pools and the test's clients must be closed by
// now), and shows where the rest are when they do not.
func (b leakCheck) goroutinesBack(t *testing.T) {
	t.Helper()
	ok := false
	defer func() {
		if !ok {
			buf := make([]byte, 1<<20)
			t.Logf("baseline %d, now %d goroutines:\n%s",
				b.goroutines, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
	}()
	apitest.WaitFor(t, "the goroutine count to return to its baseline", func() bool {
		return runtime.NumGoroutine() <= b.goroutines+goroutineSlack
	})
	ok = true
}

// postgresSessionsGone waits until no client session is left on the
// database of databaseURL (besides the checker's own).
func postgresSessionsGone(t *testing.T, databaseURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatalf("connect to count sessions: %v", err)
	}
	defer conn.Close(context.Background())
	apitest.WaitFor(t, "no PostgreSQL sessions left on the test database", func() bool {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`).Scan(&n)
		if err != nil {
			t.Fatalf("count sessions: %v", err)
		}
		return n == 0
	})
}

// redisClientsGone waits until the only client of a throwaway Redis is the
// checker itself.
func redisClientsGone(t *testing.T, redisURL string) {
	t.Helper()
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	opts.PoolSize = 1 // one connection: the one CLIENT LIST shows for the checker
	checker := redis.NewClient(opts)
	defer checker.Close()
	var list string
	apitest.WaitFor(t, "no Redis clients left but the checker", func() bool {
		list, err = checker.ClientList(t.Context()).Result()
		if err != nil {
			t.Fatalf("CLIENT LIST: %v", err)
		}
		return len(strings.Split(strings.TrimSpace(list), "\n")) == 1
	})
}

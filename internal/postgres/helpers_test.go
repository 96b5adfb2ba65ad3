package postgres_test

import (
	"crypto/rand"
	"errors"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/postgres"
	"movieapi/internal/testenv"
)

// newStore connects to a fresh, migrated database of the test's own.
func newStore(t *testing.T) *postgres.Store {
	t.Helper()
	testenv.RequireIntegration(t)
	store, err := postgres.Connect(t.Context(), postgres.Options{
		URL:            testenv.Postgres(t),
		MaxConns:       25, // enough for the concurrency tests to really race
		AcquireTimeout: time.Minute,
	})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(store.Close)
	return store
}

// closedPortURL names a local port nothing listens on.
func closedPortURL(t *testing.T, password string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return "postgres://postgres:" + password + "@127.0.0.1:" + strconv.Itoa(port) + "/nothing?sslmode=disable"
}

// concurrently runs fn n times at once (released together) and returns the
// errors in no particular order.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// wantKind fails unless err wraps kind.
func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v: want kind %v", err, kind)
	}
}

// wantPublic fails unless err wraps kind with exactly the client message.
func wantPublic(t *testing.T, err, kind error, message string) {
	t.Helper()
	wantKind(t, err, kind)
	var public *domain.PublicError
	if !errors.As(err, &public) || public.Message != message {
		t.Fatalf("error %v: want client message %q", err, message)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// requireOneWinner checks that exactly one of concurrent attempts succeeded
// and that every other one lost with ErrConflict, not with another error.
func requireOneWinner(t *testing.T, errs []error, what string) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, domain.ErrConflict):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d %s succeeded, want exactly 1", wins, what)
	}
}

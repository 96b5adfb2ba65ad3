package testenv

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Advisory lock keys (any two fixed numbers; pg_advisory_lock is server-wide).
// Test binaries run in parallel, so building the template and cloning it
// must each happen one at a time.
const (
	templateLockKey int64 = 0x6d6f7669_65617069 // "movieapi"
	cloneLockKey    int64 = 0x6d6f7669_65636c6e // "moviecln"
)

// setupTimeout bounds the work of one helper call (connect, build, clone);
// dropTimeout bounds the cleanup. They only stop a hang, they time nothing.
const (
	setupTimeout = 2 * time.Minute
	dropTimeout  = 30 * time.Second
)

// Postgres returns the URL of a fresh database, private to the test, with the
// whole schema in place. It is a clone of a template database migrated once
// per server and migration set, so it costs one CREATE DATABASE. The
// database is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	server := postgresServer(t)
	admin := connectAdmin(t, ctx, server)
	defer admin.Close(ctx)
	template := ensureTemplate(t, ctx, admin, server)
	name := "movieapi_test_" + randomHex(8)
	// Clones are serialised as well: cheap (a small database), and it keeps
	// concurrent CREATE DATABASE statements from contending on the server.
	err := withAdvisoryLock(ctx, admin, cloneLockKey, func() error {
		_, err := admin.Exec(ctx, "CREATE DATABASE "+quote(name)+" TEMPLATE "+quote(template))
		return err
	})
	if err != nil {
		t.Fatalf("testenv: clone database from %s: %v", template, err)
	}
	dropOnCleanup(t, server, name)
	return withDatabase(t, server, name)
}

// EmptyPostgres returns the URL of a fresh database without any schema, for
// tests of the migrations themselves. It is dropped when the test ends.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	server := postgresServer(t)
	admin := connectAdmin(t, ctx, server)
	defer admin.Close(ctx)
	name := "movieapi_empty_" + randomHex(8)
	// template0 cannot be connected to, so nobody can block this clone.
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+quote(name)+" TEMPLATE template0"); err != nil {
		t.Fatalf("testenv: create empty database: %v", err)
	}
	dropOnCleanup(t, server, name)
	return withDatabase(t, server, name)
}

// postgresServer is the URL of a server the tests may create databases on.
func postgresServer(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return postgresContainer(t)
}

func connectAdmin(t testing.TB, ctx context.Context, server string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		// pgx's error names host, user and database, never the password.
		t.Fatalf("testenv: cannot reach the PostgreSQL test server (TEST_DATABASE_URL): %v", err)
	}
	return conn
}

func dropOnCleanup(t testing.TB, server, name string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		// FORCE ends connections a test left open (pools not yet closed).
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quote(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
}

// withAdvisoryLock runs fn holding a server-wide advisory lock on conn. The
// lock is a session lock: should the unlock fail, closing conn releases it.
func withAdvisoryLock(ctx context.Context, conn *pgx.Conn, key int64, fn func() error) error {
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("take advisory lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) //nolint:errcheck // see above
	return fn()
}

func quote(identifier string) string { return pgx.Identifier{identifier}.Sanitize() }

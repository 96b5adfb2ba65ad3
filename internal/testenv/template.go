package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/postgres"
	"movieapi/migrations"
)

// templateName names the template after a hash of the migration files, so a
// changed or added migration gets a new template instead of a stale one.
func templateName(t testing.TB, files fs.FS) string {
	t.Helper()
	sum := sha256.New()
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		// Length-prefixed, so moving text between files changes the hash.
		fmt.Fprintf(sum, "%s\x00%d\x00", path, len(body))
		sum.Write(body)
		return nil
	})
	if err != nil {
		t.Fatalf("testenv: read migrations: %v", err)
	}
	return "movieapi_tpl_" + hex.EncodeToString(sum.Sum(nil))[:16]
}

// ensureTemplate returns the name of the migrated template database, building
// it first if this server does not have it yet. Building happens under an
// advisory lock (test binaries run in parallel) and under a temporary name
// that is renamed only once migrated, so a run killed half-way never leaves
// a broken template behind.
func ensureTemplate(t testing.TB, ctx context.Context, admin *pgx.Conn, server string) string {
	t.Helper()
	name := templateName(t, migrations.FS)
	if databaseExists(t, ctx, admin, name) {
		return name
	}
	err := withAdvisoryLock(ctx, admin, templateLockKey, func() error {
		if databaseExists(t, ctx, admin, name) {
			return nil // another test binary built it while we waited
		}
		building := name + "_building"
		steps := []string{
			"DROP DATABASE IF EXISTS " + quote(building) + " WITH (FORCE)",
			"CREATE DATABASE " + quote(building) + " TEMPLATE template0",
		}
		for _, sql := range steps {
			if _, err := admin.Exec(ctx, sql); err != nil {
				return fmt.Errorf("build template: %w", err)
			}
		}
		// The real migration code, as the service runs it.
		if err := postgres.MigrateUp(ctx, withDatabase(t, server, building)); err != nil {
			return fmt.Errorf("migrate template: %w", err)
		}
		// No connections allowed: nothing can then block a clone with
		// "source database is being accessed by other users".
		steps = []string{
			"ALTER DATABASE " + quote(building) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
			"ALTER DATABASE " + quote(building) + " RENAME TO " + quote(name),
		}
		for _, sql := range steps {
			if _, err := admin.Exec(ctx, sql); err != nil {
				return fmt.Errorf("seal template: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testenv: template database %s: %v", name, err)
	}
	return name
}

func databaseExists(t testing.TB, ctx context.Context, conn *pgx.Conn, name string) bool {
	t.Helper()
	var exists bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatalf("testenv: look up database %s: %v", name, err)
	}
	return exists
}

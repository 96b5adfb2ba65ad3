package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"movieapi/migrations"
)

// The migration functions below are safe to run from many instances at once
// on one database: golang-migrate's PostgreSQL driver holds a session-level
// advisory lock while it reads and changes the schema version, so the first
// instance applies the migrations and the others then find nothing to do.
//
// golang-migrate has no context support. ctx is honoured by waiting at most
// until its deadline for the migration lock (without a deadline,
// golang-migrate's default of 15 s applies) and by asking golang-migrate to
// stop between two migrations once ctx ends; a migration, once started, runs
// to its end (each file runs as one implicit transaction).

// MigrateUp applies every pending migration. Nothing pending is success.
func MigrateUp(ctx context.Context, databaseURL string) error {
	return withMigrate(ctx, databaseURL, "up", func(m *migrate.Migrate) error {
		return m.Up()
	})
}

// MigrateDown reverts one migration, the most recently applied. One step,
// not all of them, because reverting drops tables and their data: an
// operator undoing a bad release wants the last change gone, not the
// database emptied. Repeat it to go further back. With nothing applied it
// does nothing and succeeds.
func MigrateDown(ctx context.Context, databaseURL string) error {
	return withMigrate(ctx, databaseURL, "down", func(m *migrate.Migrate) error {
		if _, _, err := m.Version(); errors.Is(err, migrate.ErrNilVersion) {
			return nil
		}
		return m.Steps(-1)
	})
}

// MigrationVersion reports the schema version and whether a migration failed
// half-way (dirty: fix the schema by hand, then force the version with the
// golang-migrate CLI). Version 0 means no migration has been applied.
func MigrationVersion(ctx context.Context, databaseURL string) (version uint, dirty bool, err error) {
	err = withMigrate(ctx, databaseURL, "version", func(m *migrate.Migrate) error {
		var verr error
		version, dirty, verr = m.Version()
		if errors.Is(verr, migrate.ErrNilVersion) {
			version, dirty, verr = 0, false, nil
		}
		return verr
	})
	return version, dirty, err
}

// withMigrate opens golang-migrate over the embedded files, runs fn and
// closes everything again.
func withMigrate(ctx context.Context, databaseURL, op string, fn func(*migrate.Migrate) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("migrate %s: %w", op, err)
	}
	dbURL, err := migrateURL(databaseURL)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", op, err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("migrate %s: read embedded migrations: %w", op, err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, dbURL)
	if err != nil {
		return fmt.Errorf("migrate %s: open database: %w", op, err)
	}
	defer m.Close()
	if deadline, ok := ctx.Deadline(); ok {
		m.LockTimeout = max(time.Until(deadline), time.Millisecond)
	}
	stop := context.AfterFunc(ctx, func() { m.GracefulStop <- true })
	defer stop()

	err = fn(m)
	if errors.Is(err, migrate.ErrNoChange) {
		err = nil
	}
	if err == nil {
		err = ctx.Err() // a graceful stop returns nil with migrations left undone
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", op, err)
	}
	return nil
}

// migrateURL turns a postgres:// URL into the pgx5:// form that selects
// golang-migrate's pgx v5 driver.
func migrateURL(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// Not echoing the value: it may hold a password.
		return "", errors.New("database URL must be a postgres:// or postgresql:// URL")
	}
	u.Scheme = "pgx5"
	return u.String(), nil
}

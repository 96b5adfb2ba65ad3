package provision

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// EnsureDatabase creates the database raw names when it does not exist yet,
// connected to the administrative database postgres of the same server.
func EnsureDatabase(ctx context.Context, raw string, logf func(string, ...any)) error {
	name, err := databaseName(raw)
	if err != nil || name == "" {
		return err
	}
	admin, err := WithDatabase(raw, "postgres")
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		return fmt.Errorf("cannot read the URL %s: %w", Redacted(admin), err)
	}
	cfg.ConnectTimeout = probeTimeout
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("cannot connect to PostgreSQL at %s: %w", Redacted(admin), err)
	}
	defer func() { _ = conn.Close(ctx) }()
	exists := func() (bool, error) {
		var found bool
		err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&found)
		return found, err
	}
	found, err := exists()
	if err != nil {
		return fmt.Errorf("cannot query PostgreSQL at %s: %w", Redacted(admin), err)
	}
	if found {
		return nil
	}
	logf("creating database '%s'", name)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		// Someone else may have created it in between.
		if found, _ := exists(); !found {
			return fmt.Errorf("could not create database '%s': %w", name, err)
		}
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"movieapi/internal/postgres"
)

// migrate runs `movieapi migrate up|down|version`. It needs only
// AXUM_DB_MIGRATE_URL or DATABASE_URL, so it works before the rest of the
// configuration exists. AXUM_DB_MIGRATE_URL wins: when DATABASE_URL goes
// through a transaction pooler, it is the direct connection migrations need.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	url := strings.TrimSpace(getenv("AXUM_DB_MIGRATE_URL"))
	if url == "" {
		url = strings.TrimSpace(getenv("DATABASE_URL"))
	}
	if url == "" {
		return errors.New("DATABASE_URL (or AXUM_DB_MIGRATE_URL) is required")
	}
	if len(args) != 1 {
		return errors.New("usage: movieapi migrate up|down|version")
	}
	switch args[0] {
	case "up":
		if err := postgres.MigrateUp(ctx, url); err != nil {
			return err
		}
	case "down":
		if err := postgres.MigrateDown(ctx, url); err != nil {
			return err
		}
	case "version":
	default:
		return fmt.Errorf("migrate: unknown direction %q (up, down or version)", args[0])
	}
	v, dirty, err := postgres.MigrationVersion(ctx, url)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "schema version %d (dirty: %t)\n", v, dirty)
	return err
}

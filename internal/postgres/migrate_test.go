package postgres_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"

	"movieapi/internal/postgres"
	"movieapi/internal/testenv"
	"movieapi/migrations"
)

// latestVersion is the number of the newest file in migrations/, read the
// way golang-migrate reads it.
var latestVersion = func() uint {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		panic(err)
	}
	defer src.Close()
	v, err := src.First()
	for err == nil {
		var next uint
		if next, err = src.Next(v); err == nil {
			v = next
		}
	}
	return v
}()

func wantVersion(t *testing.T, url string, want uint) {
	t.Helper()
	v, dirty, err := postgres.MigrationVersion(t.Context(), url)
	if err != nil || v != want || dirty {
		t.Fatalf("version = %d (dirty %v, %v), want %d", v, dirty, err, want)
	}
}

// TestConcurrentMigrationsOnEmptyDatabase: instances starting together on a
// fresh database all migrate; golang-migrate's advisory lock lets one apply
// the files while the others wait and then find nothing to do.
func TestConcurrentMigrationsOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	url := testenv.EmptyPostgres(t)
	errs := concurrently(2, func(int) error { return postgres.MigrateUp(t.Context(), url) })
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent migrations: %v", err)
	}
	wantVersion(t, url, latestVersion)
}

// TestMigrateDownThenUp steps down one migration at a time, checking the down
// files remove exactly what the up files created, then migrates up again.
func TestMigrateDownThenUp(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	url := testenv.EmptyPostgres(t)
	ctx := t.Context()
	wantVersion(t, url, 0)
	if err := postgres.MigrateUp(ctx, url); err != nil {
		t.Fatal(err)
	}
	wantVersion(t, url, latestVersion)
	if err := postgres.MigrateUp(ctx, url); err != nil {
		t.Fatalf("up with nothing pending: %v", err)
	}

	for v := latestVersion - 1; v >= 1; v-- {
		if err := postgres.MigrateDown(ctx, url); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, url, v)
	}
	if got := schemaObjects(t, url); !equalSets(got, []string{"movies", "movies_pkey", "movie_version_seq"}) {
		t.Fatalf("at version 1 the schema holds %v", got)
	}

	if err := postgres.MigrateDown(ctx, url); err != nil {
		t.Fatal(err)
	}
	wantVersion(t, url, 0)
	if got := schemaObjects(t, url); len(got) != 0 {
		t.Fatalf("after migrating all the way down the schema still holds %v", got)
	}
	if err := postgres.MigrateDown(ctx, url); err != nil {
		t.Fatalf("down with nothing applied: %v", err)
	}

	if err := postgres.MigrateUp(ctx, url); err != nil {
		t.Fatal(err)
	}
	wantVersion(t, url, latestVersion)
}

func TestMigrateRejectsNonURL(t *testing.T) {
	t.Parallel()
	err := postgres.MigrateUp(t.Context(), "host=localhost password=hunter2")
	if err == nil {
		t.Fatal("a keyword/value DSN was accepted")
	}
	if got := err.Error(); strings.Contains(got, "hunter2") {
		t.Fatalf("the error echoes the password: %s", got)
	}
}

// schemaObjects lists the relations (tables, indexes, sequences) in the
// public schema, leaving out golang-migrate's own bookkeeping table.
func schemaObjects(t *testing.T, url string) []string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), `
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relname NOT IN ('schema_migrations', 'schema_migrations_pkey')`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func equalSets(got, want []string) bool {
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	return slices.Equal(got, want)
}

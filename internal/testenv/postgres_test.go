package testenv

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
)

func TestPostgresDatabasesAreMigratedAndIsolated(t *testing.T) {
	t.Parallel()
	RequireIntegration(t)
	first, second := Postgres(t), Postgres(t)
	if first == second {
		t.Fatal("two calls returned the same database")
	}
	a, b := connect(t, first), connect(t, second)
	if _, err := a.Exec(t.Context(), `INSERT INTO app_secrets (name, value) VALUES ('k', 'v')`); err != nil {
		t.Fatalf("the clone lacks the migrated schema: %v", err)
	}
	var n int
	if err := b.QueryRow(t.Context(), `SELECT count(*) FROM app_secrets`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a write in one test database shows in another: %d rows, %v", n, err)
	}
}

func TestPostgresDropsTheDatabaseAfterTheTest(t *testing.T) {
	t.Parallel()
	RequireIntegration(t)
	var name string
	t.Run("user", func(t *testing.T) {
		name = databaseName(t, Postgres(t))
	})
	t.Run("empty", func(t *testing.T) {
		url := EmptyPostgres(t)
		var tables int
		err := connect(t, url).QueryRow(t.Context(),
			`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables)
		if err != nil || tables != 0 {
			t.Fatalf("empty database has %d tables (%v)", tables, err)
		}
	})
	if name == "" {
		t.Fatal("the subtest did not get a database")
	}
	admin := connect(t, postgresServer(t))
	if databaseExists(t, t.Context(), admin, name) {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

func TestTemplateNameFollowsMigrationContents(t *testing.T) {
	t.Parallel()
	base := fstest.MapFS{"0001_a.up.sql": {Data: []byte("CREATE TABLE a ();")}}
	changed := fstest.MapFS{"0001_a.up.sql": {Data: []byte("CREATE TABLE b ();")}}
	added := fstest.MapFS{
		"0001_a.up.sql":   {Data: []byte("CREATE TABLE a ();")},
		"0001_a.down.sql": {Data: []byte("DROP TABLE a;")},
	}
	name := templateName(t, base)
	if name != templateName(t, base) {
		t.Fatal("the template name is not deterministic")
	}
	if name == templateName(t, changed) || name == templateName(t, added) {
		t.Fatal("changed migrations map to the same template")
	}
	if len(name) > 63 {
		t.Fatalf("template name %q exceeds PostgreSQL's 63-byte identifiers", name)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func databaseName(t *testing.T, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

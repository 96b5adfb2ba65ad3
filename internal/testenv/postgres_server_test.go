package testenv

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// connectOnce makes one connection attempt to url and closes it again.
func connectOnce(t *testing.T, url string) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		return err
	}
	return conn.Close(t.Context())
}

func countMovies(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM movies`).Scan(&n); err != nil {
		t.Fatalf("count movies: %v", err)
	}
	return n
}

func TestStartPostgresLifecycle(t *testing.T) {
	t.Parallel()
	server := StartPostgres(t)
	url := server.MigratedURL()
	if again := server.MigratedURL(); again != url {
		t.Fatalf("MigratedURL changed: %s, then %s", url, again)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect to the migrated database: %v", err)
	}
	_, err = conn.Exec(t.Context(),
		`INSERT INTO movies (id, title, year, stars, version) VALUES (repeat('a', 40), 'Ünïcode', 2000, 1, 1)`)
	conn.Close(context.Background())
	if err != nil {
		t.Fatalf("the migrated schema does not take a movie: %v", err)
	}

	// A committed row survives a crash: recovery replays the WAL.
	server.Kill()
	if err := connectOnce(t, url); err == nil {
		t.Fatal("killed server still accepts connections")
	}
	server.Start()
	if n := countMovies(t, url); n != 1 {
		t.Fatalf("after kill and restart: %d movies, want 1", n)
	}

	server.Stop()
	if err := connectOnce(t, url); err == nil {
		t.Fatal("stopped server still accepts connections")
	}
	server.Stop() // stopping twice is harmless
	server.Start()
	server.Start() // starting a running server is harmless
	if n := countMovies(t, url); n != 1 {
		t.Fatalf("after stop and restart: %d movies, want 1", n)
	}
}

func TestStartPostgresRemovesEverythingAfterTheTest(t *testing.T) {
	t.Parallel()
	RequireIntegration(t)
	var root, url string
	t.Run("user", func(t *testing.T) {
		server := StartPostgres(t)
		root, url = server.root, server.URL("postgres")
		if err := connectOnce(t, url); err != nil {
			t.Fatalf("fresh server: %v", err)
		}
	})
	if root == "" {
		t.Fatal("the subtest did not start a server")
	}
	if err := connectOnce(t, url); err == nil {
		t.Error("the server still runs after its test ended")
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("%s still exists after its test ended (%v)", root, err)
	}
}

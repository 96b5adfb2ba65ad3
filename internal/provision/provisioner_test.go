package provision_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/provision"
	"movieapi/internal/testenv"
)

// The project-local path end to end: nothing answers at the URLs and no
// Docker engine is used, so Up starts PostgreSQL and Redis under the
// checkout's .data/; a second Up reuses them; Down stops them; Purge
// removes their files.
func TestProjectLocalUpDownPurge(t *testing.T) {
	testenv.RequireIntegration(t)
	// Not t.TempDir(): the postgres user must be able to reach .data/.
	root, err := os.MkdirTemp("", "movieapi-provision-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"DATABASE_URL": fmt.Sprintf("postgres://postgres@127.0.0.1:%d/appdb?sslmode=disable", testenv.FreePort(t)),
		"REDIS_URL":    fmt.Sprintf("redis://127.0.0.1:%d/0", testenv.FreePort(t)),
	}
	var mu sync.Mutex
	var log []string
	p := &provision.Provisioner{
		Root:   root,
		Getenv: func(k string) string { return env[k] },
		Logf: func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, fmt.Sprintf(format, args...))
		},
		Docker: func(context.Context) bool { return false },
	}
	ctx := t.Context()
	t.Cleanup(func() { _ = p.Down(context.Background()) }) // when the test fails half-way
	if err := provision.PostgresAnswers(ctx, env["DATABASE_URL"]); err == nil {
		t.Fatal("something already answers at the free PostgreSQL port")
	}

	urls, err := p.Up(ctx)
	if err != nil {
		t.Fatalf("Up: %v\n%s", err, strings.Join(log, "\n"))
	}
	if urls.Database != env["DATABASE_URL"] || urls.Redis != env["REDIS_URL"] {
		t.Errorf("Up = %+v; a non-standard port must be kept", urls)
	}
	if err := provision.RedisAnswers(ctx, urls.Redis); err != nil {
		t.Errorf("Redis after Up: %v", err)
	}
	conn, err := pgx.Connect(ctx, urls.Database) // the application database was created
	if err != nil {
		t.Fatalf("connect to the application database: %v", err)
	}
	_ = conn.Close(ctx)

	log = nil
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("second Up: %v", err)
	}
	for _, want := range []string{"PostgreSQL (project-local)", "Redis (project-local)"} {
		if !strings.Contains(strings.Join(log, "\n"), want) {
			t.Errorf("second Up logged %q, want a line with %q", log, want)
		}
	}

	if err := p.Down(ctx); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if err := provision.PostgresAnswers(ctx, urls.Database); err == nil {
		t.Error("PostgreSQL still answers after Down")
	}
	if err := provision.RedisAnswers(ctx, urls.Redis); err == nil {
		t.Error("Redis still answers after Down")
	}
	if err := p.Purge(ctx); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, ".data")); !os.IsNotExist(err) {
		t.Errorf(".data/ after Purge: %v", err)
	}
}

// Up never starts anything for a URL that points at another machine.
func TestUpRefusesARemoteURLThatDoesNotAnswer(t *testing.T) {
	testenv.RequireIntegration(t)
	env := map[string]string{
		"DATABASE_URL": "postgres://postgres@192.0.2.1:5432/db", // TEST-NET-1: nothing answers
		"REDIS_URL":    fmt.Sprintf("redis://127.0.0.1:%d/0", testenv.FreePort(t)),
	}
	p := &provision.Provisioner{
		Root:   t.TempDir(),
		Getenv: func(k string) string { return env[k] },
		Docker: func(context.Context) bool { t.Error("Docker consulted"); return false },
	}
	_, err := p.Up(t.Context())
	if err == nil || !strings.Contains(err.Error(), "not on this machine") {
		t.Fatalf("Up = %v, want a refusal naming the remote URL", err)
	}
}

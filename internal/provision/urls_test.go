package provision

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalURL(t *testing.T) {
	for _, tc := range []struct {
		raw             string
		standard, local int
		want            string
	}{
		// The standard port moves to the local one; credentials go, the user is postgres.
		{"postgres://app:secret@localhost:5432/movieapi?sslmode=disable", 5432, 55432,
			"postgres://postgres@127.0.0.1:55432/movieapi?sslmode=disable"},
		// No port means the standard one.
		{"postgresql://127.0.0.1/movieapi", 5432, 55432, "postgresql://postgres@127.0.0.1:55432/movieapi"},
		// Another port is kept.
		{"postgres://postgres@127.0.0.1:5440/db", 5432, 55432, "postgres://postgres@127.0.0.1:5440/db"},
		// Redis: no user, TLS dropped, db number and options kept.
		{"rediss://:pw@localhost:6379/2?protocol=3", 6379, 56379, "redis://127.0.0.1:56379/2?protocol=3"},
		{"redis://127.0.0.1:6390/0", 6379, 56379, "redis://127.0.0.1:6390/0"},
	} {
		got, err := localURL(tc.raw, tc.standard, tc.local)
		if err != nil || got != tc.want {
			t.Errorf("localURL(%q) = %q, %v; want %q", tc.raw, got, err, tc.want)
		}
	}
}

func TestHostPortAndLoopback(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		host     string
		port     int
		loopback bool
	}{
		{"postgres://u@db.example:6000/x", "db.example", 6000, false},
		{"postgres://u@127.0.0.2/x", "127.0.0.2", 5432, true},
		{"postgres://u@[::1]:5433/x", "::1", 5433, true},
		{"postgres:///x?host=/tmp", "", 5432, true},
		{"postgres://h1:5433,h2:5434/x", "h1", 5433, false},
		{"redis://localhost:6379?addr=n2:6379", "localhost", 6379, true},
	} {
		host, port, err := hostPort(tc.raw, 5432)
		if err != nil || host != tc.host || port != tc.port || isLoopback(host) != tc.loopback {
			t.Errorf("hostPort(%q) = %q, %d, %v (loopback %v); want %q, %d (loopback %v)",
				tc.raw, host, port, err, isLoopback(host), tc.host, tc.port, tc.loopback)
		}
	}
}

func TestWithDatabaseAndRedacted(t *testing.T) {
	got, err := WithDatabase("postgres://u:p@h:1/app?sslmode=disable", "postgres")
	if err != nil || got != "postgres://u:p@h:1/postgres?sslmode=disable" {
		t.Errorf("WithDatabase = %q, %v", got, err)
	}
	if r := Redacted("postgres://u:secret@h/db"); strings.Contains(r, "secret") {
		t.Errorf("Redacted left the password: %q", r)
	}
}

func TestLoadURLsPrecedence(t *testing.T) {
	root := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".env.example", "DATABASE_URL=postgres://example/db\nREDIS_URL=redis://example:6379/0\n")
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	urls, err := LoadURLs(root, getenv)
	if err != nil || urls.Database != "postgres://example/db" || urls.Redis != "redis://example:6379/0" {
		t.Fatalf(".env.example only: %+v, %v", urls, err)
	}
	write(".env", "export DATABASE_URL='postgres://dotenv/db' # comment\nREDIS_URL=\n")
	urls, err = LoadURLs(root, getenv)
	if err != nil || urls.Database != "postgres://dotenv/db" || urls.Redis != "redis://example:6379/0" {
		t.Fatalf(".env over .env.example (an empty value falls through): %+v, %v", urls, err)
	}
	env["REDIS_URL"] = "redis://environment/1"
	urls, err = LoadURLs(root, getenv)
	if err != nil || urls.Database != "postgres://dotenv/db" || urls.Redis != "redis://environment/1" {
		t.Fatalf("environment over .env: %+v, %v", urls, err)
	}
}

func TestLoadURLsNamesTheMissingVariable(t *testing.T) {
	_, err := LoadURLs(t.TempDir(), func(k string) string {
		if k == "DATABASE_URL" {
			return "postgres://h/db"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Fatalf("got %v, want an error naming REDIS_URL", err)
	}
}

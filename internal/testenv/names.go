package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"movieapi/internal/provision"
)

// randomHex returns 2n random hex characters, for names no two tests share.
func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(buf)
}

// withDatabase returns serverURL naming another database on the same server.
func withDatabase(t testing.TB, serverURL, database string) string {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatal("testenv: the PostgreSQL server must be given as a postgres:// URL, " +
			"e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	named, err := provision.WithDatabase(serverURL, database)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return named
}

// Package testenv gives tests real, isolated backends: a fresh PostgreSQL
// database cloned from a migrated template, a private Redis key prefix on a
// shared server, or a throwaway redis-server process or PostgreSQL cluster
// of their own, for tests that stop, kill and restart it.
//
// Servers come from TEST_DATABASE_URL / TEST_REDIS_URL when set, else from
// testcontainers when a Docker engine answers; otherwise the test fails with a
// message saying how to provide them. Everything a helper creates is removed
// by t.Cleanup, so `go test ./...` can run packages in parallel and twice in a
// row against the same servers. Throwaway servers and engines (initdb and
// postgres, redis-server, pgbouncer, haproxy) are found and, when missing and
// the tests run as root, installed by internal/provision, which also serves
// `make run`. It is imported by tests only.
package testenv

import "testing"

// RequireIntegration skips the calling test under `go test -short`, the only
// case in which an integration test may be skipped.
func RequireIntegration(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test (needs PostgreSQL or Redis): skipped under -short")
	}
}

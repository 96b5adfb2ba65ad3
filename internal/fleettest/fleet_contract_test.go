package fleettest

import (
	"testing"

	"movieapi/internal/testenv"
)

// TestFleet runs the contract and the faults of a fleet of three instances
// behind HAProxy with PgBouncer in transaction mode. One fleet serves every
// subtest, in order; each plays its own client IPs (loopback addresses), so
// that their rate-limit budgets stay apart.
func TestFleet(t *testing.T) {
	testenv.RequireIntegration(t)
	f := startFleet(t)

	t.Run("contract through HAProxy", func(t *testing.T) {
		runContract(t, f.viaBalancer(t, "127.0.0.2"))
	})
	t.Run("contract across instances", func(t *testing.T) {
		// Every ceremony begins on one instance and ends on another,
		// a sign-in on a third; logout on one ends the session on all.
		runContract(t, f.direct(t, "127.0.0.3")...)
	})
	t.Run("rate limits shared, client told apart by X-Forwarded-For", func(t *testing.T) { rateLimitsShared(t, f) })
	t.Run("no stale read across instances in 100 rounds", func(t *testing.T) { noStaleReads(t, f) })
	t.Run("64 clients through a PgBouncer pool of 4", func(t *testing.T) { manyClients(t, f) })
	t.Run("rolling restart under load", func(t *testing.T) { rollingRestart(t, f) })
	t.Run("instance SIGKILLed under load", func(t *testing.T) { instanceKilled(t, f) })
	t.Run("alert rules select exported metrics", func(t *testing.T) { rulesNameExportedMetrics(t, f) })
}

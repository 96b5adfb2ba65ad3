package faulttest

import (
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/loadtest"
	"movieapi/internal/testenv"
)

// Answers to wait for in each phase of a PostgreSQL outage. Refused
// connections fail at once, so the outage can see more requests than the
// Redis one in less time.
const (
	pgAnswersUp        = 300
	pgAnswersDown      = 600
	pgAnswersRecovered = 300
)

// PostgreSQL stopped (fast shutdown) or killed (a crash, then recovery)
// under a steady mixed load: what needs the database answers the contract's
// 503 with its JSON body, never a 500 and never a hang; afterwards the pool
// reconnects by itself, without a restart of the service; every write that
// was confirmed is stored with the confirmed content.
func TestPostgresRestartDuringLoad(t *testing.T) {
	testenv.RequireIntegration(t)
	for _, variant := range []struct {
		name  string
		fault func(*testenv.PostgresServer)
	}{
		{"stop", (*testenv.PostgresServer).Stop},
		{"kill", (*testenv.PostgresServer).Kill},
	} {
		t.Run(variant.name, func(t *testing.T) {
			pg := testenv.StartPostgres(t)
			rs := testenv.StartRedis(t) // a Redis of its own, to count its clients afterwards
			cfg := apitest.DefaultConfig(t)
			cfg.DatabaseURL, cfg.RedisURL = pg.MigratedURL(), rs.URL()
			leaks := beginLeakCheck()

			l := runOutage(t, cfg, postgresBackend, phaseAnswers{pgAnswersUp, pgAnswersDown, pgAnswersRecovered},
				func() { variant.fault(pg) }, pg.Start)

			rows := l.ledger.Verify(t, cfg.DatabaseURL, loadtest.AllRows)
			confirmed, unconfirmed := l.ledger.Counts()
			if rows < confirmed || rows > confirmed+unconfirmed {
				t.Errorf("%d movies stored; %d confirmed, %d more attempted", rows, confirmed, unconfirmed)
			}
			if unconfirmed == 0 {
				t.Error("no write was refused: the outage did not happen under load")
			}
			t.Logf("%d movies confirmed, %d refused during the outage, %d stored", confirmed, unconfirmed, rows)

			leaks.goroutinesBack(t)
			postgresSessionsGone(t, cfg.DatabaseURL)
			redisClientsGone(t, rs.URL())
		})
	}
}

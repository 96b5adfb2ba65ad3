package faulttest

import (
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
	"movieapi/internal/loadtest"
	"movieapi/internal/testenv"
)

// Answers to wait for in each phase of an outage. They bound the load by
// count, not by time. While Redis is down each call to it costs a failed
// dial and a retry, so the outage phase is kept shorter than the others.
const (
	answersUp        = 200
	answersDown      = 100
	answersRecovered = 200
)

// Redis killed under a steady mixed load: movies keep being served from
// PostgreSQL, passkey ceremonies (which keep their state in Redis) answer
// 503, nothing hangs, and once Redis is back everything succeeds again
// without a restart of the service. No movie write is lost or doubled.
func TestRedisKilledDuringLoad(t *testing.T) {
	redisKilledDuringLoad(t, config.NearCache{})
}

// The same with the near cache on: the copies tracked over the dead
// connections go with them, reads fall back to PostgreSQL, and no read
// shows a value older than an answered write of the instance.
func TestRedisKilledDuringLoadWithNearCache(t *testing.T) {
	redisKilledDuringLoad(t, config.NearCache{
		Enabled: true, MaxBytes: 1 << 20, MaxStaleness: time.Second, DrainInterval: 2 * time.Millisecond,
	})
}

func redisKilledDuringLoad(t *testing.T, near config.NearCache) {
	testenv.RequireIntegration(t)
	rs := testenv.StartRedis(t)
	cfg := apitest.DefaultConfig(t)
	cfg.RedisURL = rs.URL()
	cfg.MovieNearCache = near
	leaks := beginLeakCheck()

	l := runOutage(t, cfg, redisBackend, phaseAnswers{answersUp, answersDown, answersRecovered}, rs.Kill, rs.Start)

	rows := l.ledger.Verify(t, cfg.DatabaseURL, loadtest.AllRows)
	confirmed, unconfirmed := l.ledger.Counts()
	if unconfirmed != 0 {
		t.Errorf("%d movie writes were not confirmed: a Redis outage must not stop writes", unconfirmed)
	}
	if rows != confirmed {
		t.Errorf("%d movies stored, %d confirmed (201s and upserts of new ids)", rows, confirmed)
	}
	t.Logf("%d movies confirmed and stored", confirmed)

	leaks.goroutinesBack(t)
	postgresSessionsGone(t, cfg.DatabaseURL)
	redisClientsGone(t, rs.URL())
}

package fleettest

import (
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/testenv"
)

// Redis Sentinel (contract §9, REDIS_URL with master_name): a primary, a
// replica and three Sentinels. The contract holds over two instances; then
// the primary is SIGKILLed under load and the service follows the
// Sentinels to the promoted replica by itself.
func TestRedisSentinel(t *testing.T) {
	testenv.RequireIntegration(t)
	s := testenv.StartSentinel(t)
	cfg := apitest.DefaultConfig(t)
	cfg.RedisURL = s.URL()
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	nodes := []*node{newNode(t, "instance a", a.URL, ""), newNode(t, "instance b", b.URL, "")}

	t.Run("contract", func(t *testing.T) { runContract(t, nodes...) })
	t.Run("primary killed under load", func(t *testing.T) {
		primary := s.Primary()
		redisFailover(t, "redis-sentinel", cfg.DatabaseURL, nodes, primary.Kill, func() { s.WaitForNewPrimary(primary) })
	})
}

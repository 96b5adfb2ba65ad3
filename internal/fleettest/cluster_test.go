package fleettest

import (
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/testenv"
)

// Redis Cluster (REDIS_URL with addr=…): three primaries with a replica
// each. The contract holds over two instances; then a primary is SIGKILLed
// under load, its replica takes over its slots, and the service follows by
// itself.
func TestRedisCluster(t *testing.T) {
	testenv.RequireIntegration(t)
	c := testenv.StartRedisCluster(t, 3, 1)
	cfg := apitest.DefaultConfig(t)
	cfg.RedisURL = c.URL()
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	nodes := []*node{newNode(t, "instance a", a.URL, ""), newNode(t, "instance b", b.URL, "")}

	t.Run("contract", func(t *testing.T) { runContract(t, nodes...) })
	t.Run("primary killed under load", func(t *testing.T) {
		primary := c.Primaries()[0]
		redisFailover(t, "redis-cluster", cfg.DatabaseURL, nodes, primary.Kill, func() { c.WaitForFailover(primary) })
	})
}

package testenv

import (
	"context"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"movieapi/internal/provision"
)

// clusterNodeTimeout is how long a cluster node may be unreachable before
// the others count it as failed and its replica takes over.
const clusterNodeTimeout = 1000 * time.Millisecond

// clusterBusOffset: each cluster node also listens on its port + 10000 for
// the cluster bus, so node ports stay below 65535 - 10000.
const clusterBusOffset = 10000

// RedisCluster is a Redis Cluster of redis-server processes owned by one
// test, for tests that kill a primary and watch its replica take over.
type RedisCluster struct {
	t     testing.TB
	Nodes []*RedisServer
}

// StartRedisCluster starts primaries × (1 + replicas) nodes on free ports
// (each with its bus port free too), joins them with `redis-cli --cluster
// create`, and waits until every slot is served and every replica is in
// sync. Everything is stopped when the test ends.
func StartRedisCluster(t testing.TB, primaries, replicas int) *RedisCluster {
	t.Helper()
	RequireIntegration(t)
	cli := engine(t, "redis-cli", "redis-tools")
	c := &RedisCluster{t: t}
	var addrs []string
	for range primaries * (1 + replicas) {
		n := StartRedisWith(t, ClusterPort(t), provision.RedisClusterNodeArgs(clusterNodeTimeout)...)
		c.Nodes = append(c.Nodes, n)
		addrs = append(addrs, n.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	if out, err := provision.CreateRedisCluster(ctx, cli, addrs, replicas); err != nil {
		t.Fatalf("testenv: redis-cli --cluster create: %v\n%s", err, out)
	}
	c.WaitHealthy()
	return c
}

// ClusterPort finds a port that is free together with its bus port.
// Another process could take either before the node binds them; the node
// then fails to start, loudly.
func ClusterPort(t testing.TB) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(25000)
		a, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+clusterBusOffset))
		_ = a.Close()
		if err != nil {
			continue
		}
		_ = b.Close()
		return port
	}
	t.Fatal("testenv: no free port pair for a cluster node")
	return 0
}

// URL is the REDIS_URL of the service: go-redis's cluster form, naming
// every node as a seed.
func (c *RedisCluster) URL() string {
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Addr())
	}
	return provision.RedisClusterURL(addrs)
}

// Primaries are the nodes that serve slots now, as a live node sees it
// (a primary it suspects, "fail?", or knows failed is left out).
func (c *RedisCluster) Primaries() []*RedisServer {
	c.t.Helper()
	var out []*RedisServer
	for addr := range c.slotsServed() {
		for _, n := range c.Nodes {
			if n.Addr() == addr {
				out = append(out, n)
			}
		}
	}
	return out
}

// slotsServed counts the slots of each primary that a live node does not
// suspect, by address.
func (c *RedisCluster) slotsServed() map[string]int {
	served := map[string]int{}
	for _, line := range strings.Split(c.clusterNodes(), "\n") {
		f := strings.Fields(line)
		if len(f) < 9 || !strings.Contains(f[2], "master") || strings.Contains(f[2], "fail") {
			continue // a replica, a suspect, or a primary without slots
		}
		addr, _, _ := strings.Cut(f[1], "@")
		for _, r := range f[8:] {
			lo, hi, found := strings.Cut(r, "-")
			a, _ := strconv.Atoi(lo)
			b := a
			if found {
				b, _ = strconv.Atoi(hi)
			}
			served[addr] += b - a + 1
		}
	}
	return served
}

// WaitHealthy waits until every running node sees every slot served and
// every running replica is in sync with its primary.
func (c *RedisCluster) WaitHealthy() {
	c.t.Helper()
	pollUntil(c.t, "the cluster to serve every slot with replicas in sync", func() bool {
		for _, n := range c.running() {
			ci := clusterInfo(c.t, n.Addr())
			if !strings.Contains(ci, "cluster_state:ok") || !strings.Contains(ci, "cluster_slots_ok:16384") {
				return false
			}
			repl := info(c.t, n.Addr(), "replication")
			if strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up") {
				return false
			}
		}
		return true
	})
}

// WaitForFailover waits until a replica of the killed primary has taken
// over its slots and every running node sees the whole cluster served.
func (c *RedisCluster) WaitForFailover(killed *RedisServer) {
	c.t.Helper()
	pollUntil(c.t, "a replica to take over the killed primary's slots", func() bool {
		served := c.slotsServed()
		total := 0
		for _, n := range served {
			total += n
		}
		if _, ok := served[killed.Addr()]; ok || total != 16384 {
			return false
		}
		for _, n := range c.running() {
			if !strings.Contains(clusterInfo(c.t, n.Addr()), "cluster_state:ok") {
				return false
			}
		}
		return true
	})
}

// running are the nodes whose process is up.
func (c *RedisCluster) running() []*RedisServer {
	var out []*RedisServer
	for _, n := range c.Nodes {
		if n.running() {
			out = append(out, n)
		}
	}
	return out
}

// clusterNodes is CLUSTER NODES as the first running node answers it.
func (c *RedisCluster) clusterNodes() string {
	c.t.Helper()
	for _, n := range c.running() {
		if out := clusterCommand(n.Addr(), "nodes"); out != "" {
			return out
		}
	}
	return ""
}

func clusterInfo(t testing.TB, addr string) string {
	t.Helper()
	return clusterCommand(addr, "info")
}

// clusterCommand runs CLUSTER <sub> on one node ("" when it does not answer).
func clusterCommand(addr, sub string) string {
	cl := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := cl.Do(ctx, "cluster", sub).Text()
	if err != nil {
		return ""
	}
	return out
}

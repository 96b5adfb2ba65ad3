package provision

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"strconv"
	"time"
)

// The replicated Redis topologies (Sentinel, Cluster), as the local fleet
// and the tests build them.

// RedisDataArgs are the options of a data node of a replicated topology:
// nothing on disk, and a replica's first sync starts at once instead of
// after the 5 s Redis waits for more replicas to share a diskless transfer.
func RedisDataArgs() []string {
	return append(RedisNoPersistence(), "--repl-diskless-sync-delay", "0")
}

// RedisClusterNodeArgs make a node a cluster member that counts a silent
// peer as failed after nodeTimeout.
func RedisClusterNodeArgs(nodeTimeout time.Duration) []string {
	return []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
		"--cluster-node-timeout", strconv.FormatInt(nodeTimeout.Milliseconds(), 10)}
}

// CreateRedisCluster joins nodes (host:port) into a cluster with `redis-cli
// --cluster create`, replicas per primary; the output is redis-cli's.
func CreateRedisCluster(ctx context.Context, cli string, nodes []string, replicas int) ([]byte, error) {
	args := append(append([]string{"--cluster", "create"}, nodes...), "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	return exec.CommandContext(ctx, cli, args...).CombinedOutput()
}

// RedisClusterURL is the REDIS_URL of a cluster: go-redis's cluster form,
// every node a seed.
func RedisClusterURL(nodes []string) string {
	q := url.Values{}
	for _, n := range nodes[1:] {
		q.Add("addr", n)
	}
	return "redis://" + nodes[0] + "?" + q.Encode()
}

// SentinelConf is the configuration of a Sentinel watching the primary on
// 127.0.0.1:primaryPort as master, with a quorum of 2.
func SentinelConf(master string, primaryPort int, downAfter, failoverTimeout time.Duration) string {
	return fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 2\n", master, primaryPort) +
		fmt.Sprintf("sentinel down-after-milliseconds %s %d\n", master, downAfter.Milliseconds()) +
		fmt.Sprintf("sentinel failover-timeout %s %d\n", master, failoverTimeout.Milliseconds())
}

// SentinelURL is the REDIS_URL of a Sentinel set-up: go-redis's failover
// form, naming every Sentinel (host:port).
func SentinelURL(master string, sentinels []string) string {
	q := url.Values{"master_name": {master}}
	for _, s := range sentinels[1:] {
		q.Add("addr", s)
	}
	return "redis://" + sentinels[0] + "/0?" + q.Encode()
}

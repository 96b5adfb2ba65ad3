package provision

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// startRedis starts the chosen topology and returns the REDIS_URL the
// instances use (for single: the one Up provided).
func (f *Fleet) startRedis(ctx context.Context, single string) (string, error) {
	switch f.Redis {
	case "sentinel":
		return f.startRedisSentinel(ctx)
	case "cluster":
		return f.startRedisCluster(ctx)
	default:
		return single, nil
	}
}

// redisNode starts a redis-server without persistence, its files in its own
// directory, and waits until it answers.
func (f *Fleet) redisNode(ctx context.Context, name string, port int, extra ...string) error {
	dir := filepath.Join(f.dir(), name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	args := append(append(RedisArgs(port, dir), RedisDataArgs()...), extra...)
	if err := f.spawn(name, nil, "redis-server", args...); err != nil {
		return err
	}
	return f.waitRedis(ctx, name, port)
}

func (f *Fleet) waitRedis(ctx context.Context, name string, port int) error {
	url := "redis://" + loopback(port) + "/0"
	return WaitFor(ctx, 30*time.Second, fmt.Sprintf("%s on port %d", name, port), func(ctx context.Context) error {
		return RedisAnswers(ctx, url)
	})
}

// fleetSentinelMaster is the name the Sentinels know the primary by.
const fleetSentinelMaster = "movieapi"

// startRedisSentinel: a primary, a replica and three Sentinels (quorum 2)
// that fail over after 5 s without an answer from the primary.
func (f *Fleet) startRedisSentinel(ctx context.Context) (string, error) {
	primary, replica := f.RedisPort, f.RedisPort+1
	if err := f.redisNode(ctx, "redis-primary", primary); err != nil {
		return "", err
	}
	if err := f.redisNode(ctx, "redis-replica", replica, "--replicaof", "127.0.0.1", strconv.Itoa(primary)); err != nil {
		return "", err
	}
	var addrs []string
	for i := 1; i <= 3; i++ {
		port, name := f.RedisPort+9+i, "redis-sentinel-"+strconv.Itoa(i)
		dir := filepath.Join(f.dir(), name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		conf := filepath.Join(dir, "sentinel.conf")
		body := SentinelConf(fleetSentinelMaster, primary, 5*time.Second, 30*time.Second)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			return "", err
		}
		if err := f.spawn(name, nil, "redis-server", append([]string{conf}, append(RedisArgs(port, dir), "--sentinel")...)...); err != nil {
			return "", err
		}
		if err := f.waitRedis(ctx, "Sentinel", port); err != nil {
			return "", err
		}
		addrs = append(addrs, loopback(port))
	}
	return SentinelURL(fleetSentinelMaster, addrs), nil
}

// startRedisCluster: three primaries with a replica each, joined by redis-cli.
func (f *Fleet) startRedisCluster(ctx context.Context) (string, error) {
	var nodes []string
	for i := 1; i <= 6; i++ {
		port := f.RedisPort + i - 1
		if err := f.redisNode(ctx, "redis-node-"+strconv.Itoa(i), port, RedisClusterNodeArgs(5*time.Second)...); err != nil {
			return "", err
		}
		nodes = append(nodes, loopback(port))
	}
	logPath := filepath.Join(f.logs(), "redis-cluster-create.log")
	out, err := CreateRedisCluster(ctx, "redis-cli", nodes, 1)
	_ = os.WriteFile(logPath, out, 0o600) // only for reading after a failure
	if err != nil {
		return "", fmt.Errorf("redis-cli --cluster create failed (see %s): %w", logPath, err)
	}
	if err := WaitFor(ctx, 60*time.Second, "the cluster to serve every slot", func(ctx context.Context) error {
		info, err := exec.CommandContext(ctx, "redis-cli", "-h", "127.0.0.1", "-p", strconv.Itoa(f.RedisPort), "cluster", "info").Output()
		if err != nil || !strings.Contains(string(info), "cluster_state:ok") {
			return fmt.Errorf("not ok yet: %v", err)
		}
		return nil
	}); err != nil {
		return "", err
	}
	return RedisClusterURL(nodes), nil
}

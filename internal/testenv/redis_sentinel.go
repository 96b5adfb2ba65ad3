package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"movieapi/internal/provision"
)

// SentinelMaster is the name the Sentinels of StartSentinel know the
// primary by.
const SentinelMaster = "movieapi"

// Failure detection of the throwaway Sentinels: a primary that does not
// answer for sentinelDownAfter is down, and a failover may start. Short, so
// that a test's failover takes seconds, yet long enough that a loaded test
// machine does not fail over by itself.
const (
	sentinelDownAfter       = 1000 * time.Millisecond
	sentinelFailoverTimeout = 10 * time.Second
)

// Sentinel is a primary, its replica and three Sentinels watching them, all
// redis-server processes owned by one test, for tests that kill the
// primary and watch the replica take over.
type Sentinel struct {
	t         testing.TB
	Servers   []*RedisServer // the primary first, then the replica
	Sentinels []*RedisServer
}

// StartSentinel starts a primary, a replica of it and three Sentinels on
// free ports and waits until the replica is in sync and every Sentinel
// knows the replica and the two other Sentinels (a failover needs two of
// the three to agree). Everything is stopped when the test ends.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	primary := StartRedis(t)
	replica := StartRedisWith(t, freePort(t), "--replicaof", "127.0.0.1", strconv.Itoa(primary.Port()))
	s := &Sentinel{t: t, Servers: []*RedisServer{primary, replica}}
	// Each Sentinel is told its id, the replica and the others up front:
	// left to discover them, they take seconds (hello messages every 2 s).
	peers := make([]sentinelPeer, 3)
	for i := range peers {
		peers[i] = sentinelPeer{port: freePort(t), id: randomHex(20)}
	}
	for i := range peers {
		s.Sentinels = append(s.Sentinels, startSentinelProcess(t, primary.Port(), replica.Port(), peers, i))
	}
	s.waitReady()
	return s
}

// sentinelPeer is one Sentinel as the others know it.
type sentinelPeer struct {
	port int
	id   string // 40 hex characters, as Sentinel's own run ids
}

// startSentinelProcess runs redis-server in Sentinel mode as peers[me],
// with a configuration file of its own, which Sentinel rewrites as it
// learns.
func startSentinelProcess(t testing.TB, primaryPort, replicaPort int, peers []sentinelPeer, me int) *RedisServer {
	t.Helper()
	s := newRedisServer(t, peers[me].port)
	s.conf = filepath.Join(s.dir, "sentinel.conf")
	var conf strings.Builder
	fmt.Fprintf(&conf, "sentinel myid %s\n", peers[me].id)
	conf.WriteString(provision.SentinelConf(SentinelMaster, primaryPort, sentinelDownAfter, sentinelFailoverTimeout))
	fmt.Fprintf(&conf, "sentinel parallel-syncs %s 1\n", SentinelMaster)
	fmt.Fprintf(&conf, "sentinel known-replica %s 127.0.0.1 %d\n", SentinelMaster, replicaPort)
	for i, p := range peers {
		if i != me {
			fmt.Fprintf(&conf, "sentinel known-sentinel %s 127.0.0.1 %d %s\n", SentinelMaster, p.port, p.id)
		}
	}
	if err := os.WriteFile(s.conf, []byte(conf.String()), 0o600); err != nil {
		t.Fatalf("testenv: write sentinel.conf: %v", err)
	}
	s.extra = []string{"--sentinel"}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// URL is the REDIS_URL of the service: go-redis's failover form, naming
// every Sentinel.
func (s *Sentinel) URL() string {
	var addrs []string
	for _, sen := range s.Sentinels {
		addrs = append(addrs, sen.Addr())
	}
	return provision.SentinelURL(SentinelMaster, addrs)
}

// Primary is the server the Sentinels currently name as the primary.
func (s *Sentinel) Primary() *RedisServer {
	s.t.Helper()
	addr := s.primaryAddr(s.Sentinels[0])
	for _, srv := range s.Servers {
		if srv.Addr() == addr {
			return srv
		}
	}
	s.t.Fatalf("testenv: the Sentinels name %s as the primary, which is none of this test's servers", addr)
	return nil
}

// WaitForNewPrimary waits until every Sentinel still running names a
// primary other than old, and that primary accepts writes.
func (s *Sentinel) WaitForNewPrimary(old *RedisServer) *RedisServer {
	s.t.Helper()
	var next string
	pollUntil(s.t, "the Sentinels to promote the replica", func() bool {
		for _, sen := range s.Sentinels {
			if next = s.primaryAddr(sen); next == old.Addr() || next == "" {
				return false
			}
		}
		return roleOf(s.t, next) == "master"
	})
	for _, srv := range s.Servers {
		if srv.Addr() == next {
			return srv
		}
	}
	s.t.Fatalf("testenv: new primary %s is none of this test's servers", next)
	return nil
}

func (s *Sentinel) waitReady() {
	s.t.Helper()
	pollUntil(s.t, "the replica to sync and the Sentinels to find each other", func() bool {
		if !strings.Contains(info(s.t, s.Servers[1].Addr(), "replication"), "master_link_status:up") {
			return false
		}
		for _, sen := range s.Sentinels {
			m := sentinelMaster(s.t, sen)
			if m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" || m["flags"] != "master" {
				return false
			}
		}
		return true
	})
}

// primaryAddr asks one Sentinel for the primary's address ("" when it
// cannot answer).
func (s *Sentinel) primaryAddr(sen *RedisServer) string {
	c := redis.NewSentinelClient(&redis.Options{Addr: sen.Addr(), MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	addr, err := c.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil || len(addr) != 2 {
		return ""
	}
	return addr[0] + ":" + addr[1]
}

// sentinelMaster is SENTINEL MASTER's answer as a map (empty on error).
func sentinelMaster(t testing.TB, sen *RedisServer) map[string]string {
	t.Helper()
	c := redis.NewSentinelClient(&redis.Options{Addr: sen.Addr(), MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	m, err := c.Master(ctx, SentinelMaster).Result()
	if err != nil {
		return nil
	}
	return m
}

package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
	"movieapi/internal/testenv"
)

// nearConfig turns the near cache on. Its MaxStaleness is far beyond the
// polls' deadlines, so a new value that shows up arrived through Redis's
// invalidation, not because a copy aged out.
func nearConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := apitest.DefaultConfig(t)
	cfg.MovieNearCache = config.NearCache{
		Enabled: true, MaxBytes: 1 << 20, MaxStaleness: 10 * time.Minute, DrainInterval: 2 * time.Millisecond,
	}
	return cfg
}

// stars reads a movie's stars from srv; -1 for a 404.
func stars(t *testing.T, srv *apitest.Server, id string) float64 {
	t.Helper()
	r := srv.Do(t, "GET", "/movies/get/"+id, nil)
	if r.Status == http.StatusNotFound {
		return -1
	}
	var got struct{ Data struct{ Stars float64 } }
	r.JSON(t, &got)
	return got.Data.Stars
}

func put(t *testing.T, srv *apitest.Server, id string, stars float64) {
	t.Helper()
	body := fmt.Sprintf(`{"title":"Near","year":2001,"stars":%v}`, stars)
	if r := srv.Do(t, "PUT", "/movies/update/"+id, body); r.Status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
}

// Two instances on one Redis, both with a near cache: B serves a movie from
// its memory, and an update or a delete on A reaches B through Redis's
// invalidation push, long before MaxStaleness.
func TestNearCacheOnTwoInstances(t *testing.T) {
	t.Parallel()
	cfg := nearConfig(t)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	for _, srv := range []*apitest.Server{a, b} {
		if !strings.Contains(srv.Log.String(), `"msg":"movie near cache on"`) {
			t.Fatalf("no near cache:\n%s", srv.Log.String())
		}
	}
	id := strings.Repeat("ab", 20)
	put(t, a, id, 1)
	stars(t, b, id)
	if got := stars(t, b, id); got != 1 {
		t.Fatalf("B reads %v", got)
	}
	if hits := b.Metric(t, `movie_near_cache_requests_total{result="hit"}`); hits < 1 {
		t.Fatalf("B's second read was not a near-cache hit (%v hits)", hits)
	}

	put(t, a, id, 2)
	if got := stars(t, a, id); got != 2 {
		t.Fatalf("A reads %v right after its own update", got)
	}
	apitest.WaitFor(t, "B to serve A's update", func() bool { return stars(t, b, id) == 2 })
	if r := a.Do(t, "DELETE", "/movies/delete/"+id, nil); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", r.Status)
	}
	apitest.WaitFor(t, "B to serve A's delete", func() bool { return stars(t, b, id) == -1 })
	if n := b.Metric(t, "movie_near_cache_invalidations_total"); n < 2 {
		t.Errorf("B counted %v invalidations", n)
	}
}

// The instance that writes never serves an older value after its PUT has
// answered, while its own readers keep filling the near cache.
func TestNearCacheWriterNeverReadsBack(t *testing.T) {
	t.Parallel()
	srv := apitest.StartWith(t, nearConfig(t))
	id := strings.Repeat("cd", 20)
	put(t, srv, id, 0)
	var answered sync.Map // "floor" → highest stars whose PUT answered
	answered.Store("floor", 0.0)
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				floor, _ := answered.Load("floor")
				if got := stars(t, srv, id); got < floor.(float64) {
					t.Errorf("read %v after the PUT of %v answered", got, floor)
				}
			}
		})
	}
	for i := 1; i <= 40; i++ {
		put(t, srv, id, float64(i)/8)
		answered.Store("floor", float64(i)/8)
	}
	close(done)
	readers.Wait()
}

// Redis restarted under two instances: B's copies go with the connections
// that tracked them, and B's first read after A's next update shows it.
func TestNearCacheAfterRedisRestart(t *testing.T) {
	t.Parallel()
	rs := testenv.StartRedis(t)
	cfg := nearConfig(t)
	cfg.RedisURL = rs.URL()
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	id := strings.Repeat("ef", 20)
	put(t, a, id, 1)
	stars(t, b, id)
	if got := stars(t, b, id); got != 1 || b.Metric(t, "movie_near_cache_entries") != 1 {
		t.Fatalf("B reads %v with %v entries", got, b.Metric(t, "movie_near_cache_entries"))
	}

	rs.Kill()
	rs.Start()
	apitest.WaitFor(t, "B's near cache to be dropped", func() bool { return b.Metric(t, "movie_near_cache_entries") == 0 })
	put(t, a, id, 2)
	if got := stars(t, b, id); got != 2 {
		t.Fatalf("B's first read after the restart and the update: %v", got)
	}
}

// Where go-redis cannot keep a near cache (a cluster, a database other than
// 0, a server without RESP3), the service says so in one line and serves
// movies from Redis as it would without the setting.
func TestNearCacheOffSaysWhy(t *testing.T) {
	t.Parallel()
	cluster := startOneNodeCluster(t)
	resp2 := testenv.StartRedisWith(t, testenv.FreePort(t), "--rename-command", "HELLO", "")
	plain := testenv.StartRedis(t)
	for name, tc := range map[string]struct{ url, reason string }{
		"cluster":    {cluster.URL() + "?addr=" + strings.TrimPrefix(strings.TrimSuffix(cluster.URL(), "/0"), "redis://"), "cluster"},
		"database 3": {strings.TrimSuffix(plain.URL(), "/0") + "/3", "database 3"},
		"resp2 only": {resp2.URL(), "RESP3"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := nearConfig(t)
			cfg.RedisURL = tc.url
			srv := apitest.StartWith(t, cfg)
			var lines []string
			for _, line := range strings.Split(srv.Log.String(), "\n") {
				if strings.Contains(line, "movie near cache") {
					lines = append(lines, line)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], `"msg":"movie near cache off"`) || !strings.Contains(lines[0], tc.reason) {
				t.Fatalf("want one line saying the near cache is off because of %q, got %q", tc.reason, lines)
			}
			id := strings.Repeat("0f", 20)
			put(t, srv, id, 3)
			if got := stars(t, srv, id); got != 3 {
				t.Fatalf("read %v", got)
			}
			if hits := srv.Metric(t, `movie_cache_requests_total{result="hit"}`); hits != 1 {
				t.Errorf("the read was not a Redis cache hit (%v hits)", hits)
			}
		})
	}
}

// startOneNodeCluster starts a redis-server in cluster mode owning every
// slot: a real cluster, of one node.
func startOneNodeCluster(t *testing.T) *testenv.RedisServer {
	t.Helper()
	rs := testenv.StartRedisWith(t, testenv.ClusterPort(t), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	opts, err := goredis.ParseURL(rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.ClusterAddSlotsRange(ctx, 0, 16383).Err(); err != nil {
		t.Fatalf("CLUSTER ADDSLOTSRANGE: %v", err)
	}
	apitest.WaitFor(t, "the one-node cluster to be ok", func() bool {
		info, err := c.ClusterInfo(ctx).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok")
	})
	return rs
}

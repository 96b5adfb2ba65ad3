package redis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
	"movieapi/internal/porttest"
	"movieapi/internal/redis"
	"movieapi/internal/testenv"
)

// nearStaleness is far longer than any test here runs, so a copy that goes
// away went away because of an invalidation or a lost connection, never
// because it aged out.
const nearStaleness = 10 * time.Minute

// openNear opens a near cache on url, failing the test when it is off.
func openNear(t *testing.T, url string) *redis.NearCache {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	near, off := redis.OpenNearCache(ctx, redis.NearCacheOptions{URL: url, MaxBytes: 1 << 20, MaxStaleness: nearStaleness})
	if near == nil {
		t.Fatalf("near cache off: %s", off)
	}
	t.Cleanup(func() { _ = near.Close() })
	return near
}

// instance is what one service process holds: its client and movie cache,
// with or without a near cache.
func instance(t *testing.T, url, prefix string, near *redis.NearCache) redis.MovieCache {
	t.Helper()
	c, err := redis.NewClient(redis.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if near == nil {
		return redis.NewMovieCache(c)
	}
	return redis.NewNearMovieCache(c, near)
}

// title reads the cached title of id ("" on a miss).
func title(t *testing.T, cache redis.MovieCache, id string) string {
	t.Helper()
	got, found, err := cache.Movie(context.Background(), id)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	if !found {
		return ""
	}
	return got.Movie.Title
}

// eventually polls cond until it holds; the deadline only stops a hang.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Through a near cache the adapter keeps the port's contract: on one
// instance the copies never change what a reader sees.
func TestNearMovieCacheContract(t *testing.T) {
	t.Parallel()
	porttest.MovieCache(t, func(t *testing.T) domain.MovieCache {
		testenv.RequireIntegration(t)
		url, prefix := testenv.Redis(t)
		return instance(t, url, prefix, openNear(t, url))
	})
}

// A read is kept in the process and served again without Redis; a write by
// another instance reaches it through Redis's invalidation push.
func TestNearCacheKeepsReadsUntilAnotherInstanceWrites(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	url, prefix := testenv.Redis(t)
	near := openNear(t, url)
	reader, writer := instance(t, url, prefix, near), instance(t, url, prefix, nil)
	ctx := context.Background()
	const id = "1111111111111111111111111111111111111111"

	if err := writer.Fill(ctx, id, stored("first", 1), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := title(t, reader, id); got != "first" {
		t.Fatalf("first read: %q", got)
	}
	before := near.Stats()
	if got := title(t, reader, id); got != "first" {
		t.Fatalf("second read: %q", got)
	}
	if after := near.Stats(); after.Entries != 1 || after.Hits <= before.Hits {
		t.Fatalf("the second read was not served from the copy: before %+v, after %+v", before, after)
	}

	if err := writer.Fill(ctx, id, stored("second", 2), time.Minute); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance's update to reach the copy", func() bool { return title(t, reader, id) == "second" })
	if err := writer.Invalidate(ctx, id, 3, time.Minute); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance's delete to reach the copy", func() bool { return title(t, reader, id) == "" })
	if s := near.Stats(); s.Invalidations == 0 || s.Invalidated == 0 {
		t.Fatalf("no invalidation counted: %+v", s)
	}
}

// The instance that writes drops its own copy before the write returns: its
// next read shows the write, with no wait for Redis's push.
func TestNearCacheWriterReadsItsOwnWrites(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	url, prefix := testenv.Redis(t)
	cache := instance(t, url, prefix, openNear(t, url))
	ctx := context.Background()
	const id = "2222222222222222222222222222222222222222"
	for v := int64(1); v <= 20; v++ {
		want := "version " + strings.Repeat("i", int(v))
		if err := cache.Fill(ctx, id, stored(want, v), time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := title(t, cache, id); got != want {
			t.Fatalf("after writing %q the writer read %q", want, got)
		}
		if got := title(t, cache, id); got != want { // now from the copy
			t.Fatalf("after writing %q the writer's copy reads %q", want, got)
		}
	}
	if err := cache.Invalidate(ctx, id, 21, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := title(t, cache, id); got != "" {
		t.Fatalf("after the delete the writer read %q", got)
	}
}

// A Redis that dies takes the connections that tracked the copies with it;
// go-redis drops those copies, so nothing read before the restart is served
// after it, although the restarted Redis would never invalidate them.
func TestNearCacheDroppedWhenRedisRestarts(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	rs := testenv.StartRedis(t)
	near := openNear(t, rs.URL())
	reader, writer := instance(t, rs.URL(), "", near), instance(t, rs.URL(), "", nil)
	ctx := context.Background()
	const id = "3333333333333333333333333333333333333333"
	if err := writer.Fill(ctx, id, stored("before the restart", 1), time.Minute); err != nil {
		t.Fatal(err)
	}
	title(t, reader, id)
	if got := title(t, reader, id); got != "before the restart" || near.Stats().Entries != 1 {
		t.Fatalf("not kept before the restart: %q, %+v", got, near.Stats())
	}

	rs.Kill()
	rs.Start()
	eventually(t, "go-redis to drop the copies of the dead connections", func() bool { return near.Stats().Entries == 0 })
	// The restarted Redis is empty; the next write lands there, and the
	// first read after it must show it.
	eventually(t, "the writer to reach the restarted Redis", func() bool {
		return writer.Fill(ctx, id, stored("after the restart", 1), time.Minute) == nil
	})
	if got := title(t, reader, id); got != "after the restart" {
		t.Fatalf("first read after the restart: %q", got)
	}
}

// Where go-redis cannot keep a near cache fresh, there is none, and the
// reason names the setting or the server's lack.
func TestNearCacheOffWhereGoRedisCannotTrack(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	resp2 := testenv.StartRedisWith(t, testenv.FreePort(t), "--rename-command", "HELLO", "") // a server from before Redis 6
	url, _ := testenv.Redis(t)
	for name, tc := range map[string]struct{ url, reason string }{
		"cluster":    {url + "?addr=127.0.0.1:1", "cluster"},
		"database 1": {strings.TrimSuffix(url, "/0") + "/1", "database 1"},
		"resp2 url":  {url + "?protocol=2", "RESP2"},
		"resp2 only": {resp2.URL(), "RESP3"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		near, off := redis.OpenNearCache(ctx, redis.NearCacheOptions{URL: tc.url, MaxBytes: 1 << 20, MaxStaleness: time.Second})
		cancel()
		if near != nil {
			_ = near.Close()
			t.Errorf("%s: a near cache was opened", name)
			continue
		}
		if !strings.Contains(off, tc.reason) {
			t.Errorf("%s: the reason %q does not mention %q", name, off, tc.reason)
		}
	}
	// The RESP2-only server still serves the main client.
	plain := goredis.NewClient(&goredis.Options{Addr: strings.TrimPrefix(strings.TrimSuffix(resp2.URL(), "/0"), "redis://")})
	defer plain.Close()
	if err := plain.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("the RESP2-only server does not answer: %v", err)
	}
}

// BenchmarkMovieCacheHit reads one cached movie through the adapter: from
// Redis (one round trip) and from the near cache (none).
func BenchmarkMovieCacheHit(b *testing.B) {
	testenv.RequireIntegration(b)
	url, prefix := testenv.Redis(b)
	ctx := context.Background()
	const id = "4444444444444444444444444444444444444444"
	near, off := redis.OpenNearCache(ctx, redis.NearCacheOptions{URL: url, MaxBytes: 1 << 20, MaxStaleness: time.Hour})
	if near == nil {
		b.Fatalf("near cache off: %s", off)
	}
	b.Cleanup(func() { _ = near.Close() })
	for name, n := range map[string]*redis.NearCache{"redis": nil, "near": near} {
		b.Run(name, func(b *testing.B) {
			c, err := redis.NewClient(redis.Options{URL: url, Prefix: prefix})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			cache := redis.NewNearMovieCache(c, n)
			if err := cache.Fill(ctx, id, stored("Inception", 1), time.Minute); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, found, err := cache.Movie(ctx, id); !found || err != nil {
					b.Fatalf("found=%t err=%v", found, err)
				}
			}
		})
	}
}

package redis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
	"movieapi/internal/redis"
	"movieapi/internal/testenv"
)

func newCache(t *testing.T) redis.MovieCache {
	t.Helper()
	testenv.RequireIntegration(t)
	url, prefix := testenv.Redis(t)
	c, err := redis.NewClient(redis.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return redis.NewMovieCache(c)
}

func stored(title string, version int64) domain.StoredMovie {
	return domain.StoredMovie{Movie: domain.Movie{Title: title, Year: 2000, Stars: 1}, Version: version}
}

// Every entry expires with the TTL it was given.
func TestEntriesExpire(t *testing.T) {
	t.Parallel()
	cache, ctx := newCache(t), context.Background()
	const id = "cccccccccccccccccccccccccccccccccccccccc"
	if err := cache.Fill(ctx, id, stored("short", 1), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, found, err := cache.Movie(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the entry never expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestErrorRepliesFollowTheErrorPolicy: a Redis that answers "I cannot
// serve now" is an outage (503); one that refuses our command as wrong is a
// bug (no kind, 500) — never disguised as an outage.
func TestErrorRepliesFollowTheErrorPolicy(t *testing.T) {
	t.Parallel()
	store, raw, prefix := newSessions(t)
	ctx := context.Background()
	// A key of another type under a session's name: the ceremony GETDEL
	// is refused with WRONGTYPE.
	raw.HSet(ctx, prefix+"webauthn:auth:abc", "x", "1")
	_, err := store.TakeCeremony(ctx, domain.CeremonyLogin, "abc")
	if err == nil || domain.KindOf(err) != nil {
		t.Fatalf("WRONGTYPE answered %v (kind %v), want an error without a kind", err, domain.KindOf(err))
	}
	// A replica refuses writes with READONLY, as a former primary does
	// during a failover.
	primary, replica := testenv.StartRedis(t), testenv.StartRedis(t)
	opts, _ := goredis.ParseURL(replica.URL())
	admin := goredis.NewClient(opts)
	defer admin.Close()
	host, port, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(primary.URL(), "redis://"), "/0"), ":")
	if err := admin.ReplicaOf(ctx, host, port).Err(); err != nil {
		t.Fatal(err)
	}
	c, err := redis.NewClient(redis.Options{URL: replica.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = redis.NewSessionStore(c).PutCeremony(ctx, domain.CeremonyLogin, "abc", []byte("{}"), time.Minute)
	if !domain.HasKind(err, domain.ErrUnavailable) || !strings.Contains(err.Error(), "READONLY") {
		t.Fatalf("a read-only replica answered %v, want unavailable", err)
	}
	replica.Kill()
	_, err = redis.NewSessionStore(c).TakeCeremony(ctx, domain.CeremonyLogin, "abc")
	if !domain.HasKind(err, domain.ErrUnavailable) {
		t.Fatalf("a dead Redis answered %v, want unavailable", err)
	}
}

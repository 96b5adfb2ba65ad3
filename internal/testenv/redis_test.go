package testenv

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestRedisPrefixesAreUniqueAndCleanedUp(t *testing.T) {
	t.Parallel()
	RequireIntegration(t)
	var url, prefix, otherPrefix, outside string
	t.Run("user", func(t *testing.T) {
		url, prefix = Redis(t)
		_, otherPrefix = Redis(t)
		if prefix == otherPrefix || !strings.HasPrefix(prefix, "t:") || !strings.HasSuffix(prefix, ":") {
			t.Fatalf("prefixes %q and %q", prefix, otherPrefix)
		}
		// A key just outside the prefix must survive the cleanup.
		outside = strings.TrimSuffix(prefix, ":") + "-outside"
		client := redisClient(t, url)
		for _, key := range []string{prefix + "a", prefix + "b:c", otherPrefix + "x", outside} {
			if err := client.Set(t.Context(), key, "1", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	client := redisClient(t, url)
	defer client.Del(context.Background(), outside)
	left, err := client.Exists(t.Context(), prefix+"a", prefix+"b:c", otherPrefix+"x").Result()
	if err != nil || left != 0 {
		t.Fatalf("%d test keys left after the test ended (%v)", left, err)
	}
	if n, err := client.Exists(t.Context(), outside).Result(); err != nil || n != 1 {
		t.Fatalf("cleanup deleted a key outside its prefix (%v)", err)
	}
}

func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	return client
}

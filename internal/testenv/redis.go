package testenv

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Redis returns the URL of the shared test Redis and a key prefix private to
// the test ("t:<random>:"). Tests must keep their keys under the prefix; the
// keys left there are deleted when the test ends.
func Redis(t testing.TB) (url string, prefix string) {
	t.Helper()
	url = os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = redisContainer(t)
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("testenv: TEST_REDIS_URL is not a redis:// URL: %v", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		t.Fatalf("testenv: the Redis test server does not answer: %v (%s)", err, howToProvide)
	}
	prefix = "t:" + randomHex(8) + ":"
	t.Cleanup(func() {
		defer client.Close()
		ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
		defer cancel()
		if err := deleteKeys(ctx, client, prefix); err != nil {
			t.Errorf("testenv: delete test keys under %q: %v", prefix, err)
		}
	})
	return url, prefix
}

// deleteKeys removes every key under prefix. SCAN walks the key space in
// steps instead of blocking the server like KEYS; UNLINK frees the memory in
// the background. The prefix holds only hex digits and ':', so it needs no
// escaping in a MATCH pattern.
func deleteKeys(ctx context.Context, client *redis.Client, prefix string) error {
	iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := client.Unlink(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return client.Unlink(ctx, batch...).Err()
	}
	return nil
}

package testenv

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

// ping makes one attempt on a fresh connection, so no pooled connection to a
// previous run of the server can blur the answer.
func ping(t *testing.T, url string) error {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.MaxRetries = -1
	client := redis.NewClient(opts)
	defer client.Close()
	return client.Ping(t.Context()).Err()
}

func TestStartRedisLifecycle(t *testing.T) {
	t.Parallel()
	server := StartRedis(t)
	if err := ping(t, server.URL()); err != nil {
		t.Fatalf("fresh server: %v", err)
	}
	client := redisClient(t, server.URL())
	if err := client.Set(t.Context(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}

	server.Kill()
	if err := ping(t, server.URL()); err == nil {
		t.Fatal("killed server still answers")
	}
	server.Start()
	if err := ping(t, server.URL()); err != nil {
		t.Fatalf("restarted server: %v", err)
	}
	if n, err := client.Exists(t.Context(), "k").Result(); err != nil || n != 0 {
		t.Fatalf("a restart without persistence kept data (%d, %v)", n, err)
	}

	server.Stop()
	if err := ping(t, server.URL()); err == nil {
		t.Fatal("stopped server still answers")
	}
	server.Stop() // stopping twice is harmless
	server.Start()
	if err := ping(t, server.URL()); err != nil {
		t.Fatalf("server restarted after Stop: %v", err)
	}
}

func TestStartRedisServersAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := StartRedis(t), StartRedis(t)
	if a.URL() == b.URL() {
		t.Fatal("two servers share one address")
	}
	a.Stop()
	if err := ping(t, b.URL()); err != nil {
		t.Fatalf("stopping one server affected the other: %v", err)
	}
}

package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// engineTimeout bounds waiting for a set of engines to settle (replicas in
// sync, a cluster formed, a failover done). It only stops a hang; the wait
// itself polls.
const engineTimeout = 60 * time.Second

// pollUntil polls cond every 20 ms until it holds, failing the test after
// engineTimeout.
func pollUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(engineTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("testenv: gave up waiting for %s after %s", what, engineTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// info is one section of INFO from the server at addr ("" when it does not
// answer), with one attempt on a fresh connection.
func info(t testing.TB, addr, section string) string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := c.Info(ctx, section).Result()
	if err != nil {
		return ""
	}
	return out
}

// roleOf is the server's replication role ("master", "slave"; "" when it
// does not answer).
func roleOf(t testing.TB, addr string) string {
	t.Helper()
	for _, line := range strings.Split(info(t, addr, "replication"), "\n") {
		if role, ok := strings.CutPrefix(strings.TrimSpace(line), "role:"); ok {
			return role
		}
	}
	return ""
}

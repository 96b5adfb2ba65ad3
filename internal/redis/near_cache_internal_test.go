package redis

import (
	"context"
	"testing"
	"time"

	"movieapi/internal/testenv"
)

// forget names keys the way go-redis indexes its copies: if a go-redis
// release changed its namespace, forget would silently drop nothing and a
// writer could read its old value until Redis's push arrived.
func TestForgetDropsTheCopy(t *testing.T) {
	t.Parallel()
	testenv.RequireIntegration(t)
	url, prefix := testenv.Redis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	near, off := OpenNearCache(ctx, NearCacheOptions{URL: url, MaxBytes: 1 << 20, MaxStaleness: time.Hour})
	if near == nil {
		t.Fatalf("near cache off: %s", off)
	}
	defer near.Close()
	key := prefix + "forget-me"
	if err := near.rdb.Set(ctx, key, "value", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	// Nothing writes the key from here on, so no push can remove the copy.
	for range 2 {
		if err := near.rdb.Get(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n := near.local.Len(); n != 1 {
		t.Fatalf("%d copies after reading one key", n)
	}
	near.forget(key)
	if n := near.local.Len(); n != 0 {
		t.Fatalf("%d copies after forget", n)
	}
}

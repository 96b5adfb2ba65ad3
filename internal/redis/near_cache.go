package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// NearCache keeps copies of movie entries in the process, with go-redis's
// server-assisted client-side caching: its connections run CLIENT TRACKING,
// Redis pushes an invalidation to every instance that read a key when any
// client changes it, and go-redis drops the copy when the push arrives. It
// is a second go-redis client beside the main one, so only movie reads are
// cached: sessions and ceremony state keep their one source of truth.
//
// What go-redis guarantees, and docs/architecture.md builds the contract on:
// a copy is never served after its invalidation has been read from the
// connection, nor past MaxStaleness after it was fetched (a backstop for a
// lost push), and copies fetched over a connection are dropped when that
// connection is closed or found dead, since Redis stops tracking for it.
type NearCache struct {
	rdb   *goredis.Client
	local *goredis.LocalCache
	// index is what go-redis puts before a Redis key name in its
	// key-to-copies index (its cache namespace for database 0 and the
	// URL's user); forget uses it. TestForgetDropsTheCopy fails if a
	// go-redis release changes it.
	index string
	// maxInvalidated keeps Stats' Invalidated from ever going back.
	maxInvalidated atomic.Uint64
}

// NearCacheOptions bounds the near cache.
type NearCacheOptions struct {
	URL          string // REDIS_URL; the near cache opens connections of its own
	MaxBytes     int64
	MaxStaleness time.Duration
	// DrainInterval is how often go-redis reads the invalidations Redis
	// pushed to idle connections (a busy one reads them with its next
	// reply): it sets the usual cross-instance staleness, and each tick
	// wakes the process. 0: go-redis's default (5 ms).
	DrainInterval time.Duration
}

// nearEntryOverhead is the Go heap one copy takes beyond its key and value
// bytes (the entry, its three index maps, the reply): the live heap of an
// instance holding 18,000 movie copies grew by about 1,150 bytes a copy where
// go-redis's own estimate says 330, so MaxBytes bounds what the copies
// really hold (docs/benchmarks.md, memory).
const nearEntryOverhead = 950

// OpenNearCache builds the near cache and checks that Redis will keep it
// fresh. When go-redis cannot (a cluster URL, a database other than 0, a
// server without RESP3 or CLIENT TRACKING) it returns nil and why, so the
// caller can log one line and carry on without it.
func OpenNearCache(ctx context.Context, o NearCacheOptions) (n *NearCache, off string) {
	opts, off := nearClientOptions(o.URL)
	if off != "" {
		return nil, off
	}
	cfg := goredis.ClientSideCacheConfig{
		MaxMemoryBytes: o.MaxBytes,
		MaxStaleness:   o.MaxStaleness,
		DrainInterval:  o.DrainInterval,
		Sizer:          nearEntrySize,
	}
	local := goredis.NewLocalCache(cfg)
	// The cache is built here (not by go-redis from the config) so the
	// service can read its statistics and drop its own writes' copies; the
	// config still carries the drain interval, which go-redis reads from it.
	opts.ClientSideCache, opts.ClientSideCacheConfig = local, &cfg
	// Named, though it is the zero value: one shared cache, CLIENT TRACKING on
	// every pooled connection, a drainer for the idle ones (the only strategy
	// go-redis v9.23 has; a BCAST one would change what a lost push means).
	opts.ClientSideCacheStrategy = goredis.CSCStrategySharedTracking
	rdb := goredis.NewClient(opts)
	if off := confirmTracking(ctx, rdb); off != "" {
		_ = rdb.Close()
		return nil, off
	}
	return &NearCache{rdb: rdb, local: local, index: nearIndexPrefix(opts.Username)}, ""
}

// nearClientOptions parses REDIS_URL for the near cache's own client, with
// the main client's timeouts and retries; off says why there can be none.
func nearClientOptions(redisURL string) (*goredis.Options, string) {
	if u, err := url.Parse(redisURL); err == nil && u.Query().Has("addr") {
		return nil, "REDIS_URL names a cluster; go-redis keeps a near cache for a single server only"
	}
	opts, err := goredis.ParseURL(redisURL)
	if err != nil {
		return nil, "REDIS_URL does not name a single server go-redis can track keys on: " + err.Error()
	}
	if opts.DB != 0 {
		return nil, fmt.Sprintf("REDIS_URL selects database %d; go-redis tracks keys on database 0 only", opts.DB)
	}
	if opts.Protocol == 2 {
		return nil, "REDIS_URL asks for RESP2 (protocol=2); invalidations need RESP3"
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.PoolTimeout = dialTimeout, readTimeout, writeTimeout, poolTimeout
	opts.DialerRetries = dialAttempts
	opts.MaxRetries, opts.MaxRetryBackoff = commandRetries, retryBackoffMax
	return opts, ""
}

// confirmTracking asks Redis, over the near client's own connections,
// whether they speak RESP3 and track keys. go-redis would also turn the
// cache off by itself on a RESP2 server, but silently (one library log
// line); asking makes the service say so. CLIENT TRACKINGINFO needs Redis
// 6.2: an older server is treated as unable, the safe side.
func confirmTracking(ctx context.Context, rdb *goredis.Client) string {
	hello, err := rdb.Do(ctx, "hello").Result()
	var redisErr goredis.Error
	switch {
	case errors.As(err, &redisErr):
		return "Redis does not speak RESP3 (HELLO: " + err.Error() + "); invalidations cannot reach a near cache"
	case err != nil:
		return "could not ask Redis whether it can track keys: " + err.Error()
	case mapField(hello, "proto") != int64(3):
		return "the connection to Redis did not switch to RESP3; invalidations cannot reach a near cache"
	}
	info, err := rdb.Do(ctx, "client", "trackinginfo").Result()
	if err != nil {
		return "Redis does not confirm CLIENT TRACKING (needs Redis 6.2 or later): " + err.Error()
	}
	flags, _ := mapField(info, "flags").([]any)
	for _, f := range flags {
		if f == "on" {
			return ""
		}
	}
	return fmt.Sprintf("Redis reports tracking flags %v, not on, for the near cache's connection", flags)
}

// mapField reads one field of a RESP3 map reply as go-redis decodes it.
func mapField(reply any, name string) any {
	m, _ := reply.(map[any]any)
	return m[name]
}

// nearIndexPrefix is go-redis's cache namespace for database 0 and user
// (csc_integration.go, cscNamespacePrefix): "0", NUL, the user's length,
// ":", the user, NUL.
func nearIndexPrefix(user string) string {
	return "0\x00" + strconv.Itoa(len(user)) + ":" + user + "\x00"
}

// nearEntrySize is go-redis's default estimate with the overhead measured
// for this service's entries (see nearEntryOverhead).
func nearEntrySize(cacheKey string, redisKeys []string, value []byte) int64 {
	size := int64(nearEntryOverhead + len(cacheKey) + len(value))
	for _, k := range redisKeys {
		size += int64(len(k)) + 16
	}
	return size
}

// forget drops this process's copy of key at once. A write calls it after
// Redis has the new entry and before the write answers, so the instance that
// made the write never serves the old value afterwards: Redis's push reaches
// this process too, but only when the connection that read the key is next
// read. A fetch that started before the write loses its reservation and is
// not stored. Nil-safe: without a near cache there is nothing to drop.
func (n *NearCache) forget(key string) {
	if n != nil {
		n.local.DeleteByRedisKey(n.index + key)
	}
}

// NearStats are go-redis's counters of the near cache.
type NearStats struct {
	Hits, Misses uint64
	// Invalidations counts the keys named in invalidations Redis pushed;
	// Invalidated, the copies removed because their key changed (on such a
	// push, or by a write of this process).
	Invalidations, Invalidated uint64
	Entries                    int
	Bytes                      int64 // as nearEntrySize estimates them
}

// Stats reads the counters; cheap enough for every metrics scrape.
func (n *NearCache) Stats() NearStats {
	s := n.local.Stats()
	return NearStats{
		Hits: s.Hits, Misses: s.Misses,
		Invalidations: n.local.InvalidationStats(), Invalidated: n.invalidated(),
		Entries: s.Entries, Bytes: s.MemoryUsageBytes,
	}
}

// invalidated is go-redis's applied deletions less those that found no copy.
// The two counters are read one after the other while deletions go on, so
// the difference can come out a little low; the largest value seen is kept,
// so that the counter never appears to go back.
func (n *NearCache) invalidated() uint64 {
	deletions, noop := n.local.DeletionStats()
	v := deletions - min(noop, deletions)
	for {
		seen := n.maxInvalidated.Load()
		if v <= seen || n.maxInvalidated.CompareAndSwap(seen, v) {
			return max(v, seen)
		}
	}
}

// Close stops go-redis's drainer and closes the near cache's connections.
func (n *NearCache) Close() error { return n.rdb.Close() }

// reads is the client movie reads go through: the near cache's when there
// is one. Writes always go through the main client; Redis's invalidations
// reach the near cache whichever client wrote.
func (m MovieCache) reads() goredis.StringCmdable {
	if m.near != nil {
		return m.near.rdb
	}
	return m.c.rdb
}

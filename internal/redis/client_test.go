package redis

import (
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// Every URL form gets the service's timeouts and retry policy, whatever
// go-redis's defaults for that form are.
func TestNewClientTunesEveryTopology(t *testing.T) {
	for name, url := range map[string]string{
		"single":   "redis://127.0.0.1:6379/0",
		"cluster":  "redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002",
		"sentinel": "redis://127.0.0.1:26379/0?master_name=mymaster&addr=127.0.0.1:26380",
	} {
		c, err := NewClient(Options{URL: url, PoolSize: 7})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got goredis.Options
		switch rdb := c.rdb.(type) {
		case *goredis.ClusterClient:
			o := rdb.Options()
			got = goredis.Options{DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
				PoolTimeout: o.PoolTimeout, DialerRetries: o.DialerRetries, MaxRetries: o.MaxRetries,
				MaxRetryBackoff: o.MaxRetryBackoff, PoolSize: o.PoolSize, Addr: "cluster"}
		case *goredis.Client:
			got = *rdb.Options()
		}
		want := map[string]bool{"single": got.Addr == "127.0.0.1:6379", "cluster": got.Addr == "cluster",
			"sentinel": got.Addr == "FailoverClient"}
		if !want[name] {
			t.Errorf("%s: built a client for %q", name, got.Addr)
		}
		if got.DialTimeout != dialTimeout || got.ReadTimeout != readTimeout || got.WriteTimeout != writeTimeout ||
			got.PoolTimeout != poolTimeout || got.DialerRetries != dialAttempts || got.MaxRetries != commandRetries ||
			got.MaxRetryBackoff != retryBackoffMax || got.PoolSize != 7 {
			t.Errorf("%s: options not tuned: %+v", name, got)
		}
		_ = c.Close()
	}
}

// What go-redis would refuse, or panic on, is an error that names the
// variable.
func TestNewClientRefusesBadURLs(t *testing.T) {
	for url, want := range map[string]string{
		"redis://127.0.0.1:26379?master_name=m&route_randomly=true":   "only talks to the primary",
		"redis://127.0.0.1:26379?master_name=m&route_by_latency=true": "only talks to the primary",
		"redis://127.0.0.1:26379?master_name=":                        "master_name is empty",
		"redis://127.0.0.1:26379?master_name=m&sentinels=x":           "unexpected option",
		"redis://127.0.0.1:7000?addr=127.0.0.1:7001&bogus=1":          "unexpected option",
		"redis://127.0.0.1:6379/0?bogus=1":                            "unexpected option",
		"redis://127.0.0.1:6379/zero":                                 "invalid database",
	} {
		c, err := NewClient(Options{URL: url})
		if err == nil {
			_ = c.Close()
			t.Errorf("%s: accepted", url)
			continue
		}
		if !strings.HasPrefix(err.Error(), "REDIS_URL") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error about REDIS_URL saying %q", url, err, want)
		}
	}
}

package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// Timeouts of every Redis call. They are short on purpose: Redis answers in
// well under a millisecond, and a cache that hangs is worse than no cache.
// One dial attempt per connection: go-redis's default of five with backoff
// would hold every request for half a second while Redis is down, before its
// dial circuit opens. One command retry, after a short pause, is kept: it
// replaces a pooled connection that died with a restarted Redis, which three
// retries with up to 512 ms of backoff would do no better, only slower.
const (
	dialAttempts    = 1
	commandRetries  = 1
	retryBackoffMax = 8 * time.Millisecond
	dialTimeout     = 2 * time.Second
	readTimeout     = time.Second
	writeTimeout    = time.Second
	poolTimeout     = 2 * time.Second
)

// Options configures the client.
type Options struct {
	URL      string
	Prefix   string // prepended to every key; "" in production
	PoolSize int    // 0: go-redis default (10 per CPU)
}

// Client wraps a go-redis universal client (single node, cluster, or a
// primary found through Sentinel).
type Client struct {
	rdb  goredis.UniversalClient
	keys Keys
}

// NewClient parses the URL and builds the client; it does not dial. The URL
// forms are go-redis's own:
//
//   - redis://host:6379/0: one node;
//   - redis://h1:6379?addr=h2:6379&addr=h3:6379: a cluster (ParseClusterURL),
//     any node as a seed;
//   - redis://s1:26379/0?master_name=mymaster&addr=s2:26379: the primary that
//     the Sentinels at s1, s2, … name (ParseFailoverURL); the URL's user and
//     password are the Sentinels', the query's password the primary's.
func NewClient(o Options) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, errors.New("REDIS_URL is not a URL")
	}
	var rdb goredis.UniversalClient
	switch q := u.Query(); {
	case q.Has("master_name"):
		opts, err := goredis.ParseFailoverURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		if opts.MasterName == "" {
			return nil, errors.New("REDIS_URL: master_name is empty; it names the primary the Sentinels watch")
		}
		// go-redis panics on these two with a single failover client: they
		// need its read-from-replicas cluster variant, which would serve
		// stale ceremony state and sessions.
		if opts.RouteByLatency || opts.RouteRandomly {
			return nil, errors.New("REDIS_URL: route_by_latency and route_randomly read from replicas; " +
				"the service reads what it has just written, so it only talks to the primary")
		}
		tune(sharedOptions{&opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout,
			&opts.DialerRetries, &opts.MaxRetries, &opts.MaxRetryBackoff, &opts.PoolSize}, o.PoolSize)
		rdb = goredis.NewFailoverClient(opts)
	case q.Has("addr"):
		opts, err := goredis.ParseClusterURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		tune(sharedOptions{&opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout,
			&opts.DialerRetries, &opts.MaxRetries, &opts.MaxRetryBackoff, &opts.PoolSize}, o.PoolSize)
		cluster := goredis.NewClusterClient(opts)
		cluster.AddHook(reloadSlotsOnFailure{cluster})
		rdb = cluster
	default:
		opts, err := goredis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		tune(sharedOptions{&opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout,
			&opts.DialerRetries, &opts.MaxRetries, &opts.MaxRetryBackoff, &opts.PoolSize}, o.PoolSize)
		rdb = goredis.NewClient(opts)
	}
	return &Client{rdb: rdb, keys: Keys{Prefix: o.Prefix}}, nil
}

// sharedOptions points at the fields that go-redis's three option types
// (Options, ClusterOptions, FailoverOptions) have in common and that the
// service sets the same way whatever the topology.
type sharedOptions struct {
	dialTimeout, readTimeout, writeTimeout, poolTimeout *time.Duration
	dialerRetries, maxRetries                           *int
	maxRetryBackoff                                     *time.Duration
	poolSize                                            *int
}

// tune applies the timeouts and retry policy above; poolSize > 0 replaces
// go-redis's pool size.
func tune(o sharedOptions, poolSize int) {
	*o.dialTimeout, *o.readTimeout, *o.writeTimeout, *o.poolTimeout = dialTimeout, readTimeout, writeTimeout, poolTimeout
	*o.dialerRetries = dialAttempts
	*o.maxRetries, *o.maxRetryBackoff = commandRetries, retryBackoffMax
	if poolSize > 0 {
		*o.poolSize = poolSize
	}
}

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return domain.Unavailable(err)
	}
	return nil
}

// Close releases the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// Keys names every key the service writes (docs/contract.md §10).
type Keys struct{ Prefix string }

func (k Keys) Movie(id string) string { return k.Prefix + "movie:" + id }

func (k Keys) Session(tokenHash string) string { return k.Prefix + "session:" + tokenHash }

func (k Keys) UserSessions(userID int64) string {
	return k.Prefix + "sessions:user:" + strconv.FormatInt(userID, 10)
}

func (k Keys) Ceremony(kind domain.CeremonyKind, challenge string) string {
	return k.Prefix + "webauthn:" + string(kind) + ":" + challenge
}

func (k Keys) RateLimit(key string) string { return k.Prefix + "ratelimit:" + key }

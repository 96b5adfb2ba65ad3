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

// Client wraps a go-redis universal client (single node or cluster).
type Client struct {
	rdb  goredis.UniversalClient
	keys Keys
}

// NewClient parses the URL and builds the client; it does not dial. A URL
// with `addr` query parameters (redis://h1:6379?addr=h2:6379&addr=h3:6379)
// selects a cluster client, as go-redis's ParseClusterURL defines.
func NewClient(o Options) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, errors.New("REDIS_URL is not a URL")
	}
	var rdb goredis.UniversalClient
	if u.Query().Has("addr") {
		opts, err := goredis.ParseClusterURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.PoolTimeout = dialTimeout, readTimeout, writeTimeout, poolTimeout
		opts.DialerRetries = dialAttempts
		opts.MaxRetries, opts.MaxRetryBackoff = commandRetries, retryBackoffMax
		if o.PoolSize > 0 {
			opts.PoolSize = o.PoolSize
		}
		rdb = goredis.NewClusterClient(opts)
	} else {
		opts, err := goredis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.PoolTimeout = dialTimeout, readTimeout, writeTimeout, poolTimeout
		opts.DialerRetries = dialAttempts
		opts.MaxRetries, opts.MaxRetryBackoff = commandRetries, retryBackoffMax
		if o.PoolSize > 0 {
			opts.PoolSize = o.PoolSize
		}
		rdb = goredis.NewClient(opts)
	}
	return &Client{rdb: rdb, keys: Keys{Prefix: o.Prefix}}, nil
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

package redis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// MovieCache implements domain.MovieCache. Each entry carries the version of
// the row it came from; an invalidation leaves a marker with the version of
// the write. A fill only lands when nothing newer is stored, so a reader that
// read the row before a PUT or DELETE can never put the old value back.
// Reads go through the near cache when there is one (near_cache.go).
type MovieCache struct {
	c    *Client
	near *NearCache // nil: every read asks Redis
}

var _ domain.MovieCache = MovieCache{}

// NewMovieCache returns the cache over c.
func NewMovieCache(c *Client) MovieCache { return MovieCache{c: c} }

// NewNearMovieCache returns the cache over c whose reads are kept in near
// for as long as Redis does not invalidate them.
func NewNearMovieCache(c *Client, near *NearCache) MovieCache { return MovieCache{c: c, near: near} }

// setIfNotNewer writes ARGV[2] unless the stored entry's version is greater
// than ARGV[1]. The version is always the first field, so a pattern match
// reads it without decoding JSON inside Redis.
var setIfNotNewer = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur then
  local v = tonumber(string.match(cur, '^{"v":(%d+)'))
  if v and v > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// Movie reads one entry; an invalidation marker is a miss.
func (m MovieCache) Movie(ctx context.Context, id string) (domain.StoredMovie, bool, error) {
	raw, err := m.reads().Get(ctx, m.c.keys.Movie(id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return domain.StoredMovie{}, false, nil
	}
	if err != nil {
		return domain.StoredMovie{}, false, unavailable(err)
	}
	e, err := decodeEntry(raw)
	if err != nil || (!e.Gone && e.Movie == nil) {
		// A value we cannot read is treated as a miss; the next fill replaces it.
		return domain.StoredMovie{}, false, nil
	}
	if e.Gone {
		return domain.StoredMovie{}, false, nil
	}
	return domain.StoredMovie{Movie: *e.Movie, Version: e.Version}, true, nil
}

// Fill stores the movie unless a newer version (value or marker) is cached.
func (m MovieCache) Fill(ctx context.Context, id string, sm domain.StoredMovie, ttl time.Duration) error {
	mv := sm.Movie
	return m.set(ctx, id, entry{Version: sm.Version, Movie: &mv}, ttl)
}

// Invalidate leaves a marker of the write's version for ttl; it must outlive
// any read that started before the write (requests are bounded well below).
func (m MovieCache) Invalidate(ctx context.Context, id string, version int64, ttl time.Duration) error {
	return m.set(ctx, id, entry{Version: version, Gone: true}, ttl)
}

func (m MovieCache) set(ctx context.Context, id string, e entry, ttl time.Duration) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	key := m.c.keys.Movie(id)
	err = setIfNotNewer.Run(ctx, m.c.rdb, []string{key},
		strconv.FormatInt(e.Version, 10), payload, ttl.Milliseconds()).Err()
	m.near.forget(key) // even on error: Redis may have applied it
	return unavailable(err)
}

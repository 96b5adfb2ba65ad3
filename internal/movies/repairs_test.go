package movies_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/movies"
)

// A cache that comes back with its data after an outage (a promoted Redis
// replica) still holds what was there before the writes made meanwhile.
// The instance that wrote repairs those entries at its first cache call
// that succeeds, and never serves them from the cache before.
func TestWritesMadeWhileTheCacheWasDownAreRepaired(t *testing.T) {
	ctx := context.Background()
	repo, cache := newRepo(), &fakeCache{entries: map[string]cacheEntry{}}
	writer, reader := newService(repo, cache), newService(repo, cache)

	m := domain.Movie{Title: "Heat", Year: 1995, Stars: 4}
	id, err := writer.Add(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	other, err := writer.Add(ctx, domain.Movie{Title: "Ronin", Year: 1998, Stars: 3})
	if err != nil {
		t.Fatal(err)
	}

	cache.setDown(true)
	m.Stars = 5
	if _, err := writer.Update(ctx, id, m); err != nil {
		t.Fatalf("an update while the cache is down must succeed: %v", err)
	}
	cache.setDown(false) // back, with the entry from before the update

	// Until the writer calls the cache again, another instance reads the
	// entry from before the update (the documented window).
	if got := get(t, reader, id); got.Stars != 4 {
		t.Fatalf("precondition: the cache should still hold the old entry, got %v", got.Stars)
	}
	if got := get(t, writer, id); got.Stars != 5 {
		t.Fatalf("the writer read %v from a cache entry it knows to be stale", got.Stars)
	}
	if got := get(t, reader, id); got.Stars != 5 {
		t.Fatalf("after the repair another instance reads %v, want 5", got.Stars)
	}
	// A cache call for any other movie repairs as well.
	cache.setDown(true)
	m.Stars = 1
	if _, err := writer.Update(ctx, id, m); err != nil {
		t.Fatal(err)
	}
	cache.setDown(false)
	get(t, writer, other)
	if got := get(t, reader, id); got.Stars != 1 {
		t.Fatalf("after a repair made by another read, another instance reads %v, want 1", got.Stars)
	}

	cache.setDown(true)
	if err := writer.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	cache.setDown(false)
	get(t, writer, other)
	if _, err := reader.Get(ctx, id); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a movie deleted while the cache was down reads %v after the repair", err)
	}
}

func get(t *testing.T, s *movies.Service, id string) domain.Movie {
	t.Helper()
	m, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return m
}

func newService(repo *fakeRepo, cache *fakeCache) *movies.Service {
	return movies.New(movies.Options{Repo: repo, Cache: cache, Metrics: noMetrics{}, CacheTTL: time.Minute})
}

// fakeRepo keeps rows and versions as PostgreSQL does: one counter for
// every write.
type fakeRepo struct {
	mu      sync.Mutex
	rows    map[string]domain.StoredMovie
	version int64
}

func newRepo() *fakeRepo { return &fakeRepo{rows: map[string]domain.StoredMovie{}} }

func (r *fakeRepo) MovieByID(_ context.Context, id string) (domain.StoredMovie, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sm, ok := r.rows[id]
	if !ok {
		return sm, domain.ErrNotFound
	}
	return sm, nil
}

func (r *fakeRepo) InsertMovie(ctx context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	return r.UpsertMovie(ctx, id, m)
}

func (r *fakeRepo) UpsertMovie(_ context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.version++
	r.rows[id] = domain.StoredMovie{Movie: m, Version: r.version}
	return r.rows[id], nil
}

func (r *fakeRepo) DeleteMovie(_ context.Context, id string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.rows[id]; !ok {
		return 0, domain.ErrNotFound
	}
	delete(r.rows, id)
	r.version++
	return r.version, nil
}

// fakeCache refuses an older version over a newer one, as the Redis cache
// does, and fails every call while down.
type fakeCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
	down    bool
}

type cacheEntry struct {
	sm   domain.StoredMovie
	gone bool
}

var errCacheDown = domain.Unavailable(errors.New("cache down"))

func (c *fakeCache) setDown(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = down
}

func (c *fakeCache) Movie(_ context.Context, id string) (domain.StoredMovie, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return domain.StoredMovie{}, false, errCacheDown
	}
	e, ok := c.entries[id]
	return e.sm, ok && !e.gone, nil
}

func (c *fakeCache) Fill(_ context.Context, id string, sm domain.StoredMovie, _ time.Duration) error {
	return c.set(id, cacheEntry{sm: sm})
}

func (c *fakeCache) Invalidate(_ context.Context, id string, version int64, _ time.Duration) error {
	return c.set(id, cacheEntry{sm: domain.StoredMovie{Version: version}, gone: true})
}

func (c *fakeCache) set(id string, e cacheEntry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return errCacheDown
	}
	if cur, ok := c.entries[id]; !ok || cur.sm.Version <= e.sm.Version {
		c.entries[id] = e
	}
	return nil
}

type noMetrics struct{}

func (noMetrics) RequestStarted()                                    {}
func (noMetrics) RequestFinished(string, string, int, time.Duration) {}
func (noMetrics) MovieCreated()                                      {}
func (noMetrics) CacheLookup(domain.CacheResult)                     {}
func (noMetrics) Registration(bool)                                  {}
func (noMetrics) Authentication(bool)                                {}
func (noMetrics) CloneWarning()                                      {}
func (noMetrics) SessionCreated()                                    {}

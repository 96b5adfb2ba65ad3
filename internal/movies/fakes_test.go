package movies

import (
	"context"
	"sync"
	"testing"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/porttest"
)

// memRepo is an in-memory domain.MovieRepository: one version counter for
// every write, as the PostgreSQL sequence. Each call commits at once, so a
// context cancelled after the call began is one the commit already beat.
type memRepo struct {
	mu      sync.Mutex
	movies  map[string]domain.StoredMovie
	version int64
	calls   int
	fail    error // returned by every call when set
}

func newMemRepo() *memRepo { return &memRepo{movies: map[string]domain.StoredMovie{}} }

func (r *memRepo) enter() error {
	r.calls++
	return r.fail
}

func (r *memRepo) MovieByID(_ context.Context, id string) (domain.StoredMovie, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.enter(); err != nil {
		return domain.StoredMovie{}, err
	}
	m, ok := r.movies[id]
	if !ok {
		return domain.StoredMovie{}, domain.ErrNotFound
	}
	return m, nil
}

func (r *memRepo) InsertMovie(_ context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.enter(); err != nil {
		return domain.StoredMovie{}, err
	}
	if _, ok := r.movies[id]; ok {
		return domain.StoredMovie{}, domain.ErrConflict
	}
	return r.store(id, m), nil
}

func (r *memRepo) UpsertMovie(_ context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.enter(); err != nil {
		return domain.StoredMovie{}, err
	}
	return r.store(id, m), nil
}

func (r *memRepo) store(id string, m domain.Movie) domain.StoredMovie {
	r.version++
	s := domain.StoredMovie{Movie: m, Version: r.version}
	r.movies[id] = s
	return s
}

func (r *memRepo) DeleteMovie(_ context.Context, id string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.enter(); err != nil {
		return 0, err
	}
	if _, ok := r.movies[id]; !ok {
		return 0, domain.ErrNotFound
	}
	delete(r.movies, id)
	r.version++
	return r.version, nil
}

// memCache is an in-memory domain.MovieCache keeping versions and
// invalidation markers as the Redis one does; TTLs are not modelled. Like a
// network client it refuses to work for a cancelled context.
type memCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
	fail    error // returned by every call when set
}

type cacheEntry struct {
	movie domain.StoredMovie
	gone  bool
}

func newMemCache() *memCache { return &memCache{entries: map[string]cacheEntry{}} }

func (c *memCache) Movie(_ context.Context, id string) (domain.StoredMovie, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return domain.StoredMovie{}, false, c.fail
	}
	e, ok := c.entries[id]
	if !ok || e.gone {
		return domain.StoredMovie{}, false, nil
	}
	return e.movie, true, nil
}

func (c *memCache) Fill(ctx context.Context, id string, m domain.StoredMovie, _ time.Duration) error {
	return c.set(ctx, id, cacheEntry{movie: m})
}

func (c *memCache) Invalidate(ctx context.Context, id string, version int64, _ time.Duration) error {
	return c.set(ctx, id, cacheEntry{movie: domain.StoredMovie{Version: version}, gone: true})
}

func (c *memCache) set(ctx context.Context, id string, e cacheEntry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	if err := ctx.Err(); err != nil {
		return domain.Unavailable(err)
	}
	if cur, ok := c.entries[id]; ok && cur.movie.Version > e.movie.Version {
		return nil
	}
	c.entries[id] = e
	return nil
}

// fakeMetrics counts what the service reports.
type fakeMetrics struct {
	mu      sync.Mutex
	created int
	lookups map[domain.CacheResult]int
}

func (m *fakeMetrics) MovieCreated() { m.mu.Lock(); m.created++; m.mu.Unlock() }

func (m *fakeMetrics) CacheLookup(r domain.CacheResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lookups == nil {
		m.lookups = map[domain.CacheResult]int{}
	}
	m.lookups[r]++
}

// The fakes keep the same contracts as the PostgreSQL and Redis adapters.
func TestFakeMovieRepositoryContract(t *testing.T) {
	t.Parallel()
	porttest.MovieRepository(t, func(*testing.T) domain.MovieRepository { return newMemRepo() })
}

func TestFakeMovieCacheContract(t *testing.T) {
	t.Parallel()
	porttest.MovieCache(t, func(*testing.T) domain.MovieCache { return newMemCache() })
}

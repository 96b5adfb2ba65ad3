package movies

import (
	"context"
	"sync"
	"time"

	"movieapi/internal/domain"
)

// repairs remembers the cache writes that failed after a committed movie
// write, and makes them as soon as the cache answers again.
//
// A write commits in PostgreSQL, then stores its version in the cache; when
// the cache cannot be reached the write still succeeds. A cache that comes
// back empty (a restarted Redis) holds nothing stale, but one that comes
// back with its data (a replica promoted by Sentinel or Cluster, a healed
// partition) still holds the value from before the write. So the instance
// that wrote repairs the entry at its first cache access that succeeds,
// and until then reads those ids from PostgreSQL itself. Another instance
// can still read the old entry between the cache coming back and that
// repair: docs/operations.md ("Scaling out") reports how long that was.
type repairs struct {
	mu      sync.Mutex
	pending map[string]repair
	running sync.Mutex // one repair pass at a time
	ttl     time.Duration
	now     func() time.Time
}

// repair is the cache write a movie write could not make: the row it
// stored, or the marker of its delete, at the write's version.
type repair struct {
	stored  domain.StoredMovie
	deleted bool
	// until: the cache entry the repair replaces has expired by then (it
	// was written no later than the repair was remembered).
	until time.Time
}

// maxRepairs bounds the memory a long cache outage can take; past it
// further repairs are not remembered, and their entries may stay stale
// until they expire (AXUM_MOVIE_CACHE_TTL_SEC).
const maxRepairs = 100_000

func newRepairs(ttl time.Duration, now func() time.Time) *repairs {
	return &repairs{pending: map[string]repair{}, ttl: ttl, now: now}
}

// remember keeps the repair of id unless a newer one is pending.
func (r *repairs) remember(id string, rp repair) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.pending[id]; ok && old.stored.Version > rp.stored.Version {
		return
	}
	if _, ok := r.pending[id]; !ok && len(r.pending) >= maxRepairs {
		return
	}
	rp.until = r.now().Add(r.ttl)
	r.pending[id] = rp
}

// pendingFor reports whether id's cache entry may be stale.
func (r *repairs) pendingFor(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.pending[id]
	return ok
}

// run makes the pending repairs with apply, stopping at the first failure
// (the cache went away again). A request that finds a pass under way waits
// for it: once any request of this instance has met a working cache after
// an outage, the instance's repairs are done. With nothing pending it
// returns at once.
func (r *repairs) run(ctx context.Context, apply func(context.Context, string, repair) error) {
	if r.empty() {
		return
	}
	r.running.Lock()
	defer r.running.Unlock()
	for id, rp := range r.snapshot() {
		if r.now().After(rp.until) {
			r.forget(id, rp)
			continue
		}
		if err := apply(ctx, id, rp); err != nil {
			return
		}
		r.forget(id, rp)
	}
}

func (r *repairs) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending) == 0
}

func (r *repairs) snapshot() map[string]repair {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) == 0 {
		return nil
	}
	out := make(map[string]repair, len(r.pending))
	for id, rp := range r.pending {
		out[id] = rp
	}
	return out
}

// forget drops id's repair unless a newer one replaced it meanwhile.
func (r *repairs) forget(id string, done repair) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.pending[id]; ok && cur.stored.Version == done.stored.Version {
		delete(r.pending, id)
	}
}

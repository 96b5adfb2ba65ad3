package movies

import (
	"context"
	"errors"
	"testing"
	"time"

	"movieapi/internal/domain"
)

// A cache that comes back with its data after an outage (a promoted Redis
// replica) still holds what was there before the writes made meanwhile.
// The instance that wrote repairs those entries at its first cache call
// that succeeds, and never serves them from the cache before.
func TestWritesMadeWhileTheCacheWasDownAreRepaired(t *testing.T) {
	ctx := context.Background()
	repo, cache := newMemRepo(), newMemCache()
	writer, reader := serviceOver(t, repo, cache), serviceOver(t, repo, cache)

	m := domain.Movie{Title: "Heat", Year: 1995, Stars: 4}
	id, err := writer.Add(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	other, err := writer.Add(ctx, domain.Movie{Title: "Ronin", Year: 1998, Stars: 3})
	if err != nil {
		t.Fatal(err)
	}

	cache.fail = outage
	m.Stars = 5
	if _, err := writer.Update(ctx, id, m); err != nil {
		t.Fatalf("an update while the cache is down must succeed: %v", err)
	}
	cache.fail = nil // back, with the entry from before the update

	// Until the writer calls the cache again, another instance reads the
	// entry from before the update (the documented window).
	if got := read(t, reader, id); got.Stars != 4 {
		t.Fatalf("precondition: the cache should still hold the old entry, got %v", got.Stars)
	}
	if got := read(t, writer, id); got.Stars != 5 {
		t.Fatalf("the writer read %v from a cache entry it knows to be stale", got.Stars)
	}
	if got := read(t, reader, id); got.Stars != 5 {
		t.Fatalf("after the repair another instance reads %v, want 5", got.Stars)
	}

	// A cache call for any other movie repairs as well.
	cache.fail = outage
	m.Stars = 1
	if _, err := writer.Update(ctx, id, m); err != nil {
		t.Fatal(err)
	}
	cache.fail = nil
	read(t, writer, other)
	if got := read(t, reader, id); got.Stars != 1 {
		t.Fatalf("after a repair made by another read, another instance reads %v, want 1", got.Stars)
	}

	// Deletes too: the marker the delete could not leave is left later.
	cache.fail = outage
	if err := writer.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	cache.fail = nil
	read(t, writer, other)
	if _, err := reader.Get(ctx, id); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a movie deleted while the cache was down reads %v after the repair", err)
	}
}

func serviceOver(t *testing.T, repo *memRepo, cache *memCache) *Service {
	t.Helper()
	svc, err := New(Options{Repo: repo, Cache: cache, Metrics: &fakeMetrics{}, CacheTTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func read(t *testing.T, s *Service, id string) domain.Movie {
	t.Helper()
	m, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return m
}

package movies

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"movieapi/internal/domain"
)

const inception = "d5aee2b55b609fe5de3261d85fb592bc32d45fd3" // "Inception", 2010

type fixture struct {
	svc     *Service
	repo    *memRepo
	cache   *memCache
	metrics *fakeMetrics
	log     *bytes.Buffer
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{repo: newMemRepo(), cache: newMemCache(), metrics: &fakeMetrics{}, log: &bytes.Buffer{}}
	svc, err := New(Options{
		Repo: f.repo, Cache: f.cache, Metrics: f.metrics, CacheTTL: time.Minute,
		Now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) },
		Log: slog.New(slog.NewTextHandler(f.log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

var outage = domain.Unavailable(errors.New("connection refused"))

func TestNewRequiresItsPorts(t *testing.T) {
	if _, err := New(Options{Repo: newMemRepo(), Cache: newMemCache()}); err == nil {
		t.Fatal("New without metrics succeeded")
	}
}

func TestGetReadsThroughTheCache(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	if _, err := f.svc.Add(ctx, domain.Movie{Title: " Inception ", Year: 2010, Stars: 4.8}); err != nil {
		t.Fatal(err)
	}
	f.cache.entries = map[string]cacheEntry{} // as if it expired
	before := f.repo.calls
	for range 3 {
		m, err := f.svc.Get(ctx, strings.ToUpper(inception))
		if err != nil || m.Title != "Inception" {
			t.Fatalf("Get = %+v, %v", m, err)
		}
	}
	if got := f.repo.calls - before; got != 1 {
		t.Fatalf("%d reads of PostgreSQL for three GETs, want one (then the cache)", got)
	}
	if l := f.metrics.lookups; l[domain.CacheMiss] != 1 || l[domain.CacheHit] != 2 {
		t.Fatalf("lookups %v, want one miss and two hits", l)
	}
}

func TestGetSurvivesACacheOutage(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	if _, err := f.svc.Add(ctx, domain.Movie{Title: "Inception", Year: 2010, Stars: 4.8}); err != nil {
		t.Fatal(err)
	}
	f.cache.fail = outage
	for range 2 {
		if _, err := f.svc.Get(ctx, inception); err != nil {
			t.Fatalf("Get with the cache down: %v", err)
		}
	}
	if f.metrics.lookups[domain.CacheError] != 2 {
		t.Fatalf("lookups %v, want two errors", f.metrics.lookups)
	}
	if n := strings.Count(f.log.String(), "movie cache unavailable"); n != 1 {
		t.Fatalf("the outage was logged %d times, want once:\n%s", n, f.log)
	}
	f.cache.fail = nil
	if _, err := f.svc.Get(ctx, inception); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.log.String(), "movie cache available again") {
		t.Fatal("the recovery was not logged")
	}
}

func TestMissingAndMalformedIDsAreTheSameNotFound(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	for _, id := range []string{inception, "not-an-id", ""} {
		_, err := f.svc.Get(ctx, id)
		if !errors.Is(err, domain.ErrNotFound) || err.Error() != "movie not found" {
			t.Errorf("Get(%q) = %v", id, err)
		}
		if err := f.svc.Delete(ctx, id); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Delete(%q) = %v", id, err)
		}
	}
	if _, err := f.svc.Update(ctx, "not-an-id", domain.Movie{Title: "X", Year: 2000}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("Update with a malformed id = %v, want invalid", err)
	}
}

func TestAddSanitisesCountsAndConflicts(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	id, err := f.svc.Add(ctx, domain.Movie{Title: "  Inception ", Year: 2010, Stars: 4.8})
	if err != nil || id != inception {
		t.Fatalf("Add = %q, %v", id, err)
	}
	if _, err := f.svc.Add(ctx, domain.Movie{Title: "inception", Year: 2010, Stars: 1}); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("the same title and year again = %v, want a conflict", err)
	}
	if _, err := f.svc.Add(ctx, domain.Movie{Title: "", Year: 2010}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("an empty title = %v, want invalid", err)
	}
	if f.metrics.created != 1 {
		t.Fatalf("%d creations counted, want 1", f.metrics.created)
	}
}

// TestWritesLeaveNoStaleCacheEntry: after an update or a delete, the cache
// holds the write's version, so no reader can see (or fill back) the old
// value — even when the client went away right after the commit.
func TestWritesLeaveNoStaleCacheEntry(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := f.svc.Add(ctx, domain.Movie{Title: "Inception", Year: 2010, Stars: 4}); err != nil {
		t.Fatal(err)
	}
	old, _ := f.repo.MovieByID(ctx, inception)
	cancel() // the client is gone; the cache must still be written
	updated, err := f.svc.Update(ctx, inception, domain.Movie{Title: "Inception", Year: 2010, Stars: 5})
	if err != nil || updated.Stars != 5 {
		t.Fatalf("Update = %+v, %v", updated, err)
	}
	if e := f.cache.entries[inception]; e.movie.Movie.Stars != 5 || e.movie.Version <= old.Version {
		t.Fatalf("cached after the update: %+v", e)
	}
	_ = f.cache.Fill(context.Background(), inception, old, time.Minute) // a slow reader's old row
	if got, _, _ := f.cache.Movie(context.Background(), inception); got.Movie.Stars != 5 {
		t.Fatal("a slow reader put the old value back")
	}
	if err := f.svc.Delete(context.Background(), inception); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := f.cache.Movie(context.Background(), inception); found {
		t.Fatal("the deleted movie is still cached")
	}
}

func TestWritesSucceedWithTheCacheDown(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	f.cache.fail = outage
	if _, err := f.svc.Add(ctx, domain.Movie{Title: "Inception", Year: 2010, Stars: 4}); err != nil {
		t.Fatalf("Add with the cache down: %v", err)
	}
	if err := f.svc.Delete(ctx, inception); err != nil {
		t.Fatalf("Delete with the cache down: %v", err)
	}
}

func TestRepositoryErrorsPassThrough(t *testing.T) {
	f, ctx := newFixture(t), context.Background()
	for _, injected := range []error{outage, errors.New("a bug")} {
		f.repo.fail = injected
		if _, err := f.svc.Get(ctx, inception); !errors.Is(err, injected) {
			t.Errorf("Get = %v, want %v", err, injected)
		}
		if _, err := f.svc.Add(ctx, domain.Movie{Title: "X", Year: 2000}); !errors.Is(err, injected) {
			t.Errorf("Add = %v, want %v", err, injected)
		}
	}
}

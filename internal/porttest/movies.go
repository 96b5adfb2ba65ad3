package porttest

import (
	"context"
	"errors"
	"testing"
	"time"

	"movieapi/internal/domain"
)

const (
	movieA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	movieB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func movie(title string) domain.Movie { return domain.Movie{Title: title, Year: 2000, Stars: 3.5} }

// MovieRepository checks domain.MovieRepository on fresh, empty instances.
func MovieRepository(t *testing.T, fresh func(t *testing.T) domain.MovieRepository) {
	t.Run("missing movie", func(t *testing.T) {
		t.Parallel()
		_, err := fresh(t).MovieByID(context.Background(), movieA)
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("insert, conflict, read back", func(t *testing.T) {
		t.Parallel()
		repo, ctx := fresh(t), context.Background()
		inserted, err := repo.InsertMovie(ctx, movieA, movie("First"))
		if err != nil || inserted.Movie != movie("First") || inserted.Version <= 0 {
			t.Fatalf("InsertMovie = %+v, %v", inserted, err)
		}
		_, err = repo.InsertMovie(ctx, movieA, movie("Second"))
		wantKind(t, err, domain.ErrConflict)
		got, err := repo.MovieByID(ctx, movieA)
		if err != nil || got != inserted {
			t.Fatalf("MovieByID = %+v, %v; want %+v", got, err, inserted)
		}
	})
	t.Run("every write has a newer version", func(t *testing.T) {
		t.Parallel()
		repo, ctx := fresh(t), context.Background()
		a, err := repo.InsertMovie(ctx, movieA, movie("A"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := repo.UpsertMovie(ctx, movieB, movie("B")) // creates
		if err != nil || b.Version <= a.Version {
			t.Fatalf("upsert of a new movie = %+v, %v; want a version above %d", b, err, a.Version)
		}
		a2, err := repo.UpsertMovie(ctx, movieA, movie("A2")) // overwrites
		if err != nil || a2.Version <= b.Version || a2.Movie != movie("A2") {
			t.Fatalf("upsert of an existing movie = %+v, %v", a2, err)
		}
		deleted, err := repo.DeleteMovie(ctx, movieA)
		if err != nil || deleted <= a2.Version {
			t.Fatalf("DeleteMovie = %d, %v; want a version above %d", deleted, err, a2.Version)
		}
		_, err = repo.MovieByID(ctx, movieA)
		wantKind(t, err, domain.ErrNotFound)
		_, err = repo.DeleteMovie(ctx, movieA)
		wantKind(t, err, domain.ErrNotFound)
	})
}

// MovieCache checks domain.MovieCache on fresh, empty instances.
func MovieCache(t *testing.T, fresh func(t *testing.T) domain.MovieCache) {
	stored := func(title string, version int64) domain.StoredMovie {
		return domain.StoredMovie{Movie: movie(title), Version: version}
	}
	t.Run("miss, fill, hit", func(t *testing.T) {
		t.Parallel()
		cache, ctx := fresh(t), context.Background()
		if _, found, err := cache.Movie(ctx, movieA); found || err != nil {
			t.Fatalf("empty cache: found %t, %v", found, err)
		}
		if err := cache.Fill(ctx, movieA, stored("A", 3), time.Minute); err != nil {
			t.Fatal(err)
		}
		got, found, err := cache.Movie(ctx, movieA)
		if !found || err != nil || got != stored("A", 3) {
			t.Fatalf("after a fill: %+v, %t, %v", got, found, err)
		}
	})
	t.Run("an older version never replaces a newer one", func(t *testing.T) {
		t.Parallel()
		cache, ctx := fresh(t), context.Background()
		for _, s := range []domain.StoredMovie{stored("new", 7), stored("old", 6)} {
			if err := cache.Fill(ctx, movieA, s, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if got, _, _ := cache.Movie(ctx, movieA); got != stored("new", 7) {
			t.Fatalf("cached %+v, want version 7", got)
		}
	})
	t.Run("an invalidation blocks older fills", func(t *testing.T) {
		t.Parallel()
		cache, ctx := fresh(t), context.Background()
		if err := cache.Fill(ctx, movieA, stored("A", 4), time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := cache.Invalidate(ctx, movieA, 5, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, found, err := cache.Movie(ctx, movieA); found || err != nil {
			t.Fatalf("after the invalidation: found %t, %v", found, err)
		}
		if err := cache.Fill(ctx, movieA, stored("stale", 4), time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := cache.Movie(ctx, movieA); found {
			t.Fatal("a fill older than the invalidation landed")
		}
		if err := cache.Fill(ctx, movieA, stored("fresh", 6), time.Minute); err != nil {
			t.Fatal(err)
		}
		if got, found, _ := cache.Movie(ctx, movieA); !found || got != stored("fresh", 6) {
			t.Fatalf("a fill newer than the invalidation: %+v, %t", got, found)
		}
	})
}

// wantKind fails unless err is of kind.
func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want kind %v", err, kind)
	}
}

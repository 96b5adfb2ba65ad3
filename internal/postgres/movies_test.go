package postgres_test

import (
	"errors"
	"testing"

	"movieapi/internal/domain"
)

var inception = domain.Movie{Title: "Inception", Year: 2010, Stars: 4.5}

const inceptionID = "d5aee2b55b609fe5de3261d85fb592bc32d45fd3"

func TestConcurrentInsertsOfOneMovieHaveOneWinner(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	errs := concurrently(20, func(int) error {
		_, err := store.InsertMovie(t.Context(), inceptionID, inception)
		return err
	})
	requireOneWinner(t, errs, "inserts")
}

// TestMovieVersionsOnlyGrow walks one row through create, overwrite, delete
// and re-create, with another row written in between: every write, delete
// included, must carry a higher version than anything before it.
func TestMovieVersionsOnlyGrow(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	var last int64
	grew := func(step string, v int64) {
		t.Helper()
		if v <= last {
			t.Fatalf("%s: version %d not above previous %d", step, v, last)
		}
		last = v
	}

	created, err := store.UpsertMovie(ctx, inceptionID, inception)
	if err != nil || created.Movie != inception {
		t.Fatalf("upsert of a new movie: %+v, %v", created, err)
	}
	grew("create by upsert", created.Version)

	other, err := store.InsertMovie(ctx, "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb",
		domain.Movie{Title: "The Shawshank Redemption", Year: 1994, Stars: 5})
	if err != nil {
		t.Fatal(err)
	}
	grew("insert of another row", other.Version)

	changed := domain.Movie{Title: "Inception (Director's Cut)", Year: 2011, Stars: 3}
	overwritten, err := store.UpsertMovie(ctx, inceptionID, changed)
	if err != nil || overwritten.Movie != changed {
		t.Fatalf("overwrite: %+v, %v", overwritten, err)
	}
	grew("overwrite", overwritten.Version)
	if got, _ := store.MovieByID(ctx, inceptionID); got != overwritten {
		t.Fatalf("read after overwrite = %+v, want %+v", got, overwritten)
	}

	deleted, err := store.DeleteMovie(ctx, inceptionID)
	if err != nil {
		t.Fatal(err)
	}
	grew("delete", deleted)
	_, err = store.MovieByID(ctx, inceptionID)
	wantKind(t, err, domain.ErrNotFound)
	_, err = store.DeleteMovie(ctx, inceptionID)
	wantPublic(t, err, domain.ErrNotFound, "movie not found")

	recreated, err := store.InsertMovie(ctx, inceptionID, inception)
	if err != nil {
		t.Fatalf("insert after delete: %v", err)
	}
	grew("re-create", recreated.Version)
}

// TestConcurrentUpsertsLeaveTheHighestVersion: the version a writer gets back
// follows commit order, so the row must end up holding the greatest of the
// versions handed out.
func TestConcurrentUpsertsLeaveTheHighestVersion(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	versions := make([]int64, 20)
	errs := concurrently(len(versions), func(i int) error {
		m := inception
		m.Stars = float64(i%5) + 0.5
		stored, err := store.UpsertMovie(t.Context(), inceptionID, m)
		versions[i] = stored.Version
		return err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	final, err := store.MovieByID(t.Context(), inceptionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v > final.Version {
			t.Fatalf("a writer got version %d, above the stored %d", v, final.Version)
		}
	}
}

package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

// Every write takes its version from movie_version_seq. In the upsert's
// DO UPDATE and in the delete's RETURNING, nextval runs after the row lock is
// taken, so a write that replaces a committed row always carries a higher
// version than that row (the cache relies on that order to refuse stale
// fills). A fresh insert takes its version before it can wait: if it waited
// on a concurrent delete of the same id it may get a version below the
// delete's. That only makes the cache decline the new row until the delete's
// marker expires; it can never let an older row win.
const (
	movieByIDSQL = `SELECT title, year, stars, version FROM movies WHERE id = $1`

	insertMovieSQL = `
INSERT INTO movies (id, title, year, stars, version)
VALUES ($1, $2, $3, $4, nextval('movie_version_seq'))
ON CONFLICT (id) DO NOTHING
RETURNING version`

	upsertMovieSQL = `
INSERT INTO movies (id, title, year, stars, version)
VALUES ($1, $2, $3, $4, nextval('movie_version_seq'))
ON CONFLICT (id) DO UPDATE SET
    title = EXCLUDED.title,
    year = EXCLUDED.year,
    stars = EXCLUDED.stars,
    version = nextval('movie_version_seq'),
    updated_at = now()
RETURNING title, year, stars, version`

	deleteMovieSQL = `DELETE FROM movies WHERE id = $1 RETURNING nextval('movie_version_seq')`
)

// MovieByID reads one movie in a single round trip.
func (s *Store) MovieByID(ctx context.Context, id string) (domain.StoredMovie, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var m domain.StoredMovie
	err := s.pool.QueryRow(ctx, movieByIDSQL, id).Scan(&m.Movie.Title, &m.Movie.Year, &m.Movie.Stars, &m.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.StoredMovie{}, domain.NotFound(msgMovieNotFound)
	}
	if err != nil {
		return domain.StoredMovie{}, storeError(err)
	}
	return m, nil
}

// InsertMovie stores a new movie. ON CONFLICT DO NOTHING makes it atomic
// under concurrency without a failed statement: of several inserts of one
// id exactly one returns a row, the others get domain.ErrConflict.
func (s *Store) InsertMovie(ctx context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var version int64
	err := s.pool.QueryRow(ctx, insertMovieSQL, id, m.Title, m.Year, m.Stars).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.StoredMovie{}, domain.Conflict(conflictMessage("movies_pkey"))
	}
	if err != nil {
		return domain.StoredMovie{}, storeError(err)
	}
	return domain.StoredMovie{Movie: m, Version: version}, nil
}

// UpsertMovie creates or overwrites the movie under id and returns the row
// as stored.
func (s *Store) UpsertMovie(ctx context.Context, id string, m domain.Movie) (domain.StoredMovie, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var stored domain.StoredMovie
	err := s.pool.QueryRow(ctx, upsertMovieSQL, id, m.Title, m.Year, m.Stars).
		Scan(&stored.Movie.Title, &stored.Movie.Year, &stored.Movie.Stars, &stored.Version)
	if err != nil {
		return domain.StoredMovie{}, storeError(err)
	}
	return stored, nil
}

// DeleteMovie removes the movie and returns the version of the deletion.
func (s *Store) DeleteMovie(ctx context.Context, id string) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var version int64
	err := s.pool.QueryRow(ctx, deleteMovieSQL, id).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.NotFound(msgMovieNotFound)
	}
	if err != nil {
		return 0, storeError(err)
	}
	return version, nil
}

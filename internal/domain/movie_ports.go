package domain

import (
	"context"
	"time"
)

// StoredMovie is a movie with the version PostgreSQL gave its last write.
// Versions only grow (one sequence for all rows, deletes included), which lets
// the cache refuse to store a value older than an invalidation it has seen.
type StoredMovie struct {
	Movie   Movie
	Version int64
}

// MovieRepository is the source of truth for movies.
type MovieRepository interface {
	// MovieByID returns ErrNotFound when there is no such movie.
	MovieByID(ctx context.Context, id string) (StoredMovie, error)
	// InsertMovie stores a new movie atomically; ErrConflict when the ID exists.
	InsertMovie(ctx context.Context, id string, m Movie) (StoredMovie, error)
	// UpsertMovie creates or overwrites the movie stored under id.
	UpsertMovie(ctx context.Context, id string, m Movie) (StoredMovie, error)
	// DeleteMovie removes the movie and returns the version of the deletion;
	// ErrNotFound when there was nothing to delete.
	DeleteMovie(ctx context.Context, id string) (int64, error)
}

// MovieCache is a read-through cache of single movies. Errors mean the cache
// is unreachable; callers fall back to the repository.
type MovieCache interface {
	// Movie reports found=false on a miss (or when only an invalidation marker
	// is stored).
	Movie(ctx context.Context, id string) (m StoredMovie, found bool, err error)
	// Fill stores m unless the cache already holds a newer version.
	Fill(ctx context.Context, id string, m StoredMovie, ttl time.Duration) error
	// Invalidate replaces whatever is cached with a marker of the given
	// version, so a reader that read the old row cannot fill it back.
	Invalidate(ctx context.Context, id string, version int64, ttl time.Duration) error
}

// Pinger is a backend that can say whether it answers (health checks).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Package movies is the cache-aside movie service: PostgreSQL (through
// domain.MovieRepository) is the source of truth, Redis (domain.MovieCache)
// a read-through cache that is invalidated by version on every write.
package movies

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"movieapi/internal/domain"
)

// Service implements the movie use cases.
type Service struct {
	repo     domain.MovieRepository
	cache    domain.MovieCache
	metrics  Metrics
	cacheTTL time.Duration
	now      func() time.Time
	// steps logs the inner steps of a request at info (AXUM_SPAN_EVENTS=full
	// chooses them, whatever the log level); it discards everything otherwise.
	steps   *slog.Logger
	health  *cacheHealth
	repairs *repairs
}

// cacheWriteTimeout bounds a cache write that outlives its request.
const cacheWriteTimeout = 2 * time.Second

// Options wires the service.
type Options struct {
	Repo     domain.MovieRepository
	Cache    domain.MovieCache
	Metrics  Metrics // required
	CacheTTL time.Duration
	Now      func() time.Time // nil: time.Now
	Steps    *slog.Logger     // nil: inner steps are not logged
	Log      *slog.Logger     // cache outages and recoveries; nil: discarded
}

// New returns the service; Repo, Cache and Metrics are required.
func New(o Options) (*Service, error) {
	if o.Repo == nil || o.Cache == nil || o.Metrics == nil {
		return nil, errors.New("movies: Repo, Cache and Metrics are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Steps == nil {
		o.Steps = slog.New(slog.DiscardHandler)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		repo: o.Repo, cache: o.Cache, metrics: o.Metrics, cacheTTL: o.CacheTTL, now: o.Now,
		steps: o.Steps, health: &cacheHealth{log: o.Log}, repairs: newRepairs(o.CacheTTL, o.Now),
	}, nil
}

// errMovieNotFound is the one answer for both a missing row and a path that
// cannot be an ID, so callers cannot tell them apart.
var errMovieNotFound = domain.NotFound("movie not found")

// Get answers from the cache, else from PostgreSQL (filling the cache). A
// cache failure is counted and logged, never returned: reads survive Redis.
func (s *Service) Get(ctx context.Context, rawID string) (domain.Movie, error) {
	id, ok := domain.ParseMovieID(rawID)
	if !ok {
		return domain.Movie{}, errMovieNotFound
	}
	if s.repairs.pendingFor(id) {
		// This instance wrote the movie while the cache was unreachable:
		// what the cache holds may be older than PostgreSQL.
		s.steps.InfoContext(ctx, "movie cache entry awaits repair; reading postgres", "movie_id", id)
	} else {
		cached, found, err := s.cache.Movie(ctx, id)
		switch {
		case err != nil:
			s.metrics.CacheLookup(domain.CacheError)
			s.health.failed(ctx, err)
		case found:
			s.cacheAnswered(ctx)
			s.metrics.CacheLookup(domain.CacheHit)
			s.steps.InfoContext(ctx, "movie cache hit", "movie_id", id)
			return cached.Movie, nil
		default:
			s.cacheAnswered(ctx)
			s.metrics.CacheLookup(domain.CacheMiss)
			s.steps.InfoContext(ctx, "movie cache miss", "movie_id", id)
		}
	}
	stored, err := s.repo.MovieByID(ctx, id)
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Movie{}, errMovieNotFound
		}
		return domain.Movie{}, err
	}
	s.fill(ctx, id, stored)
	return stored.Movie, nil
}

// Add creates a movie; ErrConflict when one with the same ID exists.
func (s *Service) Add(ctx context.Context, m domain.Movie) (string, error) {
	clean, err := m.Sanitize(s.now())
	if err != nil {
		return "", err
	}
	id := clean.ID()
	stored, err := s.repo.InsertMovie(ctx, id, clean)
	if err != nil {
		return "", err
	}
	s.metrics.MovieCreated()
	s.afterWrite(ctx, id, repair{stored: stored})
	return id, nil
}

// Update overwrites (or creates) the movie stored under rawID.
func (s *Service) Update(ctx context.Context, rawID string, m domain.Movie) (domain.Movie, error) {
	id, ok := domain.ParseMovieID(rawID)
	if !ok {
		return domain.Movie{}, domain.Invalid("movie id must be 40 hexadecimal characters")
	}
	clean, err := m.Sanitize(s.now())
	if err != nil {
		return domain.Movie{}, err
	}
	stored, err := s.repo.UpsertMovie(ctx, id, clean)
	if err != nil {
		return domain.Movie{}, err
	}
	// The new row's version supersedes whatever is cached, so storing it
	// both invalidates the old value and saves the next reader a miss.
	s.afterWrite(ctx, id, repair{stored: stored})
	return stored.Movie, nil
}

// Delete removes the movie; ErrNotFound when there was none.
func (s *Service) Delete(ctx context.Context, rawID string) error {
	id, ok := domain.ParseMovieID(rawID)
	if !ok {
		return errMovieNotFound
	}
	version, err := s.repo.DeleteMovie(ctx, id)
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return errMovieNotFound
		}
		return err
	}
	s.afterWrite(ctx, id, repair{stored: domain.StoredMovie{Version: version}, deleted: true})
	return nil
}

// fill stores a row just read from PostgreSQL; a failure only costs the
// next reader a miss.
func (s *Service) fill(ctx context.Context, id string, stored domain.StoredMovie) {
	ctx, cancel := detached(ctx)
	defer cancel()
	if err := s.cache.Fill(ctx, id, stored, s.cacheTTL); err != nil {
		s.health.failed(ctx, err)
		return
	}
	s.cacheAnswered(ctx)
}

// afterWrite stores a committed write's version in the cache: the new row,
// or the marker of a delete. If Redis is unreachable the write still
// succeeds (PostgreSQL is the truth) and the cache write is remembered, to
// be made when Redis answers again (see repairs).
func (s *Service) afterWrite(ctx context.Context, id string, rp repair) {
	ctx, cancel := detached(ctx)
	defer cancel()
	if err := s.writeCache(ctx, id, rp); err != nil {
		s.health.failed(ctx, err)
		s.repairs.remember(id, rp)
		return
	}
	s.cacheAnswered(ctx)
}

func (s *Service) writeCache(ctx context.Context, id string, rp repair) error {
	if rp.deleted {
		return s.cache.Invalidate(ctx, id, rp.stored.Version, s.cacheTTL)
	}
	return s.cache.Fill(ctx, id, rp.stored, s.cacheTTL)
}

// cacheAnswered follows every cache call that succeeded: the cache is
// there, so the repairs of writes made while it was not are made now,
// before this request goes on.
func (s *Service) cacheAnswered(ctx context.Context) {
	s.health.succeeded(ctx)
	s.repairs.run(ctx, func(ctx context.Context, id string, rp repair) error {
		ctx, cancel := detached(ctx)
		defer cancel()
		return s.writeCache(ctx, id, rp)
	})
}

// detached keeps the request's values (request id for logs) but not its
// cancellation: a client hanging up right after the commit must not leave
// the old value cached.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cacheWriteTimeout)
}

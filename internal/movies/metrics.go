package movies

import "movieapi/internal/domain"

// Metrics is what the movie service counts (movies_created_total and
// movie_cache_requests_total). Implementations must be safe for concurrent
// use and cheap: a cache lookup is counted on every read.
type Metrics interface {
	MovieCreated()
	CacheLookup(result domain.CacheResult)
}

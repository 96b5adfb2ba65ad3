package domain

import "time"

// CacheResult is the outcome of one movie cache lookup.
type CacheResult string

// Cache lookup outcomes, the values of movie_cache_requests_total{result}.
const (
	CacheHit   CacheResult = "hit"
	CacheMiss  CacheResult = "miss"
	CacheError CacheResult = "error"
)

// Metrics is everything the service counts. Implementations must be safe for
// concurrent use and cheap: they sit on hot paths.
type Metrics interface {
	// RequestStarted marks a request in flight; RequestFinished ends it.
	RequestStarted()
	RequestFinished(method, route string, status int, elapsed time.Duration)
	MovieCreated()
	CacheLookup(result CacheResult)
	Registration(success bool)
	Authentication(success bool)
	CloneWarning()
	SessionCreated()
}

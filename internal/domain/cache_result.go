package domain

// CacheResult is the outcome of one movie cache lookup.
type CacheResult string

// Cache lookup outcomes, the values of movie_cache_requests_total{result}.
const (
	CacheHit   CacheResult = "hit"
	CacheMiss  CacheResult = "miss"
	CacheError CacheResult = "error"
)

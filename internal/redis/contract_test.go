package redis_test

import (
	"testing"

	"movieapi/internal/domain"
	"movieapi/internal/porttest"
)

// The Redis adapter keeps the ports' contracts, as the fakes of the service
// tests do (internal/porttest).
func TestMovieCacheContract(t *testing.T) {
	t.Parallel()
	porttest.MovieCache(t, func(t *testing.T) domain.MovieCache { return newCache(t) })
}

func TestSessionStoreContract(t *testing.T) {
	t.Parallel()
	porttest.SessionStore(t, func(t *testing.T) domain.SessionStore {
		store, _, _ := newSessions(t)
		return store
	})
}

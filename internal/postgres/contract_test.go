package postgres_test

import (
	"testing"

	"movieapi/internal/domain"
	"movieapi/internal/porttest"
)

// The PostgreSQL adapter keeps the ports' contracts, as the fakes of the
// service tests do (internal/porttest).
func TestMovieRepositoryContract(t *testing.T) {
	t.Parallel()
	porttest.MovieRepository(t, func(t *testing.T) domain.MovieRepository { return newStore(t) })
}

func TestAccountsContract(t *testing.T) {
	t.Parallel()
	porttest.Accounts(t, func(t *testing.T) porttest.AccountStore { return newStore(t) })
}

package passkeys

import (
	"testing"

	"movieapi/internal/domain"
	"movieapi/internal/porttest"
)

// The fake the service tests run on keeps the same contracts as the
// PostgreSQL and Redis adapters (internal/porttest): it cannot drift from
// what it stands for.
func TestFakeAccountsContract(t *testing.T) {
	t.Parallel()
	porttest.Accounts(t, func(*testing.T) porttest.AccountStore { return newMemStore() })
}

func TestFakeSessionStoreContract(t *testing.T) {
	t.Parallel()
	porttest.SessionStore(t, func(*testing.T) domain.SessionStore { return newMemStore() })
}

package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"movieapi/internal/apitest"
	"movieapi/internal/domain"
	"movieapi/internal/postgres"
)

func TestAddCredentialAndListInOrder(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	user, first := register(t, store, "erin")
	second := newCredential(t, "Laptop")
	second.UserID = user.ID
	second.AAGUID, second.Transports = nil, nil // absent values are stored empty
	if err := store.AddCredential(t.Context(), second); err != nil {
		t.Fatal(err)
	}
	err := store.AddCredential(t.Context(), second)
	wantPublic(t, err, domain.ErrConflict, "credential already registered")

	list, err := store.CredentialsByUser(t.Context(), user.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("CredentialsByUser = %d entries, %v", len(list), err)
	}
	if !slices.Equal(list[0].ID, first.ID) || !slices.Equal(list[1].ID, second.ID) {
		t.Fatal("credentials are not listed oldest first")
	}
	if len(list[1].AAGUID) != 0 || list[1].Transports == nil || len(list[1].Transports) != 0 {
		t.Fatalf("absent AAGUID/transports came back as %v / %#v", list[1].AAGUID, list[1].Transports)
	}
}

// TestConcurrentLoginsWithOneCounterHaveOneWinner: twenty finishes presenting
// the same assertion (same counter); the conditional UPDATE lets one through.
func TestConcurrentLoginsWithOneCounterHaveOneWinner(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, cred := register(t, store, "grace")
	if ok, err := store.RecordLogin(t.Context(), cred.ID, domain.LoginUpdate{SignCount: 10}); !ok || err != nil {
		t.Fatalf("setup login: %v, %v", ok, err)
	}
	accepted := make([]bool, 20)
	warmPool(t, store, len(accepted))
	errs := concurrently(len(accepted), func(i int) error {
		var err error
		accepted[i], err = store.RecordLogin(t.Context(), cred.ID, domain.LoginUpdate{SignCount: 11, UsedAt: time.Now()})
		return err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := countTrue(accepted); n != 1 {
		t.Fatalf("%d concurrent logins with one counter were accepted, want 1", n)
	}
}

// TestConcurrentDeletesKeepOnePasskey: deleting both of a user's two
// passkeys at once must leave one (the user row lock serialises them). Ten
// users race at once, on connections opened beforehand, so that the two
// transactions of a pair really overlap.
func TestConcurrentDeletesKeepOnePasskey(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	const users = 10
	owners := make([]int64, users)
	ids := make([][]byte, 0, 2*users)
	for i := range users {
		owner, first := register(t, store, "user"+strconv.Itoa(i))
		second := newCredential(t, "Second")
		second.UserID = owner.ID
		if err := store.AddCredential(t.Context(), second); err != nil {
			t.Fatal(err)
		}
		owners[i] = owner.ID
		ids = append(ids, first.ID, second.ID)
	}
	warmPool(t, store, 2*users)

	errs := concurrently(len(ids), func(i int) error {
		return store.DeleteCredential(t.Context(), owners[i/2], ids[i], noHook)
	})
	for i, owner := range owners {
		a, b := errs[2*i], errs[2*i+1]
		if (a == nil) == (b == nil) {
			t.Fatalf("user %d: want exactly one deletion to succeed, got %v and %v", i, a, b)
		}
		if err := errors.Join(a, b); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("user %d: the refused deletion failed with %v, want a conflict", i, err)
		}
		if list, err := store.CredentialsByUser(t.Context(), owner); err != nil || len(list) != 1 {
			t.Fatalf("user %d: %d passkeys left (%v), want 1", i, len(list), err)
		}
	}
}

// warmPool opens n connections up front so that concurrent calls do not
// wait for new connections and end up running one after the other.
func warmPool(t *testing.T, store *postgres.Store, n int) {
	t.Helper()
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range n {
		c, err := store.Pool().Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
}

func countTrue(values []bool) int {
	n := 0
	for _, v := range values {
		if v {
			n++
		}
	}
	return n
}

func noHook(context.Context) error { return nil }

// TestDeleteCredentialHookDecidesTheCommit: a failing hook rolls the delete
// back (the passkey stays); while the hook runs, the deletion is not
// visible yet and a RecordLogin of the credential waits for it, then finds
// the credential gone.
func TestDeleteCredentialHookDecidesTheCommit(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	owner, first := register(t, store, "hana")
	second := newCredential(t, "Second")
	second.UserID = owner.ID
	if err := store.AddCredential(ctx, second); err != nil {
		t.Fatal(err)
	}

	refused := domain.Unavailable(errors.New("session store down"))
	err := store.DeleteCredential(ctx, owner.ID, first.ID, func(context.Context) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("delete with a failing hook = %v, want the hook's error", err)
	}
	if _, err := store.CredentialByID(ctx, first.ID); err != nil {
		t.Fatalf("the passkey is gone although the hook failed: %v", err)
	}

	type result struct {
		accepted bool
		err      error
	}
	recorded := make(chan result, 1)
	err = store.DeleteCredential(ctx, owner.ID, first.ID, func(context.Context) error {
		if _, err := store.CredentialByID(ctx, first.ID); err != nil {
			return fmt.Errorf("the uncommitted delete is visible to others: %w", err)
		}
		go func() {
			ok, err := store.RecordLogin(ctx, first.ID, domain.LoginUpdate{SignCount: 1, UsedAt: time.Now()})
			recorded <- result{ok, err}
		}()
		// RecordLogin must be queued behind the row lock before the commit.
		apitest.WaitFor(t, "a RecordLogin waiting for the row lock", func() bool {
			var waiting int
			_ = store.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE credentials%sign_count%'`).Scan(&waiting)
			return waiting == 1
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := <-recorded
	if r.accepted || !errors.Is(r.err, domain.ErrNotFound) {
		t.Fatalf("RecordLogin racing the delete = %v, %v; want not found", r.accepted, r.err)
	}
}

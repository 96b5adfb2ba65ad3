package porttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"movieapi/internal/domain"
)

// AccountStore is the PostgreSQL side of passkeys: accounts, their
// credentials and the shared secrets.
type AccountStore interface {
	domain.UserRepository
	domain.CredentialRepository
	domain.SecretRepository
}

func user(t *testing.T, name string, handle byte) domain.User {
	t.Helper()
	u, err := domain.ParseUsername(name)
	if err != nil {
		t.Fatal(err)
	}
	return domain.User{Username: u.Display, CanonicalUsername: u.Canonical, Handle: bytes.Repeat([]byte{handle}, domain.UserHandleLength)}
}

func credential(id byte, name string) domain.Credential {
	return domain.Credential{
		ID: []byte{id, id, id, id}, PublicKey: []byte{1, 2, 3}, Algorithm: -7, AAGUID: make([]byte, 16),
		Transports: []string{"internal"}, AttestationFormat: "none", UserVerified: true, Name: name,
	}
}

func name(t *testing.T, raw string) domain.Username {
	t.Helper()
	n, err := domain.ParseUsername(raw)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Accounts checks the account ports on fresh, empty instances.
func Accounts(t *testing.T, fresh func(t *testing.T) AccountStore) {
	t.Run("accounts are unique by canonical username", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		_, _, err := store.AccountByUsername(ctx, name(t, "Émile"))
		wantKind(t, err, domain.ErrNotFound)
		created, err := store.CreateUserWithCredential(ctx, user(t, "Émile", 1), credential(1, "Phone"))
		if err != nil || created.ID == 0 || created.Username != "Émile" {
			t.Fatalf("CreateUserWithCredential = %+v, %v", created, err)
		}
		got, creds, err := store.AccountByUsername(ctx, name(t, "ÉMILE"))
		if err != nil || got.ID != created.ID || got.Canonical() != "émile" || len(creds) != 1 || creds[0].UserID != created.ID {
			t.Fatalf("AccountByUsername = %+v, %+v, %v", got, creds, err)
		}
		_, err = store.CreateUserWithCredential(ctx, user(t, "émile", 2), credential(2, "Key"))
		wantKind(t, err, domain.ErrConflict)
		// A taken credential id leaves no account behind.
		_, err = store.CreateUserWithCredential(ctx, user(t, "zoe", 3), credential(1, "Copy"))
		wantKind(t, err, domain.ErrConflict)
		_, _, err = store.AccountByUsername(ctx, name(t, "zoe"))
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("credentials of an account", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		u, err := store.CreateUserWithCredential(ctx, user(t, "ann", 1), credential(1, "Phone"))
		if err != nil {
			t.Fatal(err)
		}
		second := credential(2, "Key")
		second.UserID = u.ID
		if err := store.AddCredential(ctx, second); err != nil {
			t.Fatal(err)
		}
		wantKind(t, store.AddCredential(ctx, second), domain.ErrConflict)
		list, err := store.CredentialsByUser(ctx, u.ID)
		if err != nil || len(list) != 2 || list[0].Name != "Phone" || list[1].Name != "Key" {
			t.Fatalf("CredentialsByUser = %+v, %v; want Phone then Key", list, err)
		}
		if none, err := store.CredentialsByUser(ctx, u.ID+1000); err != nil || none == nil || len(none) != 0 {
			t.Fatalf("credentials of nobody = %#v, %v; want an empty list", none, err)
		}
		c, owner, err := store.CredentialWithOwner(ctx, second.ID)
		if err != nil || c.Name != "Key" || owner.ID != u.ID || !bytes.Equal(owner.Handle, u.Handle) {
			t.Fatalf("CredentialWithOwner = %+v, %+v, %v", c, owner, err)
		}
		_, _, err = store.CredentialWithOwner(ctx, []byte("unknown"))
		wantKind(t, err, domain.ErrNotFound)
		_, err = store.CredentialByID(ctx, []byte("unknown"))
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("the sign counter rule is applied at the write", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		if _, err := store.CreateUserWithCredential(ctx, user(t, "bo", 1), credential(1, "Phone")); err != nil {
			t.Fatal(err)
		}
		id := credential(1, "").ID
		used := time.Now().Truncate(time.Millisecond)
		for i, step := range []struct {
			count    uint32
			accepted bool
		}{{0, true}, {0, true}, {5, true}, {5, false}, {4, false}, {0, false}, {6, true}} {
			ok, err := store.RecordLogin(ctx, id, domain.LoginUpdate{
				SignCount: step.count, UserVerified: false, BackupEligible: true, BackupState: true, UsedAt: used,
			})
			if err != nil || ok != step.accepted {
				t.Fatalf("step %d, counter %d: accepted %t, %v; want %t", i, step.count, ok, err, step.accepted)
			}
		}
		c, err := store.CredentialByID(ctx, id)
		if err != nil || c.SignCount != 6 || c.LastUsedAt == nil || !c.LastUsedAt.Equal(used) ||
			c.UserVerified || !c.BackupEligible || !c.BackupState {
			t.Fatalf("after the sign-ins: %+v, %v; want counter 6, the flags and time of the last", c, err)
		}
		if err := store.MarkCloneWarning(ctx, id); err != nil {
			t.Fatal(err)
		}
		if c, _ := store.CredentialByID(ctx, id); !c.CloneWarning {
			t.Fatal("the clone warning was not kept")
		}
		_, err = store.RecordLogin(ctx, []byte("unknown"), domain.LoginUpdate{SignCount: 1})
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("rename and delete are the owner's, and never the last passkey", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		u, err := store.CreateUserWithCredential(ctx, user(t, "cy", 1), credential(1, "Phone"))
		if err != nil {
			t.Fatal(err)
		}
		other, err := store.CreateUserWithCredential(ctx, user(t, "di", 2), credential(2, "Theirs"))
		if err != nil {
			t.Fatal(err)
		}
		second := credential(3, "Key")
		second.UserID = u.ID
		if err := store.AddCredential(ctx, second); err != nil {
			t.Fatal(err)
		}
		if c, err := store.RenameCredential(ctx, u.ID, second.ID, "Desk key"); err != nil || c.Name != "Desk key" {
			t.Fatalf("RenameCredential = %+v, %v", c, err)
		}
		_, err = store.RenameCredential(ctx, other.ID, second.ID, "Mine")
		wantKind(t, err, domain.ErrNotFound)

		noHook := func(context.Context) error { return nil }
		wantKind(t, store.DeleteCredential(ctx, other.ID, second.ID, noHook), domain.ErrNotFound)
		wantKind(t, store.DeleteCredential(ctx, other.ID, credential(2, "").ID, noHook), domain.ErrConflict)
		refused := errors.New("sessions could not be ended")
		if err := store.DeleteCredential(ctx, u.ID, second.ID, func(context.Context) error { return refused }); !errors.Is(err, refused) {
			t.Fatalf("delete with a failing hook = %v, want the hook's error", err)
		}
		if _, err := store.CredentialByID(ctx, second.ID); err != nil {
			t.Fatalf("the hook failed but the passkey is gone: %v", err)
		}
		ran := false
		if err := store.DeleteCredential(ctx, u.ID, second.ID, func(context.Context) error { ran = true; return nil }); err != nil || !ran {
			t.Fatalf("delete = %v (hook ran: %t)", err, ran)
		}
		_, err = store.CredentialByID(ctx, second.ID)
		wantKind(t, err, domain.ErrNotFound)
		wantKind(t, store.DeleteCredential(ctx, u.ID, credential(1, "").ID, noHook), domain.ErrConflict)
	})
	t.Run("a secret is generated once", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		calls := 0
		generate := func() ([]byte, error) { calls++; return []byte(fmt.Sprintf("secret-%d", calls)), nil }
		first, err := store.Secret(ctx, "key", generate)
		if err != nil {
			t.Fatal(err)
		}
		second, err := store.Secret(ctx, "key", generate)
		if err != nil || !bytes.Equal(first, second) || calls != 1 {
			t.Fatalf("second Secret = %q, %v after %d generations; want %q once", second, err, calls, first)
		}
	})
}

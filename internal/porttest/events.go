package porttest

import (
	"context"
	"errors"
	"testing"
	"time"

	"movieapi/internal/domain"
)

func ev(typ domain.EventType, detail string) domain.SecurityEvent {
	return domain.SecurityEvent{Type: typ, Detail: detail, Client: domain.ClientInfo{IP: "203.0.113.0/24", UserAgent: "Firefox on Linux"}, RequestID: "req-1"}
}

func types(events []domain.SecurityEvent) []domain.EventType {
	out := make([]domain.EventType, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func sameTypes(a []domain.SecurityEvent, want ...domain.EventType) bool {
	got := types(a)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Events checks that the account ports store security events exactly with
// the writes they belong to, and list and prune them.
func Events(t *testing.T, fresh func(t *testing.T) AccountStore) {
	t.Run("events are stored with their write, and only with it", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		u, err := store.CreateUserWithCredential(ctx, user(t, "eve", 1), credential(1, "Phone"),
			ev(domain.EventAccountCreated, ""), ev(domain.EventPasskeyAdded, ""))
		if err != nil {
			t.Fatal(err)
		}
		id := credential(1, "").ID
		// A refused counter writes nothing, its event included.
		if ok, err := store.RecordLogin(ctx, id, domain.LoginUpdate{SignCount: 5}, ev(domain.EventSignedIn, "")); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, err := store.RecordLogin(ctx, id, domain.LoginUpdate{SignCount: 5}, ev(domain.EventSignedIn, "")); ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := store.MarkCloneWarning(ctx, id, ev(domain.EventSignInRefused, "counter")); err != nil {
			t.Fatal(err)
		}
		if _, err := store.RenameCredential(ctx, u.ID, id, "Old phone", ev(domain.EventPasskeyRenamed, "")); err != nil {
			t.Fatal(err)
		}
		second := credential(2, "Key")
		second.UserID = u.ID
		if err := store.AddCredential(ctx, second, ev(domain.EventPasskeyAdded, "")); err != nil {
			t.Fatal(err)
		}
		failing := func(context.Context) error { return errors.New("no") }
		_ = store.DeleteCredential(ctx, u.ID, second.ID, failing, ev(domain.EventPasskeyDeleted, "rolled back"))
		if err := store.DeleteCredential(ctx, u.ID, second.ID, func(context.Context) error { return nil }, ev(domain.EventPasskeyDeleted, "")); err != nil {
			t.Fatal(err)
		}
		standalone := ev(domain.EventSessionEnded, "signed out")
		standalone.UserID, standalone.CredentialID = u.ID, id
		if err := store.RecordEvent(ctx, standalone); err != nil {
			t.Fatal(err)
		}

		events, err := store.Events(ctx, u.ID, 0, 100)
		if err != nil || !sameTypes(events, domain.EventSessionEnded, domain.EventPasskeyDeleted, domain.EventPasskeyAdded,
			domain.EventPasskeyRenamed, domain.EventSignInRefused, domain.EventSignedIn, domain.EventPasskeyAdded,
			domain.EventAccountCreated) {
			t.Fatalf("events newest first: %v (%v)", types(events), err)
		}
		for i, e := range events {
			if e.UserID != u.ID || e.ID == 0 || e.At.IsZero() || e.RequestID == "" || e.Client.IP != "203.0.113.0/24" {
				t.Fatalf("event %d: %+v", i, e)
			}
			if i > 0 && e.ID >= events[i-1].ID {
				t.Fatalf("event ids do not decrease: %d after %d", e.ID, events[i-1].ID)
			}
		}
		if deleted := events[1]; string(deleted.CredentialID) != string(second.ID) || deleted.CredentialName != "Key" {
			t.Fatalf("the deletion names %x %q, want the deleted passkey as it was", deleted.CredentialID, deleted.CredentialName)
		}
		if renamed := events[3]; renamed.CredentialName != "Old phone" {
			t.Fatalf("the rename carries %q, want the new name", renamed.CredentialName)
		}
		// Keyset pages: two at a time, then the next two.
		first, _ := store.Events(ctx, u.ID, 0, 2)
		next, _ := store.Events(ctx, u.ID, first[1].ID, 2)
		if len(first) != 2 || len(next) != 2 || next[0].ID != events[2].ID {
			t.Fatalf("pages %v then %v", types(first), types(next))
		}
		if other, err := store.Events(ctx, u.ID+1000, 0, 10); err != nil || len(other) != 0 {
			t.Fatalf("another account's events: %v, %v", other, err)
		}
	})
	t.Run("pruning deletes by age", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		u, err := store.CreateUserWithCredential(ctx, user(t, "pat", 1), credential(1, "Phone"), ev(domain.EventAccountCreated, ""))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := store.PruneEvents(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("pruning what is younger than an hour: %d, %v", n, err)
		}
		if n, err := store.PruneEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("pruning everything: %d, %v", n, err)
		}
		if events, _ := store.Events(ctx, u.ID, 0, 10); len(events) != 0 {
			t.Fatalf("after pruning: %v", types(events))
		}
	})
}

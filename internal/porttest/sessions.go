package porttest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"movieapi/internal/domain"
)

// session is a session of userID created by credential, numbered n.
func session(userID int64, credential byte, n int, now time.Time) domain.Session {
	now = time.UnixMilli(now.UnixMilli()) // what a store keeps
	return domain.Session{
		TokenHash: fmt.Sprintf("%064x", n), UserID: userID, Username: "Ann", CredentialID: []byte{credential},
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now,
	}
}

func sameSession(a, b domain.Session) bool {
	return a.TokenHash == b.TokenHash && a.UserID == b.UserID && a.Username == b.Username &&
		bytes.Equal(a.CredentialID, b.CredentialID) && a.CreatedAt.Equal(b.CreatedAt) &&
		a.ExpiresAt.Equal(b.ExpiresAt) && a.LastSeenAt.Equal(b.LastSeenAt) && a.VerifiedAt.Equal(b.VerifiedAt)
}

// SessionStore checks domain.SessionStore on fresh, empty instances.
func SessionStore(t *testing.T, fresh func(t *testing.T) domain.SessionStore) {
	now := time.Now()
	t.Run("create, read, touch, verify, delete", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		in := session(1, 9, 1, now)
		if err := store.CreateSession(ctx, in, time.Hour, now); err != nil {
			t.Fatal(err)
		}
		got, err := store.Session(ctx, in.TokenHash)
		if err != nil || !sameSession(got, in) {
			t.Fatalf("Session = %+v, %v; want %+v", got, err, in)
		}
		later := time.UnixMilli(now.Add(time.Minute).UnixMilli())
		if err := store.TouchSession(ctx, in.TokenHash, later, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.Session(ctx, in.TokenHash); !got.LastSeenAt.Equal(later) {
			t.Fatalf("after a touch, last seen %v, want %v", got.LastSeenAt, later)
		}
		if err := store.MarkVerified(ctx, in.TokenHash, later); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.Session(ctx, in.TokenHash); !got.VerifiedAt.Equal(later) || !got.ExpiresAt.Equal(in.ExpiresAt) {
			t.Fatalf("after a proof: %+v", got)
		}
		if err := store.DeleteSession(ctx, in); err != nil {
			t.Fatal(err)
		}
		_, err = store.Session(ctx, in.TokenHash)
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("an ended session stays ended", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		gone := session(1, 9, 2, now)
		wantKind(t, store.TouchSession(ctx, gone.TokenHash, now, time.Hour), domain.ErrNotFound)
		wantKind(t, store.MarkVerified(ctx, gone.TokenHash, now), domain.ErrNotFound)
		_, err := store.Session(ctx, gone.TokenHash)
		wantKind(t, err, domain.ErrNotFound)
	})
	t.Run("a credential's sessions end together, and only they", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		mine1, mine2, other := session(1, 7, 3, now), session(1, 7, 4, now), session(1, 8, 5, now)
		elsewhere := session(2, 7, 6, now) // another user's session with the same credential byte
		for _, s := range []domain.Session{mine1, mine2, other, elsewhere} {
			if err := store.CreateSession(ctx, s, time.Hour, now); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.EndCredentialSessions(ctx, 1, []byte{7}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []domain.Session{mine1, mine2} {
			_, err := store.Session(ctx, s.TokenHash)
			wantKind(t, err, domain.ErrNotFound)
		}
		for _, s := range []domain.Session{other, elsewhere} {
			if _, err := store.Session(ctx, s.TokenHash); err != nil {
				t.Fatalf("session %s ended with another credential's: %v", s.TokenHash[60:], err)
			}
		}
	})
	t.Run("ceremonies are single use", func(t *testing.T) {
		t.Parallel()
		store, ctx := fresh(t), context.Background()
		if err := store.PutCeremony(ctx, domain.CeremonyLogin, "c1", []byte("state"), time.Minute); err != nil {
			t.Fatal(err)
		}
		err := store.PutCeremony(ctx, domain.CeremonyLogin, "c1", []byte("other"), time.Minute)
		wantKind(t, err, domain.ErrConflict)
		_, err = store.TakeCeremony(ctx, domain.CeremonyRegistration, "c1")
		wantKind(t, err, domain.ErrNotFound) // another kind of ceremony
		got, err := store.TakeCeremony(ctx, domain.CeremonyLogin, "c1")
		if err != nil || string(got) != "state" {
			t.Fatalf("TakeCeremony = %q, %v", got, err)
		}
		_, err = store.TakeCeremony(ctx, domain.CeremonyLogin, "c1")
		wantKind(t, err, domain.ErrNotFound)
	})
}

package redis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
	"movieapi/internal/redis"
	"movieapi/internal/testenv"
)

// newSessions is a session store on the shared test Redis, under the test's
// prefix, with a plain client to look at what it stored.
func newSessions(t *testing.T) (redis.SessionStore, *goredis.Client, string) {
	t.Helper()
	testenv.RequireIntegration(t)
	url, prefix := testenv.Redis(t)
	c, err := redis.NewClient(redis.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	raw := goredis.NewClient(opts)
	t.Cleanup(func() { _ = raw.Close() })
	return redis.NewSessionStore(c), raw, prefix
}

func session(userID int64, n int, now time.Time, lifetime time.Duration) domain.Session {
	return domain.Session{
		TokenHash: fmt.Sprintf("%064x", n), UserID: userID, Username: "Ann", CredentialID: []byte{1, 2, 3},
		CreatedAt: now, ExpiresAt: now.Add(lifetime), LastSeenAt: now,
	}
}

func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	store, raw, prefix := newSessions(t)
	ctx := context.Background()
	now := time.UnixMilli(time.Now().UnixMilli())
	in := session(7, 1, now, time.Hour)
	in.VerifiedAt = now
	if err := store.CreateSession(ctx, in, 10*time.Minute, now); err != nil {
		t.Fatal(err)
	}
	got, err := store.Session(ctx, in.TokenHash)
	if err != nil || got.UserID != 7 || got.Username != "Ann" || string(got.CredentialID) != "\x01\x02\x03" ||
		!got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(in.ExpiresAt) || !got.LastSeenAt.Equal(now) ||
		!got.VerifiedAt.Equal(now) || got.TokenHash != in.TokenHash {
		t.Fatalf("read back %+v (%v), want %+v", got, err, in)
	}
	if ttl := raw.PTTL(ctx, prefix+"session:"+in.TokenHash).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
		t.Fatalf("TTL %v, want the 10 minutes asked for", ttl)
	}

	// A use slides the TTL and records the time; a proof keeps the TTL.
	later := now.Add(time.Minute)
	if err := store.TouchSession(ctx, in.TokenHash, later, 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkVerified(ctx, in.TokenHash, later.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	got, _ = store.Session(ctx, in.TokenHash)
	if !got.LastSeenAt.Equal(later.Add(time.Second)) || !got.VerifiedAt.Equal(later.Add(time.Second)) {
		t.Fatalf("after touch and proof: %+v", got)
	}
	if ttl := raw.PTTL(ctx, prefix+"session:"+in.TokenHash).Val(); ttl <= 29*time.Minute {
		t.Fatalf("TTL %v after the touch, want about 30 minutes", ttl)
	}

	// Ended sessions stay ended: neither a touch nor a proof brings back
	// a fragment of them.
	if err := store.DeleteSession(ctx, in); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"read":  func() error { _, err := store.Session(ctx, in.TokenHash); return err }(),
		"touch": store.TouchSession(ctx, in.TokenHash, later, time.Hour),
		"proof": store.MarkVerified(ctx, in.TokenHash, later),
	} {
		if !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s of an ended session: %v, want not found", name, err)
		}
	}
	if n := raw.Exists(ctx, prefix+"session:"+in.TokenHash).Val(); n != 0 {
		t.Fatal("a touch or proof brought an ended session back")
	}
	if n := raw.ZCard(ctx, prefix+"sessions:user:7").Val(); n != 0 {
		t.Fatalf("the ended session is still listed (%d entries)", n)
	}
}

// TestSessionOfAnOlderFormatIsNoSession: a key in the format of an earlier
// release (a JSON string) reads as no session, not as an outage.
func TestSessionOfAnOlderFormatIsNoSession(t *testing.T) {
	t.Parallel()
	store, raw, prefix := newSessions(t)
	hash := fmt.Sprintf("%064x", 9)
	raw.Set(context.Background(), prefix+"session:"+hash, `{"user_id":1}`, time.Minute)
	if _, err := store.Session(context.Background(), hash); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("old-format session: %v, want not found", err)
	}
}

// TestUserSessionIndexStaysBounded: a passkey in constant use for many
// session lifetimes leaves only the live sessions listed; ending a
// credential's sessions ends those and only those.
func TestUserSessionIndexStaysBounded(t *testing.T) {
	t.Parallel()
	store, raw, prefix := newSessions(t)
	ctx := context.Background()
	start := time.Now()
	const lifetime, signIns = time.Hour, 500
	for i := range signIns {
		// One sign-in every 6 minutes: ten sessions live at any time.
		now := start.Add(time.Duration(i) * 6 * time.Minute)
		if err := store.CreateSession(ctx, session(11, i, now, lifetime), time.Minute, now); err != nil {
			t.Fatal(err)
		}
		if n := raw.ZCard(ctx, prefix+"sessions:user:11").Val(); n > 11 {
			t.Fatalf("after %d sign-ins the index holds %d entries, want at most 11", i+1, n)
		}
	}

	now := time.Now()
	mine, theirs := session(12, 1, now, lifetime), session(12, 2, now, lifetime)
	theirs.CredentialID = []byte{9}
	gone := session(12, 3, now, lifetime)
	for _, s := range []domain.Session{mine, theirs, gone} {
		if err := store.CreateSession(ctx, s, time.Hour, now); err != nil {
			t.Fatal(err)
		}
	}
	raw.Del(ctx, prefix+"session:"+gone.TokenHash) // expired on its own
	if err := store.EndCredentialSessions(ctx, 12, mine.CredentialID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Session(ctx, mine.TokenHash); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("the credential's session survived: %v", err)
	}
	if _, err := store.Session(ctx, theirs.TokenHash); err != nil {
		t.Fatalf("another credential's session ended: %v", err)
	}
	if members := raw.ZRange(ctx, prefix+"sessions:user:12", 0, -1).Val(); len(members) != 1 || members[0] != theirs.TokenHash {
		t.Fatalf("index after the sweep: %v, want only the other credential's session", members)
	}
}

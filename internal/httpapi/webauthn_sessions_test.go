package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
	"movieapi/internal/domain"
)

// TestSessionIsStoredHashedWithItsTTL: Redis holds the session under the
// SHA-256 of its token with the session TTL (or the idle timeout, when
// shorter), listed among its user's sessions, and nothing in Redis — key or
// value — contains the token itself.
func TestSessionIsStoredHashedWithItsTTL(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	rdb, prefix := redisOf(t, srv)
	token, _ := authtest.SignUp(t, srv, "yara")

	key := prefix + "session:" + domain.TokenHash(token)
	ttl, err := rdb.TTL(t.Context(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	// The TTL counts down from the configured value; a minute of slack
	// covers a slow machine without accepting a missing or wrong TTL.
	want := min(srv.Config.SessionTTL, srv.Config.SessionIdle)
	if ttl > want || ttl < want-time.Minute {
		t.Fatalf("TTL of %s is %v, want about %v", key, ttl, want)
	}
	var userID int64
	if err := database(t, srv).QueryRow(t.Context(), "SELECT id FROM users WHERE username = 'yara'").Scan(&userID); err != nil {
		t.Fatal(err)
	}
	index := prefix + "sessions:user:" + strconv.FormatInt(userID, 10)
	if _, err := rdb.ZScore(t.Context(), index, domain.TokenHash(token)).Result(); err != nil {
		t.Fatalf("session not listed among its user's in %s (%v)", index, err)
	}
	if ttl, err := rdb.TTL(t.Context(), index).Result(); err != nil || ttl <= 0 {
		t.Fatalf("the user's session index has TTL %v (%v), want one", ttl, err)
	}

	iter := rdb.Scan(t.Context(), 0, prefix+"*", 100).Iterator()
	scanned := 0
	for iter.Next(t.Context()) {
		scanned++
		k := iter.Val()
		if strings.Contains(k, token) {
			t.Errorf("key %s contains the token", k)
		}
		var value string
		switch typ := rdb.Type(t.Context(), k).Val(); typ {
		case "string":
			value = rdb.Get(t.Context(), k).Val()
		case "zset":
			value = strings.Join(rdb.ZRange(t.Context(), k, 0, -1).Val(), " ")
		case "hash":
			value = strings.Join(rdb.HVals(t.Context(), k).Val(), " ")
		default:
			t.Errorf("key %s of unexpected type %s", k, typ)
		}
		if strings.Contains(value, token) {
			t.Errorf("the value of %s contains the token", k)
		}
	}
	if err := iter.Err(); err != nil || scanned < 2 {
		t.Fatalf("scanned %d keys (%v), want at least the session and its index", scanned, err)
	}
}

// TestLogoutEndsTheSession: 204, then the token is refused everywhere.
func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	rdb, prefix := redisOf(t, srv)
	token, _ := authtest.SignUp(t, srv, "zack")
	if r := srv.Do(t, "POST", "/webauthn/logout", nil, bearer(token)...); r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if sessionWorks(t, srv, token) {
		t.Fatal("the session works after logout")
	}
	if n, err := rdb.Exists(t.Context(), prefix+"session:"+domain.TokenHash(token)).Result(); err != nil || n != 0 {
		t.Fatalf("session key left in Redis after logout (%v)", err)
	}
	r := srv.Do(t, "POST", "/webauthn/logout", nil, bearer(token)...)
	if r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("second logout: %d %s, want 401 with WWW-Authenticate", r.Status, r.Body)
	}
}

// TestDeletingAPasskeyEndsItsSessions: the sessions the deleted passkey
// created end at once; those of the account's other passkey go on.
func TestDeletingAPasskeyEndsItsSessions(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	firstToken, first := authtest.SignUp(t, srv, "abby")
	firstToken2 := authtest.SignIn(t, srv, "abby", first)
	second := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "abby", second, firstToken)
	secondToken := authtest.SignIn(t, srv, "abby", second)

	if r := srv.Do(t, "DELETE", "/webauthn/credentials/"+first.CredentialID(), nil, bearer(secondToken)...); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if sessionWorks(t, srv, firstToken) || sessionWorks(t, srv, firstToken2) {
		t.Fatal("a session of the deleted passkey still works")
	}
	if !sessionWorks(t, srv, secondToken) {
		t.Fatal("the other passkey's session ended too")
	}
}

// TestSessionWorksOnEveryInstance: two instances share PostgreSQL and Redis;
// a session made on one is valid on the other, and a logout on either ends
// it on both.
func TestSessionWorksOnEveryInstance(t *testing.T) {
	t.Parallel()
	cfg := apitest.DefaultConfig(t)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	token, p := authtest.SignUp(t, a, "bea")
	if list := listCredentials(t, b, token); len(list) != 1 || list[0].ID != p.CredentialID() {
		t.Fatalf("instance b lists %+v", list)
	}
	// A ceremony begun on one instance can be finished on the other.
	other := authtest.SignIn(t, b, "bea", p)
	start := startSignIn(t, a, "bea")
	if r := finishSignIn(t, b, "bea", assert(t, p, start)); r.Status != http.StatusOK {
		t.Fatalf("sign-in begun on a, finished on b: %d %s", r.Status, r.Body)
	}
	if r := b.Do(t, "POST", "/webauthn/logout", nil, bearer(token)...); r.Status != http.StatusNoContent {
		t.Fatalf("logout on b: %d", r.Status)
	}
	if sessionWorks(t, a, token) {
		t.Fatal("the session logged out on b still works on a")
	}
	if !sessionWorks(t, a, other) {
		t.Fatal("logging one session out ended another")
	}
}

// TestExpiredSessionIsRefused: with a one-second session TTL the token stops
// working on its own, with the 401 a missing session gets.
func TestExpiredSessionIsRefused(t *testing.T) {
	t.Parallel()
	// The environment enforces at least a minute (AXUM_SESSION_TTL_SEC);
	// the service itself takes any positive TTL, and a second keeps the
	// test short.
	srv := apitest.Start(t, func(c *config.Config) { c.SessionTTL = time.Second })
	token, _ := authtest.SignUp(t, srv, "cole")
	apitest.WaitFor(t, "the session to expire", func() bool { return !sessionWorks(t, srv, token) })
	r := srv.Do(t, "GET", "/webauthn/credentials", nil, bearer(token)...)
	if r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("expired session: %d %s, WWW-Authenticate %q", r.Status, r.Body, r.Header.Get("WWW-Authenticate"))
	}
	r.ErrorMessage(t)
}

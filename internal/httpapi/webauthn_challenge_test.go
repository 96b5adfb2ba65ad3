package httpapi_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

const challengeNotFound = `{"error":"challenge not found or expired"}`

// wantChallengeNotFound fails unless r is the contract's exact answer for a
// finish without a live challenge.
func wantChallengeNotFound(t testing.TB, r apitest.Response) {
	t.Helper()
	if r.Status != http.StatusBadRequest || strings.TrimSpace(string(r.Body)) != challengeNotFound {
		t.Fatalf("%d %s, want 400 %s", r.Status, r.Body, challengeNotFound)
	}
}

// TestFinishWithoutAChallenge: a credential naming no challenge, or one the
// server never issued, is the same 400 on both finishes.
func TestFinishWithoutAChallenge(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "dora", p, "")
	never := make([]byte, 32)
	_, _ = rand.Read(never)

	credentials := map[string]struct{ registration, assertion []byte }{
		"no challenge in clientData": {
			attest(t, p, startRegistration(t, srv, "erin", ""), authtest.WithChallenge("")),
			assert(t, p, startSignIn(t, srv, "dora"), authtest.WithChallenge("")),
		},
		"a challenge never issued": {
			attest(t, p, startRegistration(t, srv, "erin", ""), authtest.WithChallenge(base64.RawURLEncoding.EncodeToString(never))),
			assert(t, p, startSignIn(t, srv, "dora"), authtest.WithChallenge(base64.RawURLEncoding.EncodeToString(never))),
		},
		"an empty credential":           {[]byte(`{}`), []byte(`{}`)},
		"clientDataJSON not base64url":  {[]byte(`{"response":{"clientDataJSON":"%%%"}}`), []byte(`{"response":{"clientDataJSON":"%%%"}}`)},
		"a credential that is a number": {[]byte(`42`), []byte(`42`)},
	}
	for name, c := range credentials {
		t.Run(name, func(t *testing.T) {
			wantChallengeNotFound(t, finishRegistration(t, srv, "erin", c.registration, ""))
			wantChallengeNotFound(t, finishSignIn(t, srv, "dora", c.assertion))
		})
	}
}

// TestFailedFinishConsumesTheChallenge: a challenge is single use even when
// the finish fails, so a rejected answer cannot be corrected and retried.
func TestFailedFinishConsumesTheChallenge(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)

	t.Run("registration", func(t *testing.T) {
		p := newPasskey(srv, authtest.ES256)
		start := startRegistration(t, srv, "fay", "")
		wantError(t, finishRegistration(t, srv, "fay", attest(t, p, start, authtest.CorruptSignature()), ""),
			http.StatusBadRequest, "credential verification failed")
		wantChallengeNotFound(t, finishRegistration(t, srv, "fay", attest(t, p, start), ""))
		var users int
		if err := db.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE lower(username) = 'fay'`).Scan(&users); err != nil || users != 0 {
			t.Fatalf("%d user rows after failed registrations (%v)", users, err)
		}
	})
	t.Run("sign-in", func(t *testing.T) {
		p := newPasskey(srv, authtest.ES256)
		authtest.Register(t, srv, "gus", p, "")
		start := startSignIn(t, srv, "gus")
		wantError(t, finishSignIn(t, srv, "gus", assert(t, p, start, authtest.CorruptSignature())),
			http.StatusUnauthorized, "authentication failed")
		wantChallengeNotFound(t, finishSignIn(t, srv, "gus", assert(t, p, start)))
	})
}

// TestReusedChallenge: an answer that succeeded cannot be replayed.
func TestReusedChallenge(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)

	registration := attest(t, p, startRegistration(t, srv, "hal", ""))
	if r := finishRegistration(t, srv, "hal", registration, ""); r.Status != http.StatusOK {
		t.Fatalf("registration: %d %s", r.Status, r.Body)
	}
	wantChallengeNotFound(t, finishRegistration(t, srv, "hal", registration, ""))

	assertion := assert(t, p, startSignIn(t, srv, "hal"))
	if r := finishSignIn(t, srv, "hal", assertion); r.Status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", r.Status, r.Body)
	}
	wantChallengeNotFound(t, finishSignIn(t, srv, "hal", assertion))
}

// TestCeremonyStateIsKeyedByChallenge: each ceremony's state lives in Redis
// under its own challenge, for the challenge TTL (which is also the browser
// timeout), until its finish takes it.
func TestCeremonyStateIsKeyedByChallenge(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	rdb, prefix := redisOf(t, srv)
	ttl := srv.Config.WebAuthn.ChallengeTTL
	p := newPasskey(srv, authtest.ES256)

	for _, ceremony := range []struct {
		kind   string
		start  func() []byte
		finish func(start []byte) apitest.Response
	}{
		{
			"reg",
			func() []byte { return startRegistration(t, srv, "jon", "") },
			func(start []byte) apitest.Response { return finishRegistration(t, srv, "jon", attest(t, p, start), "") },
		},
		{
			"auth",
			func() []byte { return startSignIn(t, srv, "jon") },
			func(start []byte) apitest.Response { return finishSignIn(t, srv, "jon", assert(t, p, start)) },
		},
	} {
		// Two ceremonies for one username at once (two tabs): both are
		// kept, neither overwrites the other.
		first, second := ceremony.start(), ceremony.start()
		var options struct {
			Timeout int64 `json:"timeout"`
		}
		if err := jsonPublicKey(first, &options); err != nil || options.Timeout != ttl.Milliseconds() {
			t.Fatalf("%s: timeout %d ms (%v), want the challenge TTL %d ms", ceremony.kind, options.Timeout, err, ttl.Milliseconds())
		}
		keys := []string{
			prefix + "webauthn:" + ceremony.kind + ":" + challengeOf(t, first),
			prefix + "webauthn:" + ceremony.kind + ":" + challengeOf(t, second),
		}
		for _, key := range keys {
			// The TTL counts down from the configured value; the slack
			// covers a slow machine without accepting a wrong TTL.
			remaining, err := rdb.PTTL(t.Context(), key).Result()
			if err != nil || remaining > ttl || remaining < ttl-30*time.Second {
				t.Fatalf("%s: key %s has TTL %v (%v), want about %v", ceremony.kind, key, remaining, err, ttl)
			}
		}
		if r := ceremony.finish(second); r.Status != http.StatusOK {
			t.Fatalf("%s: finishing the second ceremony: %d %s", ceremony.kind, r.Status, r.Body)
		}
		if n, err := rdb.Exists(t.Context(), keys...).Result(); err != nil || n != 1 {
			t.Fatalf("%s: %d of the two ceremony keys left after one finish (%v), want the other one", ceremony.kind, n, err)
		}
	}
}

// TestExpiredChallenge: once the challenge TTL has passed the ceremony state
// is gone from Redis and the finish is a 400.
func TestExpiredChallenge(t *testing.T) {
	t.Parallel()
	// The account is registered on an instance with the default TTL, so
	// that step cannot run out of time on a slow machine; a second
	// instance over the same database and Redis runs the short ceremonies.
	cfg := apitest.DefaultConfig(t)
	setup := apitest.StartWith(t, cfg)
	cfg.WebAuthn.ChallengeTTL = time.Second
	srv := apitest.StartWith(t, cfg)
	rdb, prefix := redisOf(t, srv)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, setup, "ida", p, "")

	registration := startRegistration(t, srv, "jon", "")
	signIn := startSignIn(t, srv, "ida")
	keys := []string{
		prefix + "webauthn:reg:" + challengeOf(t, registration),
		prefix + "webauthn:auth:" + challengeOf(t, signIn),
	}
	apitest.WaitFor(t, "the ceremony states to expire", func() bool {
		n, err := rdb.Exists(t.Context(), keys...).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
	wantChallengeNotFound(t, finishRegistration(t, srv, "jon", attest(t, newPasskey(srv, authtest.ES256), registration), ""))
	wantChallengeNotFound(t, finishSignIn(t, srv, "ida", assert(t, p, signIn)))
}

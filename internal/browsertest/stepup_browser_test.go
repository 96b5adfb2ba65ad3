package browsertest_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// ageProof makes the session's last user-verified assertion a day old, as
// if the person had signed in long ago (field "verified" of the session
// hash, contract §10), and returns a way to read it back.
func (s *site) ageProof(token string) func() time.Time {
	s.t.Helper()
	opts, err := redis.ParseURL(s.srv.Config.RedisURL)
	if err != nil {
		s.t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	s.t.Cleanup(func() { _ = rdb.Close() })
	key := s.srv.Config.RedisPrefix + "session:" + domain.TokenHash(token)
	old := time.Now().Add(-24 * time.Hour)
	if err := rdb.HSet(s.t.Context(), key, "verified", strconv.FormatInt(old.UnixMilli(), 10)).Err(); err != nil {
		s.t.Fatal(err)
	}
	return func() time.Time {
		ms, err := rdb.HGet(s.t.Context(), key, "verified").Int64()
		if err != nil {
			s.t.Fatal(err)
		}
		return time.UnixMilli(ms)
	}
}

// Long after signing in, adding and deleting a passkey each take one extra
// passkey prompt: the page runs the server's re-authentication on the same
// session, then the change — the person sees the change done, the token
// stays the same.
func TestBrowserStepUpBeforePasskeyChanges(t *testing.T) {
	t.Parallel()
	s := openSite(t)
	s.register("una", "Laptop")
	token := s.sessionToken()

	verifiedAt := s.ageProof(token)
	key := s.b.AddAuthenticator(webauthn.AuthenticatorTransportUsb)
	s.b.Type(addName, "Key")
	s.b.Click(addButton)
	s.b.WaitText(statusRegion, "Passkey “Key” added.")
	s.b.WaitCount(passkeyItems, 2)
	if since := time.Since(verifiedAt()); since > time.Minute {
		s.b.Fatalf("the add went through without a fresh re-authentication (last proof %v ago)", since)
	}
	if got := s.auth.OnlyCredential().SignCount; got < 2 {
		s.b.Fatalf("the laptop passkey signed %v times, want the sign-in and the re-authentication", got)
	}

	verifiedAt = s.ageProof(token)
	item := passkeyItems + `[data-id="` + credentialID(key.OnlyCredential()) + `"]`
	s.b.Click(item + " .delete")
	s.b.Click(item + " .confirm-delete")
	s.b.WaitText(statusRegion, "Passkey “Key” deleted.")
	s.b.WaitCount(passkeyItems, 1)
	if since := time.Since(verifiedAt()); since > time.Minute {
		s.b.Fatalf("the delete went through without a fresh re-authentication (last proof %v ago)", since)
	}
	if s.sessionToken() != token {
		s.b.Fatalf("the step-up replaced the session token")
	}
}

package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/domain"
)

// sessionEntry is one item of GET /webauthn/sessions.
type sessionEntry struct {
	ID          string  `json:"id"`
	CreatedAt   string  `json:"created_at"`
	LastSeenAt  string  `json:"last_seen_at"`
	ExpiresAt   string  `json:"expires_at"`
	PasskeyID   string  `json:"passkey_id"`
	PasskeyName *string `json:"passkey_name"`
	IP          string  `json:"ip"`
	UserAgent   string  `json:"user_agent"`
	Current     bool    `json:"current"`
}

func listSessions(t *testing.T, srv *apitest.Server, token string) ([]sessionEntry, string) {
	t.Helper()
	r := srv.Do(t, "GET", "/webauthn/sessions", nil, bearer(token)...)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /webauthn/sessions: %d %s", r.Status, r.Body)
	}
	var body struct {
		Sessions []sessionEntry `json:"sessions"`
	}
	r.JSON(t, &body)
	return body.Sessions, string(r.Body)
}

// signInFrom is a username-first sign-in from a given client address and
// browser (behind the trusted test proxy).
func signInFrom(t *testing.T, srv *apitest.Server, username string, p *authtest.Passkey, ip, userAgent string) string {
	t.Helper()
	headers := []string{"X-Forwarded-For", ip, "User-Agent", userAgent}
	start := srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"`+username+`"}`, headers...)
	r := srv.Do(t, "POST", "/webauthn/auth/finish", authtest.FinishRequest(username, assert(t, p, start.Body)), headers...)
	if r.Status != http.StatusOK {
		t.Fatalf("sign-in from %s: %d %s", ip, r.Status, r.Body)
	}
	var answer signInAnswer
	r.JSON(t, &answer)
	return answer.SessionToken
}

const (
	firefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
	safariPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)

// TestSessionsCanBeSeenAndEnded: the account's live sessions, newest first,
// with an opaque id, the passkey's name, the network and browser, and which
// one is asking; ending one, or all the others, works at once on every
// instance; another account's session is not found.
func TestSessionsCanBeSeenAndEnded(t *testing.T) {
	t.Parallel()
	cfg := apitest.DefaultConfig(t)
	behindProxy(&cfg)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	_, laptop := authtest.SignUp(t, a, "sue")
	onLaptop := signInFrom(t, a, "sue", laptop, "203.0.113.77", firefoxLinux)
	onPhone := signInFrom(t, b, "sue", laptop, "2001:db8:abcd:12::5", safariPhone)
	third := signInFrom(t, a, "sue", laptop, "198.51.100.20", firefoxLinux)
	strangerToken, _ := authtest.SignUp(t, a, "tom")

	sessions, raw := listSessions(t, a, onLaptop)
	if len(sessions) != 4 { // SignUp's own sign-in, then the three above
		t.Fatalf("%d sessions listed, want 4: %s", len(sessions), raw)
	}
	for _, secret := range []string{onLaptop, onPhone, third, domain.TokenHash(onLaptop), domain.TokenHash(onPhone)} {
		if strings.Contains(raw, secret) {
			t.Fatal("the session list shows a token or a token's hash")
		}
	}
	newest, phone, mine := sessions[0], sessions[1], sessions[2]
	if newest.IP != "198.51.100.0/24" || phone.IP != "2001:db8:abcd::/48" || phone.UserAgent != "Safari on iOS" ||
		mine.UserAgent != "Firefox on Linux" || !mine.Current || newest.Current || phone.Current {
		t.Fatalf("sessions, newest first: %+v", sessions)
	}
	if mine.PasskeyName == nil || *mine.PasskeyName != "Passkey" || mine.PasskeyID != laptop.CredentialID() || len(mine.ID) < 16 {
		t.Fatalf("the caller's session: %+v", mine)
	}

	wantError(t, a.Do(t, "DELETE", "/webauthn/sessions/"+phone.ID, nil, bearer(strangerToken)...), http.StatusNotFound, "session not found")
	if r := b.Do(t, "DELETE", "/webauthn/sessions/"+phone.ID, nil, bearer(onLaptop)...); r.Status != http.StatusNoContent {
		t.Fatalf("ending the phone's session: %d %s", r.Status, r.Body)
	}
	if sessionWorks(t, a, onPhone) || sessionWorks(t, b, onPhone) {
		t.Fatal("the ended session still works")
	}
	wantError(t, a.Do(t, "DELETE", "/webauthn/sessions/"+phone.ID, nil, bearer(onLaptop)...), http.StatusNotFound, "session not found")

	r := b.Do(t, "POST", "/webauthn/sessions/revoke-others", nil, bearer(onLaptop)...)
	var ended struct {
		Ended int `json:"ended"`
	}
	r.JSON(t, &ended)
	if r.Status != http.StatusOK || ended.Ended != 2 {
		t.Fatalf("revoke-others: %d %s, want 200 with 2 ended", r.Status, r.Body)
	}
	if sessionWorks(t, a, third) || !sessionWorks(t, a, onLaptop) || !sessionWorks(t, a, strangerToken) {
		t.Fatal("revoke-others ended the wrong sessions")
	}
	if left, _ := listSessions(t, b, onLaptop); len(left) != 1 || !left[0].Current {
		t.Fatalf("after revoke-others: %+v", left)
	}
}

package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// eventEntry is one item of GET /webauthn/events.
type eventEntry struct {
	ID          int64   `json:"id"`
	Type        string  `json:"type"`
	At          string  `json:"at"`
	PasskeyID   *string `json:"passkey_id"`
	PasskeyName *string `json:"passkey_name"`
	Detail      string  `json:"detail"`
	IP          string  `json:"ip"`
	UserAgent   string  `json:"user_agent"`
	RequestID   string  `json:"request_id"`
}

type eventPage struct {
	Events     []eventEntry `json:"events"`
	NextBefore *int64       `json:"next_before"`
}

func listEvents(t *testing.T, srv *apitest.Server, token, query string) eventPage {
	t.Helper()
	r := srv.Do(t, "GET", "/webauthn/events"+query, nil, bearer(token)...)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /webauthn/events%s: %d %s", query, r.Status, r.Body)
	}
	var page eventPage
	r.JSON(t, &page)
	return page
}

func eventTypes(page eventPage) string {
	types := make([]string, len(page.Events))
	for i, e := range page.Events {
		types[i] = e.Type
	}
	return strings.Join(types, " ")
}

// waitForEvents polls until the account's newest events are want (events
// of actions that write nothing else to PostgreSQL are written just after
// the action).
func waitForEvents(t *testing.T, srv *apitest.Server, token, want string) eventPage {
	t.Helper()
	var page eventPage
	apitest.WaitFor(t, "the events "+want, func() bool {
		page = listEvents(t, srv, token, "")
		return strings.HasPrefix(eventTypes(page), want)
	})
	return page
}

// TestSecurityActivityIsLogged: every kind of event of an account, newest
// first, with its passkey (named as it was), network, browser and request
// id; pages by keyset; counted per type in Prometheus.
func TestSecurityActivityIsLogged(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, behindProxy)
	_, laptop := authtest.SignUp(t, srv, "uma") // account_created, passkey_added, signed_in
	token := signInFrom(t, srv, "uma", laptop, "203.0.113.77", firefoxLinux)
	key := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "uma", key, token)
	authtest.Reauthenticate(t, srv, laptop, token)
	if r := srv.Do(t, "PATCH", "/webauthn/credentials/"+key.CredentialID(), `{"name":"Desk key"}`, bearer(token)...); r.Status != 200 {
		t.Fatalf("rename: %d", r.Status)
	}
	if r := srv.Do(t, "DELETE", "/webauthn/credentials/"+key.CredentialID(), nil, bearer(token)...); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	forger := laptop.Clone()
	forger.Key = newPasskey(srv, authtest.ES256).Key // the right id, the wrong key
	start := startSignIn(t, srv, "uma")
	wantError(t, srv.Do(t, "POST", "/webauthn/auth/finish", authtest.FinishRequest("uma", assert(t, forger, start)),
		"X-Forwarded-For", "198.51.100.9", "X-Request-Id", "probe-1"), http.StatusUnauthorized, "authentication failed")
	other := authtest.SignIn(t, srv, "uma", laptop)
	if r := srv.Do(t, "POST", "/webauthn/logout", nil, bearer(other)...); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}

	page := waitForEvents(t, srv, token, "session_ended signed_in sign_in_refused passkey_deleted passkey_renamed "+
		"reauthenticated passkey_added signed_in signed_in passkey_added account_created")
	byType := map[string]eventEntry{}
	for _, e := range page.Events {
		if _, seen := byType[e.Type]; !seen {
			byType[e.Type] = e
		}
	}
	refused := byType["sign_in_refused"]
	if refused.IP != "198.51.100.0/24" || refused.RequestID != "probe-1" || refused.Detail == "" ||
		refused.PasskeyID == nil || *refused.PasskeyID != laptop.CredentialID() {
		t.Errorf("the refused sign-in: %+v", refused)
	}
	if d := byType["passkey_deleted"]; d.PasskeyName == nil || *d.PasskeyName != "Desk key" || *d.PasskeyID != key.CredentialID() {
		t.Errorf("the deletion: %+v, want the passkey as it was named then", d)
	}
	if s := byType["reauthenticated"]; s.IP != "127.0.0.0/24" || s.UserAgent != "Go HTTP client" || s.PasskeyID == nil {
		t.Errorf("the re-authentication (from the test's own client): %+v", s)
	}
	if s := byType["signed_in"]; s.IP != "127.0.0.0/24" {
		t.Errorf("the newest sign-in: %+v", s)
	}

	first := listEvents(t, srv, token, "?limit=3")
	if len(first.Events) != 3 || first.NextBefore == nil || *first.NextBefore != first.Events[2].ID {
		t.Fatalf("first page: %+v", first)
	}
	next := listEvents(t, srv, token, fmt.Sprintf("?limit=3&before=%d", *first.NextBefore))
	if len(next.Events) != 3 || next.Events[0].ID != page.Events[3].ID {
		t.Fatalf("second page starts with %+v, want %+v", next.Events[0], page.Events[3])
	}
	if all := listEvents(t, srv, token, "?limit=1000"); len(all.Events) != len(page.Events) || all.NextBefore != nil {
		t.Fatalf("a limit above the cap: %d events, next %v", len(all.Events), all.NextBefore)
	}
	for _, bad := range []string{"?limit=-1", "?limit=x", "?before=-5"} {
		r := srv.Do(t, "GET", "/webauthn/events"+bad, nil, bearer(token)...)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.Status)
		}
	}
	if n := srv.Metric(t, `security_events_total{type="signed_in"}`); n != 3 {
		t.Errorf(`security_events_total{type="signed_in"} = %v, want 3`, n)
	}
	// Another account sees none of these.
	strangerToken, _ := authtest.SignUp(t, srv, "val")
	if got := eventTypes(listEvents(t, srv, strangerToken, "")); got != "signed_in passkey_added account_created" {
		t.Fatalf("another account's log: %s", got)
	}
}

// TestEventWritePolicy, both sides (contract §7.11): an event that shares
// its action's transaction is never lost without the action, and never
// kept without it (a rename whose event cannot be written is not done);
// an event written after its action (a logout) never fails the action when
// it cannot be written — it is counted as dropped.
func TestEventWritePolicy(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, p := authtest.SignUp(t, srv, "wes")
	db := database(t, srv)
	for _, c := range []string{"no_renames CHECK (type <> 'passkey_renamed')", "no_session_ends CHECK (type <> 'session_ended')"} {
		if _, err := db.Exec(t.Context(), "ALTER TABLE security_events ADD CONSTRAINT "+c); err != nil {
			t.Fatal(err)
		}
	}
	r := srv.Do(t, "PATCH", "/webauthn/credentials/"+p.CredentialID(), `{"name":"Renamed"}`, bearer(token)...)
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("a rename whose event cannot be stored: %d %s, want 500 (one transaction)", r.Status, r.Body)
	}
	if list := listCredentials(t, srv, token); list[0].Name == "Renamed" {
		t.Fatal("the passkey was renamed without its event")
	}
	other := authtest.SignIn(t, srv, "wes", p)
	if r := srv.Do(t, "POST", "/webauthn/logout", nil, bearer(other)...); r.Status != http.StatusNoContent {
		t.Fatalf("a logout whose event cannot be stored: %d, want 204", r.Status)
	}
	apitest.WaitFor(t, "the dropped event to be counted", func() bool {
		return srv.Metric(t, "security_event_write_failures_total") == 1
	})
	if sessionWorks(t, srv, other) {
		t.Fatal("the logout did not end the session")
	}
}

package browsertest_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/jackc/pgx/v5"

	"movieapi/internal/apitest"
	"movieapi/internal/browsertest"
)

// What the passkey page shows, by selector.
const (
	statusRegion    = "#status"
	signedOutView   = "#signed-out"
	signedInView    = "#signed-in"
	accountName     = "#account-name"
	registerUser    = "#register-username"
	registerName    = "#register-name"
	signInUser      = "#signin-username"
	signInButton    = "#signin-button"
	passkeyButton   = "#passkey-button"
	signOutButton   = "#signout-button"
	addName         = "#add-name"
	addButton       = "#add-button"
	passkeyItems    = "#passkey-list > li"
	autofillPending = `#signin-username[data-autofill="pending"]`
)

// site is one test's service, browser and platform authenticator.
type site struct {
	t    *testing.T
	srv  *apitest.Server
	b    *browsertest.Browser
	auth *browsertest.Authenticator
}

// openSite starts the service on localhost and a fresh browser with a
// platform authenticator, and opens the passkey page.
func openSite(t *testing.T) *site {
	t.Helper()
	srv := apitest.StartOnLocalhost(t)
	return openBrowser(t, srv)
}

// openSiteWith is openSite with script run in every document before the
// page's own scripts (to watch or take away a browser API).
func openSiteWith(t *testing.T, script string) *site {
	t.Helper()
	return openBrowser(t, apitest.StartOnLocalhost(t), func(b *browsertest.Browser) { b.BeforeEachDocument(script) })
}

// openBrowser opens the passkey page of srv in another fresh browser;
// prepare, if given, runs before the page loads.
func openBrowser(t *testing.T, srv *apitest.Server, prepare ...func(*browsertest.Browser)) *site {
	t.Helper()
	b := browsertest.Start(t, srv.URL)
	// Before the page loads, so its autofill request finds the authenticator.
	auth := b.AddAuthenticator(webauthn.AuthenticatorTransportInternal)
	for _, p := range prepare {
		p(b)
	}
	b.Open("/passkeys")
	b.WaitVisible(signedOutView)
	return &site{t: t, srv: srv, b: b, auth: auth}
}

// register creates an account the way a person does: type, press Enter.
func (s *site) register(username, name string) {
	s.t.Helper()
	s.b.Type(registerUser, username)
	if name != "" {
		s.b.Type(registerName, name)
	}
	s.b.Type(registerName, "\n")
	s.b.WaitText(statusRegion, "Your passkey was created and you are signed in as "+username)
	s.b.WaitVisible(signedInView)
}

// signOutLeavingAutofillPending signs out with presence simulation off, so
// the autofill request the signed-out page starts stays pending (the
// authenticator would otherwise answer it at once), then turns presence back
// on for the next explicit ceremony.
func (s *site) signOutLeavingAutofillPending() {
	s.t.Helper()
	s.auth.SetPresence(false)
	s.b.Click(signOutButton)
	s.b.WaitVisible(signedOutView)
	s.b.WaitText(statusRegion, "You are signed out")
	s.b.WaitVisible(autofillPending)
	s.auth.SetPresence(true)
}

// sessionToken is the token the page keeps, "" when signed out.
func (s *site) sessionToken() string {
	s.t.Helper()
	return browsertest.Eval[string](s.b,
		`JSON.parse(sessionStorage.getItem("movieapi.session") ?? "{}").token ?? ""`)
}

// credentialID is the base64url id the API uses for a virtual credential.
func credentialID(c *webauthn.Credential) string {
	return base64.RawURLEncoding.EncodeToString(c.CredentialID)
}

// storedSignCount reads the server's sign count for a credential.
func (s *site) storedSignCount(id []byte) int64 {
	s.t.Helper()
	var count int64
	queryRow(s.t, s.srv, `SELECT sign_count FROM credentials WHERE id = $1`, []any{id}, &count)
	return count
}

// queryRow runs one query against the test's own database.
func queryRow(t *testing.T, srv *apitest.Server, sql string, args []any, dest ...any) {
	t.Helper()
	withDatabase(t, srv, func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, sql, args...).Scan(dest...)
	})
}

// execSQL runs one statement against the test's own database.
func execSQL(t *testing.T, srv *apitest.Server, sql string, args ...any) {
	t.Helper()
	withDatabase(t, srv, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, sql, args...)
		return err
	})
}

func withDatabase(t *testing.T, srv *apitest.Server, f func(context.Context, *pgx.Conn) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, srv.Config.DatabaseURL)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if err := f(ctx, conn); err != nil {
		t.Fatalf("querying the test database: %v", err)
	}
}

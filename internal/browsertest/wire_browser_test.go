package browsertest_test

import (
	"slices"
	"testing"

	"github.com/chromedp/cdproto/webauthn"

	"movieapi/internal/apitest"
	"movieapi/internal/browsertest"
)

// wireScript drives the JSON API from the browser with no page code at all:
// fetch, navigator.credentials.create/get, and the browser's own toJSON().
// It registers, signs in with a username and without one, lists, and signs
// out, and returns every answer.
const wireScript = `(async () => {
  const call = async (method, path, body, token) => {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  const getJSON = async (options) => (await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey),
  })).toJSON();

  const out = {};
  const start = await call("POST", "/webauthn/register/start", { username: "hana" });
  out.created = (await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(start.body.challenge.publicKey),
  })).toJSON();
  out.registered = await call("POST", "/webauthn/register/finish",
    { username: "hana", credential: out.created, name: "Browser" });

  let begin = await call("POST", "/webauthn/auth/start", { username: "hana" });
  out.withUsername = await call("POST", "/webauthn/auth/finish",
    { username: "hana", credential: await getJSON(begin.body.options) });

  begin = await call("POST", "/webauthn/auth/start", {});
  out.discoverable = await call("POST", "/webauthn/auth/finish",
    { credential: await getJSON(begin.body.options) });

  const token = out.discoverable.body.session_token;
  out.listed = await call("GET", "/webauthn/credentials", undefined, token);
  out.loggedOut = await call("POST", "/webauthn/logout", undefined, token);
  out.afterLogout = await call("GET", "/webauthn/credentials", undefined, token);
  return out;
})()`

type answer[T any] struct {
	Status int `json:"status"`
	Body   T   `json:"body"`
}

type wireResults struct {
	Created struct {
		ID                      string `json:"id"`
		RawID                   string `json:"rawId"`
		AuthenticatorAttachment string `json:"authenticatorAttachment"`
		Response                struct {
			Transports []string `json:"transports"`
		} `json:"response"`
		ClientExtensionResults struct {
			CredProps struct {
				RK bool `json:"rk"`
			} `json:"credProps"`
		} `json:"clientExtensionResults"`
	} `json:"created"`
	Registered answer[struct {
		Success      bool   `json:"success"`
		CredentialID string `json:"credential_id"`
	}] `json:"registered"`
	WithUsername answer[signInAnswer] `json:"withUsername"`
	Discoverable answer[signInAnswer] `json:"discoverable"`
	Listed       answer[struct {
		Credentials []struct {
			ID         string   `json:"id"`
			Name       string   `json:"name"`
			Transports []string `json:"transports"`
		} `json:"credentials"`
	}] `json:"listed"`
	LoggedOut   answer[any] `json:"loggedOut"`
	AfterLogout answer[any] `json:"afterLogout"`
}

type signInAnswer struct {
	Success      bool   `json:"success"`
	SessionToken string `json:"session_token"`
	Username     string `json:"username"`
}

// Real browser credentials, serialised by the browser itself, are accepted
// by the API exactly as sent, through both ceremonies and both sign-ins.
func TestBrowserAPIAcceptsBrowserCredentials(t *testing.T) {
	t.Parallel()
	srv := apitest.StartOnLocalhost(t)
	b := browsertest.Start(t, srv.URL)
	b.AddAuthenticator(webauthn.AuthenticatorTransportInternal)
	b.Open("/") // the served origin, and no page script of its own
	r := browsertest.Eval[wireResults](b, wireScript)

	c := r.Created
	if c.ID == "" || c.RawID != c.ID || c.AuthenticatorAttachment != "platform" ||
		!slices.Contains(c.Response.Transports, "internal") || !c.ClientExtensionResults.CredProps.RK {
		b.Fatalf("the browser's toJSON() gave an unexpected credential: %+v", c)
	}
	if r.Registered.Status != 200 || !r.Registered.Body.Success || r.Registered.Body.CredentialID != c.ID {
		b.Fatalf("register/finish answered %+v, want success with credential_id %s", r.Registered, c.ID)
	}
	for name, a := range map[string]answer[signInAnswer]{"with a username": r.WithUsername, "discoverable": r.Discoverable} {
		if a.Status != 200 || !a.Body.Success || a.Body.Username != "hana" || len(a.Body.SessionToken) != 43 {
			b.Fatalf("auth/finish %s answered %+v", name, a)
		}
	}
	if l := r.Listed; l.Status != 200 || len(l.Body.Credentials) != 1 || l.Body.Credentials[0].ID != c.ID ||
		l.Body.Credentials[0].Name != "Browser" || !slices.Equal(l.Body.Credentials[0].Transports, []string{"internal"}) {
		b.Fatalf("GET /webauthn/credentials answered %+v", l)
	}
	if r.LoggedOut.Status != 204 || r.AfterLogout.Status != 401 {
		b.Fatalf("logout answered %d, the token then %d; want 204, 401", r.LoggedOut.Status, r.AfterLogout.Status)
	}

	// What the server stored from the browser's JSON.
	var discoverable, verified bool
	var format string
	queryRow(t, srv, `SELECT discoverable, user_verified, attestation_format FROM credentials`, nil,
		&discoverable, &verified, &format)
	if !discoverable || !verified || format != "none" {
		b.Fatalf("stored discoverable=%v user_verified=%v attestation_format=%q", discoverable, verified, format)
	}
}

// Browsers without PublicKeyCredential.parse*FromJSON and toJSON() (older
// Firefox and Safari) get the page's own base64url conversions, which the
// API accepts just the same.
func TestBrowserPageWorksWithoutJSONHelpers(t *testing.T) {
	t.Parallel()
	srv := apitest.StartOnLocalhost(t)
	s := openBrowser(t, srv, func(b *browsertest.Browser) {
		b.BeforeEachDocument(`delete PublicKeyCredential.parseCreationOptionsFromJSON;
			delete PublicKeyCredential.parseRequestOptionsFromJSON;
			delete PublicKeyCredential.prototype.toJSON;`)
	})
	missing := browsertest.Eval[bool](s.b, `PublicKeyCredential.parseCreationOptionsFromJSON === undefined &&
		PublicKeyCredential.parseRequestOptionsFromJSON === undefined && PublicKeyCredential.prototype.toJSON === undefined`)
	if !missing {
		s.b.Fatalf("the JSON helpers are still there; the test would not exercise the fallback")
	}

	s.register("ivan", "Old browser")
	s.signOutLeavingAutofillPending()
	s.b.Type(signInUser, "ivan")
	s.b.Click(signInButton)
	s.b.WaitText(statusRegion, "Signed in as ivan.")
	s.b.WaitText(passkeyItems+" .passkey-name", "Old browser")
}

package httpapi_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// contractKey is a software passkey for the contract run: authtest does
// the authenticator's part with real ES256 signatures.
func contractKey(t *testing.T, srv *apitest.Server) *authtest.Passkey {
	t.Helper()
	return authtest.NewPasskey(authtest.ES256, srv.Config.WebAuthn.Origins[0])
}

// attested and asserted are what a browser sends back for a start answer.
func attested(t *testing.T, p *authtest.Passkey, start apitest.Response) []byte {
	t.Helper()
	credential, err := p.Attest(start.Body)
	if err != nil {
		t.Fatal(err)
	}
	return credential
}

func asserted(t *testing.T, p *authtest.Passkey, start apitest.Response) []byte {
	t.Helper()
	credential, err := p.Assert(start.Body)
	if err != nil {
		t.Fatal(err)
	}
	return credential
}

// exercisePasskeys runs registration, both kinds of sign-in, credential
// management and logout through the HTTP API, with a software
// authenticator doing the real signatures.
func exercisePasskeys(t *testing.T, c *contract, srv *apitest.Server) {
	post := func(path, body string, want int, valid bool, headers ...string) apitest.Response {
		t.Helper()
		return c.do(t, srv, exchange{method: "POST", path: path, body: body, want: want, validRequest: valid, headers: headers})
	}
	laptop, phone, stranger := contractKey(t, srv), contractKey(t, srv), contractKey(t, srv)

	// Registration.
	start := post("/webauthn/register/start", `{"username":"Alice","display_name":"Alice A."}`, 200, true)
	registration := string(authtest.FinishRequest("Alice", attested(t, laptop, start)))
	post("/webauthn/register/finish", registration, 200, true)
	post("/webauthn/register/finish", registration, 400, true) // single use
	post("/webauthn/register/finish", `{"username":"Alice","credential":{"response":{"clientDataJSON":"e30"}}}`, 400, true)
	post("/webauthn/register/finish", `{"username":"Alice"}`, 422, false)
	post("/webauthn/register/start", `{"username":"alice"}`, 409, true)
	post("/webauthn/register/start", `{"username":"   "}`, 400, true)
	post("/webauthn/register/start", `{}`, 422, false)

	// Sign-in, username first, then discoverable with an unknown passkey.
	start = post("/webauthn/auth/start", `{"username":"alice"}`, 200, true)
	signedIn := post("/webauthn/auth/finish", string(authtest.FinishRequest("alice", asserted(t, laptop, start))), 200, true)
	var session struct {
		SessionToken string `json:"session_token"`
	}
	signedIn.JSON(t, &session)
	bearer := []string{"Authorization", "Bearer " + session.SessionToken}
	post("/webauthn/auth/start", `{"username":"nobody"}`, 200, true)
	start = post("/webauthn/auth/start", `{"mediation":"conditional"}`, 200, true)
	stranger.UserHandle = make([]byte, 32)
	unknown := post("/webauthn/auth/finish", string(authtest.FinishRequest("", asserted(t, stranger, start))), 401, true)
	var failed struct {
		UnknownCredential bool `json:"unknown_credential"`
	}
	unknown.JSON(t, &failed)
	if !failed.UnknownCredential {
		t.Errorf("401 for an unknown credential without unknown_credential: %s", unknown.Body)
	}
	post("/webauthn/auth/finish", `{"credential":{"response":{"clientDataJSON":"e30"}}}`, 400, true)
	post("/webauthn/auth/finish", `{"credential":null}`, 422, false)
	post("/webauthn/auth/start", `[]`, 422, false)

	// Credentials, with and without a session.
	get := func(want int, headers ...string) {
		t.Helper()
		c.do(t, srv, exchange{method: "GET", path: "/webauthn/credentials", want: want, validRequest: want == 200, headers: headers})
	}
	get(200, bearer...)
	get(401)
	get(401, "Authorization", "Bearer not-a-session")
	patch := func(id, body string, want int, valid bool) {
		t.Helper()
		c.do(t, srv, exchange{method: "PATCH", path: "/webauthn/credentials/" + id, body: body, want: want, validRequest: valid, headers: bearer})
	}
	patch(laptop.CredentialID(), `{"name":"Laptop"}`, 200, true)
	patch(laptop.CredentialID(), `{"name":""}`, 400, false)
	patch(laptop.CredentialID(), `{}`, 422, false)
	patch("not+base64url", `{"name":"Laptop"}`, 400, true)
	patch(unknownCredentialID(), `{"name":"Laptop"}`, 404, true)
	c.do(t, srv, exchange{method: "PATCH", path: "/webauthn/credentials/" + laptop.CredentialID(), body: `{"name":"x"}`, want: 401})

	// Passkey changes need a recent proof: without one, 403 until the
	// session re-authenticates.
	reauthenticate := func() {
		t.Helper()
		start := post("/webauthn/reauth/start", `{}`, 200, true, bearer...)
		post("/webauthn/reauth/finish", string(authtest.FinishRequest("", asserted(t, laptop, start))), 200, true, bearer...)
	}
	ageProof(t, srv, session.SessionToken)
	post("/webauthn/register/start", `{"username":"alice"}`, 403, true, bearer...)
	post("/webauthn/reauth/finish", `{"credential":{"response":{"clientDataJSON":"e30"}}}`, 400, true, bearer...)
	post("/webauthn/reauth/finish", `{}`, 422, false, bearer...)
	post("/webauthn/reauth/start", `{}`, 401, true)
	reauthenticate()

	// A second device, added with the session; then deletions.
	start = post("/webauthn/register/start", `{"username":"alice"}`, 200, true, bearer...)
	post("/webauthn/register/finish", string(authtest.FinishRequest("alice", attested(t, phone, start))), 200, true)
	del := func(id string, want int, headers ...string) {
		t.Helper()
		c.do(t, srv, exchange{method: "DELETE", path: "/webauthn/credentials/" + id, want: want, validRequest: want != 400, headers: headers})
	}
	ageProof(t, srv, session.SessionToken)
	del(phone.CredentialID(), 403, bearer...)
	reauthenticate()
	del(phone.CredentialID(), 204, bearer...)
	del(laptop.CredentialID(), 409, bearer...) // the last one
	del(unknownCredentialID(), 404, bearer...)
	del("not+base64url", 400, bearer...)
	del(laptop.CredentialID(), 401)

	post("/webauthn/logout", "", 401, false)
	c.do(t, srv, exchange{method: "POST", path: "/webauthn/logout", want: 204, validRequest: true, headers: bearer})
	get(401, bearer...) // the session ended
}

func unknownCredentialID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

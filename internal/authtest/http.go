package authtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// Server is a running movieapi instance the HTTP helpers talk to.
// *apitest.Server satisfies it; a load driver can wrap any base URL.
type Server interface {
	// Endpoint is the base URL, such as http://127.0.0.1:8080.
	Endpoint() string
	// HTTPClient sends the requests.
	HTTPClient() *http.Client
	// PageOrigin is the origin of the page a browser would run the
	// ceremonies on: one of the instance's WebAuthn origins.
	PageOrigin() string
}

// Post sends body (JSON; []byte is sent as is) to path, with a Bearer token
// unless token is empty, and returns the status and the answer's body.
func Post(ctx context.Context, srv Server, path string, body any, token string) (int, []byte, error) {
	payload, ok := body.([]byte)
	if !ok {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return 0, nil, fmt.Errorf("authtest: encoding the body for %s: %w", path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.Endpoint()+path, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// FinishRequest is the body of register/finish and auth/finish: the
// username (omitted when empty) and the credential JSON.
func FinishRequest(username string, credential []byte) []byte {
	body, err := json.Marshal(struct {
		Username   string          `json:"username,omitempty"`
		Credential json.RawMessage `json:"credential"`
	}{username, credential})
	if err != nil {
		panic(err) // credential comes from Attest or Assert: valid JSON
	}
	return body
}

// Register adds p to username's account through register/start and
// register/finish and returns the credential id the server answered.
// token is the session of the account a passkey is added to, "" for a new
// account. Any other answer than 200 fails the test.
func Register(t testing.TB, srv Server, username string, p *Passkey, token string) string {
	t.Helper()
	start := mustPost(t, srv, "/webauthn/register/start", map[string]string{"username": username}, token)
	credential, err := p.Attest(start)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	var finished struct {
		CredentialID string `json:"credential_id"`
	}
	decode(t, mustPost(t, srv, "/webauthn/register/finish", FinishRequest(username, credential), token), &finished)
	return finished.CredentialID
}

// SignIn signs username in with p (username-first) and returns the session
// token. Any other answer than 200 fails the test.
func SignIn(t testing.TB, srv Server, username string, p *Passkey) string {
	t.Helper()
	start := mustPost(t, srv, "/webauthn/auth/start", map[string]string{"username": username}, "")
	credential, err := p.Assert(start)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	var finished struct {
		SessionToken string `json:"session_token"`
	}
	decode(t, mustPost(t, srv, "/webauthn/auth/finish", FinishRequest(username, credential), ""), &finished)
	if finished.SessionToken == "" {
		t.Fatalf("authtest: auth/finish answered no session token")
	}
	return finished.SessionToken
}

// SignUp creates the account username with a new ES256 passkey, signs in
// with it, and returns the session token and the passkey.
func SignUp(t testing.TB, srv Server, username string) (string, *Passkey) {
	t.Helper()
	p := NewPasskey(ES256, srv.PageOrigin())
	Register(t, srv, username, p, "")
	return SignIn(t, srv, username, p), p
}

func mustPost(t testing.TB, srv Server, path string, body any, token string) []byte {
	t.Helper()
	status, answer, err := Post(context.Background(), srv, path, body, token)
	if err != nil {
		t.Fatalf("authtest: POST %s: %v", path, err)
	}
	if status != http.StatusOK {
		t.Fatalf("authtest: POST %s: %d %s", path, status, answer)
	}
	return answer
}

func decode(t testing.TB, answer []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(answer, v); err != nil {
		t.Fatalf("authtest: answer is not JSON (%v): %s", err, answer)
	}
}

// Reauthenticate runs the step-up on the session of token with p (one of
// the account's passkeys): reauth/start, then reauth/finish. It returns the
// finish's answer; any other answer than 200 fails the test.
func Reauthenticate(t testing.TB, srv Server, p *Passkey, token string) []byte {
	t.Helper()
	start := mustPost(t, srv, "/webauthn/reauth/start", map[string]string{}, token)
	credential, err := p.Assert(start)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	return mustPost(t, srv, "/webauthn/reauth/finish", FinishRequest("", credential), token)
}

package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// Helpers shared by the passkey tests (webauthn_*_test.go). They send what a
// browser sends and return the raw answers, so each test decides what it
// expects.

// newPasskey is a software passkey on the instance's page origin.
func newPasskey(srv *apitest.Server, keyType virtualwebauthn.KeyType) *authtest.Passkey {
	return authtest.NewPasskey(keyType, srv.PageOrigin())
}

// bearer is the header pair of a session token; "" sends no header.
func bearer(token string) []string {
	if token == "" {
		return nil
	}
	return []string{"Authorization", "Bearer " + token}
}

func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startRegistration is register/start for username, with a session when
// token is not empty; it fails the test unless the answer is 200.
func startRegistration(t testing.TB, srv *apitest.Server, username, token string) []byte {
	t.Helper()
	r := srv.Do(t, "POST", "/webauthn/register/start", jsonBody(t, map[string]string{"username": username}), bearer(token)...)
	if r.Status != http.StatusOK {
		t.Fatalf("register/start %q: %d %s", username, r.Status, r.Body)
	}
	return r.Body
}

func finishRegistration(t testing.TB, srv *apitest.Server, username string, credential []byte, token string) apitest.Response {
	t.Helper()
	return srv.Do(t, "POST", "/webauthn/register/finish", authtest.FinishRequest(username, credential), bearer(token)...)
}

// startSignIn is auth/start (username "" for a discoverable sign-in); it
// fails the test unless the answer is 200.
func startSignIn(t testing.TB, srv *apitest.Server, username string) []byte {
	t.Helper()
	body := map[string]string{}
	if username != "" {
		body["username"] = username
	}
	r := srv.Do(t, "POST", "/webauthn/auth/start", jsonBody(t, body))
	if r.Status != http.StatusOK {
		t.Fatalf("auth/start %q: %d %s", username, r.Status, r.Body)
	}
	return r.Body
}

func finishSignIn(t testing.TB, srv *apitest.Server, username string, credential []byte) apitest.Response {
	t.Helper()
	return srv.Do(t, "POST", "/webauthn/auth/finish", authtest.FinishRequest(username, credential))
}

// attest and assert build a browser's answer, failing the test on error.
func attest(t testing.TB, p *authtest.Passkey, start []byte, tampers ...authtest.Tamper) []byte {
	t.Helper()
	credential, err := p.Attest(start, tampers...)
	if err != nil {
		t.Fatal(err)
	}
	return credential
}

func assert(t testing.TB, p *authtest.Passkey, start []byte, tampers ...authtest.Tamper) []byte {
	t.Helper()
	credential, err := p.Assert(start, tampers...)
	if err != nil {
		t.Fatal(err)
	}
	return credential
}

// signInAnswer is the 200 of auth/finish.
type signInAnswer struct {
	Success      bool   `json:"success"`
	SessionToken string `json:"session_token"`
	ExpiresAt    string `json:"expires_at"`
	Username     string `json:"username"`
}

// wantError fails unless r is status with exactly the JSON error message.
func wantError(t testing.TB, r apitest.Response, status int, message string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if got := r.ErrorMessage(t); got != message {
		t.Fatalf("error %q, want %q", got, message)
	}
}

// credentialEntry is one item of GET /webauthn/credentials.
type credentialEntry struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	CreatedAt      string   `json:"created_at"`
	LastUsedAt     *string  `json:"last_used_at"`
	BackupEligible bool     `json:"backup_eligible"`
	BackupState    bool     `json:"backup_state"`
	Transports     []string `json:"transports"`
}

// listCredentials is GET /webauthn/credentials, which must answer 200.
func listCredentials(t testing.TB, srv *apitest.Server, token string) []credentialEntry {
	t.Helper()
	r := srv.Do(t, "GET", "/webauthn/credentials", nil, bearer(token)...)
	if r.Status != http.StatusOK {
		t.Fatalf("list credentials: %d %s", r.Status, r.Body)
	}
	var body struct {
		Credentials []credentialEntry `json:"credentials"`
	}
	r.JSON(t, &body)
	return body.Credentials
}

// sessionWorks reports whether token is accepted by a Bearer route.
func sessionWorks(t testing.TB, srv *apitest.Server, token string) bool {
	t.Helper()
	r := srv.Do(t, "GET", "/webauthn/credentials", nil, bearer(token)...)
	switch r.Status {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	}
	t.Fatalf("list credentials: %d %s", r.Status, r.Body)
	return false
}

// database opens the instance's PostgreSQL database, to check what was
// stored and to set up states the API cannot reach.
func database(t testing.TB, srv *apitest.Server) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), srv.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// storedCredential is the credentials row of a passkey.
type storedCredential struct {
	SignCount         int64
	AttestationFormat string
	CloneWarning      bool
	BackupEligible    bool
	BackupState       bool
	Discoverable      *bool
	Algorithm         int64
	Transports        []string
	Username          string
}

func credentialRow(t testing.TB, db *pgxpool.Pool, p *authtest.Passkey) storedCredential {
	t.Helper()
	var c storedCredential
	err := db.QueryRow(context.Background(), `
SELECT c.sign_count, c.clone_warning, c.backup_eligible, c.backup_state, c.discoverable,
       c.algorithm, c.attestation_format, c.transports, u.username
FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.id = $1`, p.ID).Scan(
		&c.SignCount, &c.CloneWarning, &c.BackupEligible, &c.BackupState, &c.Discoverable,
		&c.Algorithm, &c.AttestationFormat, &c.Transports, &c.Username)
	if err != nil {
		t.Fatalf("reading the credential row: %v", err)
	}
	return c
}

// redisOf is a client of the instance's Redis and the prefix its keys live
// under.
func redisOf(t testing.TB, srv *apitest.Server) (*redis.Client, string) {
	t.Helper()
	opts, err := redis.ParseURL(srv.Config.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	return client, srv.Config.RedisPrefix
}

// challengeOf reads the challenge of a start answer.
func challengeOf(t testing.TB, start []byte) string {
	t.Helper()
	var body struct {
		Challenge struct {
			PublicKey struct {
				Challenge string `json:"challenge"`
			} `json:"publicKey"`
		} `json:"challenge"`
		Options struct {
			PublicKey struct {
				Challenge string `json:"challenge"`
			} `json:"publicKey"`
		} `json:"options"`
	}
	if err := json.Unmarshal(start, &body); err != nil {
		t.Fatal(err)
	}
	c := body.Challenge.PublicKey.Challenge + body.Options.PublicKey.Challenge
	if c == "" || strings.ContainsAny(c, "+/=") {
		t.Fatalf("no base64url challenge in %s", start)
	}
	return c
}

// jsonPublicKey decodes the publicKey options of a start answer into v.
func jsonPublicKey(start []byte, v any) error {
	var answer struct {
		Challenge *struct {
			PublicKey json.RawMessage `json:"publicKey"`
		} `json:"challenge"`
		Options *struct {
			PublicKey json.RawMessage `json:"publicKey"`
		} `json:"options"`
	}
	if err := json.Unmarshal(start, &answer); err != nil {
		return err
	}
	raw := json.RawMessage(`null`)
	switch {
	case answer.Challenge != nil:
		raw = answer.Challenge.PublicKey
	case answer.Options != nil:
		raw = answer.Options.PublicKey
	}
	return json.Unmarshal(raw, v)
}

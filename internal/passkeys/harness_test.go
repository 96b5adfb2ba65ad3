package passkeys

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/authtest"
	"movieapi/internal/domain"
)

const (
	testRPID   = "example.com"
	testOrigin = "https://app.example.com"
)

// harness is one service over in-memory ports, with a controllable clock,
// driven by virtual authenticators doing real cryptography.
type harness struct {
	t       testing.TB
	svc     *Service
	store   *memStore
	metrics *fakeMetrics
	rp      virtualwebauthn.RelyingParty

	clockMu sync.Mutex
	clock   time.Time
}

func newHarness(t testing.TB, configure ...func(*Config)) *harness {
	t.Helper()
	return newHarnessWithStore(t, newMemStore(), configure...)
}

func newHarnessWithStore(t testing.TB, store *memStore, configure ...func(*Config)) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		store:   store,
		metrics: &fakeMetrics{},
		rp:      virtualwebauthn.RelyingParty{ID: testRPID, Name: "Movie API", Origin: testOrigin},
		clock:   time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	cfg := Config{
		RPID:             testRPID,
		RPName:           "Movie API",
		Origins:          []string{testOrigin},
		UserVerification: UserVerificationRequired,
		ChallengeTTL:     5 * time.Minute,
		SessionTTL:       24 * time.Hour,
	}
	for _, f := range configure {
		f(&cfg)
	}
	svc, err := New(cfg, Ports{
		Users:       store,
		Credentials: store,
		Secrets:     store,
		Sessions:    store,
		Metrics:     h.metrics,
		Log:         testLogger(t),
		Now:         h.now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.svc = svc
	return h
}

func (h *harness) now() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	return h.clock
}

func (h *harness) advance(d time.Duration) {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	h.clock = h.clock.Add(d)
}

// device is a virtual authenticator holding one credential.
type device struct {
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
}

// newDevice returns a device holding a fresh credential. authtest draws
// ES256 keys that virtualwebauthn encodes correctly (see
// authtest.NewCredential), so no test fails at random on a key.
func newDevice(keyType virtualwebauthn.KeyType, opts virtualwebauthn.AuthenticatorOptions) *device {
	return &device{auth: virtualwebauthn.NewAuthenticatorWithOptions(opts), cred: authtest.NewCredential(keyType)}
}

// beginRegistration starts a registration and returns the options as the
// virtual authenticator reads them, plus the raw JSON a browser would get.
func (h *harness) beginRegistration(username string, caller *domain.Session) (*virtualwebauthn.AttestationOptions, []byte) {
	h.t.Helper()
	creation, err := h.svc.BeginRegistration(context.Background(), username, "", caller)
	if err != nil {
		h.t.Fatalf("BeginRegistration(%q): %v", username, err)
	}
	raw := mustJSON(h.t, creation)
	opts, err := virtualwebauthn.ParseAttestationOptions(string(raw))
	if err != nil {
		h.t.Fatalf("parse creation options: %v", err)
	}
	return opts, raw
}

// attest is what the browser sends back: the device creates its credential
// for the options' user and challenge.
func (h *harness) attest(d *device, opts *virtualwebauthn.AttestationOptions) []byte {
	d.auth.Options.UserHandle = []byte(opts.UserID)
	return []byte(virtualwebauthn.CreateAttestationResponse(h.rp, d.auth, d.cred, *opts))
}

// register runs a whole registration and returns the credential id.
func (h *harness) register(username string, d *device, caller *domain.Session) []byte {
	h.t.Helper()
	opts, _ := h.beginRegistration(username, caller)
	id, err := h.svc.FinishRegistration(context.Background(), username, h.attest(d, opts), "")
	if err != nil {
		h.t.Fatalf("FinishRegistration(%q): %v", username, err)
	}
	return id
}

// beginLogin starts a sign-in and returns the options as the virtual
// authenticator reads them, plus the raw JSON.
func (h *harness) beginLogin(username string, conditional bool) (*virtualwebauthn.AssertionOptions, []byte) {
	h.t.Helper()
	assertion, err := h.svc.BeginLogin(context.Background(), username, conditional)
	if err != nil {
		h.t.Fatalf("BeginLogin(%q): %v", username, err)
	}
	raw := mustJSON(h.t, assertion)
	opts, err := virtualwebauthn.ParseAssertionOptions(string(raw))
	if err != nil {
		h.t.Fatalf("parse request options: %v", err)
	}
	return opts, raw
}

// assert signs the options' challenge with the device's credential, the way
// a browser answers navigator.credentials.get.
func (h *harness) assert(d *device, opts *virtualwebauthn.AssertionOptions) []byte {
	return []byte(virtualwebauthn.CreateAssertionResponse(h.rp, d.auth, d.cred, *opts))
}

// login runs a username-first sign-in with d.
func (h *harness) login(username string, d *device) (LoginResult, error) {
	h.t.Helper()
	opts, _ := h.beginLogin(username, false)
	return h.svc.FinishLogin(context.Background(), username, h.assert(d, opts))
}

// mustLogin is login that must succeed.
func (h *harness) mustLogin(username string, d *device) LoginResult {
	h.t.Helper()
	res, err := h.login(username, d)
	if err != nil {
		h.t.Fatalf("login(%q): %v", username, err)
	}
	return res
}

func (h *harness) mustAuthenticate(token string) domain.Session {
	h.t.Helper()
	s, err := h.svc.Authenticate(context.Background(), token)
	if err != nil {
		h.t.Fatalf("Authenticate: %v", err)
	}
	return s
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// editJSON decodes a JSON object, lets f change it and encodes it again.
func editJSON(t testing.TB, raw []byte, f func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", raw, err)
	}
	f(m)
	return mustJSON(t, m)
}

// editClientData rewrites response.clientDataJSON of a credential.
func editClientData(t testing.TB, credential []byte, f func(map[string]any)) []byte {
	t.Helper()
	return editJSON(t, credential, func(m map[string]any) {
		resp := m["response"].(map[string]any)
		raw, err := base64.RawURLEncoding.DecodeString(resp["clientDataJSON"].(string))
		if err != nil {
			t.Fatalf("clientDataJSON: %v", err)
		}
		resp["clientDataJSON"] = base64.RawURLEncoding.EncodeToString(editJSON(t, raw, f))
	})
}

// flipByte corrupts one byte of a base64url field of the response.
func flipByte(t testing.TB, credential []byte, field string, index int) []byte {
	t.Helper()
	return editJSON(t, credential, func(m map[string]any) {
		resp := m["response"].(map[string]any)
		raw, err := base64.RawURLEncoding.DecodeString(resp[field].(string))
		if err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		if index < 0 {
			index += len(raw)
		}
		raw[index] ^= 0x01
		resp[field] = base64.RawURLEncoding.EncodeToString(raw)
	})
}

// wantKind fails unless err is a *domain.PublicError of kind with message
// (message "" skips the message check), and returns a copy of it.
func wantKind(t testing.TB, err error, kind error, message string) domain.PublicError {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want kind %v", err, kind)
	}
	var public *domain.PublicError
	if !errors.As(err, &public) {
		t.Fatalf("error %v is not a *domain.PublicError", err)
	}
	if message != "" && public.Message != message {
		t.Fatalf("message = %q, want %q", public.Message, message)
	}
	return *public
}

// publicKeyOf returns the "publicKey" member of begin options as a map.
func publicKeyOf(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m struct {
		PublicKey map[string]any `json:"publicKey"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("unmarshal options: %v", err)
	}
	if m.PublicKey == nil {
		t.Fatalf("options have no publicKey member: %s", raw)
	}
	return m.PublicKey
}

// testLogger shows the service's log with the test's output; benchmarks and
// fuzz targets, which run the service many thousand times, discard it.
func testLogger(t testing.TB) *slog.Logger {
	if _, ok := t.(*testing.T); !ok {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testLogWriter{t}, nil))
}

// testLogWriter sends the service's log to the test's output, shown for
// failing tests and with -v.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// account reads a user by username from the store.
func (h *harness) account(username string) domain.User {
	h.t.Helper()
	name, err := domain.ParseUsername(username)
	if err != nil {
		h.t.Fatal(err)
	}
	u, _, err := h.store.AccountByUsername(context.Background(), name)
	if err != nil {
		h.t.Fatalf("account %q: %v", username, err)
	}
	return u
}

// verified is a session of userID with a fresh user-verified proof, as a
// sign-in a moment ago leaves it: what a change of passkeys needs.
func (h *harness) verified(userID int64) domain.Session {
	return domain.Session{UserID: userID, VerifiedAt: h.now(), LastSeenAt: h.now(), ExpiresAt: h.now().Add(time.Hour)}
}

// signedIn signs in with d and returns the stored session.
func (h *harness) signedIn(username string, d *device) domain.Session {
	h.t.Helper()
	return h.mustAuthenticate(h.mustLogin(username, d).Token)
}

package passkeys

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// Ports are the service's dependencies. Users, Credentials, Sessions and
// Metrics are required; Secrets is required unless Config.FakeCredentialKey
// is set. The rest have safe defaults (no log, no failure budget, the wall
// clock, crypto/rand).
type Ports struct {
	Users       domain.UserRepository
	Credentials domain.CredentialRepository
	Secrets     domain.SecretRepository
	Sessions    domain.SessionStore
	// FailureLimiter keeps each account's budget of failed sign-ins (see
	// FailureBudgetKey); nil means no budget.
	FailureLimiter domain.RateLimiter
	Metrics        Metrics
	Log            *slog.Logger
	Now            func() time.Time
	// Random supplies user handles, session tokens and the generated decoy
	// key. It must be a CSPRNG and safe for concurrent use.
	Random io.Reader
}

// Service runs the passkey ceremonies and the sessions they create. It is
// safe for concurrent use.
type Service struct {
	cfg         Config
	webauthn    *webauthn.WebAuthn
	users       domain.UserRepository
	credentials domain.CredentialRepository
	secrets     domain.SecretRepository
	sessions    domain.SessionStore
	// failureLimiter: see Ports.FailureLimiter.
	failureLimiter domain.RateLimiter
	metrics        Metrics
	log            *slog.Logger
	now            func() time.Time
	random         io.Reader

	// fakeKey is fetched from the SecretRepository on first use and kept:
	// the secret never changes once created. A failed fetch is not cached,
	// so a database outage at that moment does not stick.
	fakeKeyMu sync.Mutex
	fakeKey   []byte

	// decoyKey and decoyHandle stand in for an account when an assertion
	// answers a decoy ceremony (see failLikeARealAccount).
	decoyKey    []byte
	decoyHandle []byte
}

// New validates cfg (origins against the RP ID, user verification, TTLs) and
// returns a ready service. Its errors are meant to stop startup.
func New(cfg Config, p Ports) (*Service, error) {
	cfg.Origins = slices.Clone(cfg.Origins)
	cfg.FakeCredentialKey = slices.Clone(cfg.FakeCredentialKey)
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if p.Users == nil || p.Credentials == nil || p.Sessions == nil || p.Metrics == nil {
		return nil, errors.New("passkeys: the Users, Credentials, Sessions and Metrics ports are required")
	}
	if p.Secrets == nil && len(cfg.FakeCredentialKey) == 0 {
		return nil, errors.New("passkeys: a Secrets port is required when no fake credential key is configured")
	}
	wa, err := webauthn.New(cfg.libraryConfig())
	if err != nil {
		return nil, fmt.Errorf("passkeys: relying party configuration: %w", err)
	}
	s := &Service{
		cfg:            cfg,
		webauthn:       wa,
		users:          p.Users,
		credentials:    p.Credentials,
		secrets:        p.Secrets,
		sessions:       p.Sessions,
		metrics:        p.Metrics,
		failureLimiter: p.FailureLimiter,
		log:            p.Log,
		now:            p.Now,
		random:         p.Random,
		fakeKey:        cfg.FakeCredentialKey,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	if s.decoyKey, err = decoyPublicKey(); err != nil {
		return nil, err
	}
	if s.decoyHandle, err = s.randomBytes(domain.UserHandleLength); err != nil {
		return nil, err
	}
	return s, nil
}

// randomBytes reads n bytes from the configured CSPRNG.
func (s *Service) randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return nil, fmt.Errorf("passkeys: reading random bytes: %w", err)
	}
	return b, nil
}

// Metrics is what the ceremonies count (webauthn_registrations_total,
// webauthn_authentications_total, webauthn_clone_warnings_total,
// sessions_created_total). Implementations must be safe for concurrent use.
type Metrics interface {
	Registration(success bool)
	Authentication(success bool)
	CloneWarning()
	SessionCreated()
}

// encodeID is the base64url form of an id, as logs and clients see it.
func encodeID(id []byte) string { return base64.RawURLEncoding.EncodeToString(id) }

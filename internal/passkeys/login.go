package passkeys

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// LoginResult is what a successful sign-in hands to the client.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	Username  string
}

// BeginLogin starts a sign-in. With a username the options allow that
// account's credentials; a username that does not exist or has no passkeys
// gets an answer of the same shape with a stable decoy credential, so the
// endpoint cannot be used to find out who has an account. Without a username
// the sign-in is discoverable (the browser offers the user's passkeys), with
// conditional mediation (passkey autofill) when asked for; conditional has no
// effect on a username-first sign-in, so a decoy cannot differ from a real
// answer there either.
func (s *Service) BeginLogin(ctx context.Context, username string, conditional bool) (*protocol.CredentialAssertion, error) {
	var (
		assertion *protocol.CredentialAssertion
		state     loginState
		err       error
	)
	if strings.TrimSpace(username) == "" {
		assertion, state, err = s.beginDiscoverable(conditional)
	} else {
		assertion, state, err = s.beginForUsername(ctx, username)
	}
	if err != nil {
		return nil, err
	}
	encoded, err := encodeState(state)
	if err != nil {
		return nil, err
	}
	if err := s.sessions.PutCeremony(ctx, domain.CeremonyLogin, state.Session.Challenge, encoded, s.cfg.ChallengeTTL); err != nil {
		return nil, err
	}
	return assertion, nil
}

func (s *Service) beginDiscoverable(conditional bool) (*protocol.CredentialAssertion, loginState, error) {
	var (
		assertion *protocol.CredentialAssertion
		session   *webauthn.SessionData
		err       error
	)
	if conditional {
		assertion, session, err = s.webauthn.BeginDiscoverableMediatedLogin(protocol.MediationConditional)
	} else {
		assertion, session, err = s.webauthn.BeginDiscoverableLogin()
	}
	if err != nil {
		return nil, loginState{}, libraryError(err)
	}
	return assertion, loginState{Session: *session, Mode: loginDiscoverable}, nil
}

func (s *Service) beginForUsername(ctx context.Context, username string) (*protocol.CredentialAssertion, loginState, error) {
	name, err := domain.ParseUsername(username)
	if err != nil {
		return nil, loginState{}, err
	}
	user, creds, err := s.users.AccountByUsername(ctx, name)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return nil, loginState{}, err
	}

	if len(creds) == 0 {
		// The library refuses BeginLogin for a user without credentials;
		// the discoverable begin with explicit allowed credentials produces
		// the very same JSON shape. The state remembers that this ceremony
		// can only fail.
		decoys, err := s.decoyDescriptors(ctx, name.Canonical)
		if err != nil {
			return nil, loginState{}, err
		}
		assertion, session, err := s.webauthn.BeginDiscoverableLogin(webauthn.WithAllowedCredentials(decoys))
		if err != nil {
			return nil, loginState{}, libraryError(err)
		}
		return assertion, loginState{Session: *session, Mode: loginDecoy, Username: name.Display, Canonical: name.Canonical}, nil
	}

	libraryCreds := make([]webauthn.Credential, len(creds))
	for i, c := range creds {
		libraryCreds[i] = libraryCredential(c)
	}
	assertion, session, err := s.webauthn.BeginLogin(&webauthnUser{
		handle: user.Handle, name: user.Username, displayName: user.Username, credentials: libraryCreds,
	})
	if err != nil {
		return nil, loginState{}, libraryError(err)
	}
	return assertion, loginState{Session: *session, Mode: loginUsername, UserID: user.ID, Username: user.Username, Canonical: name.Canonical}, nil
}

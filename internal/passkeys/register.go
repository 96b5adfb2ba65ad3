package passkeys

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// BeginRegistration starts adding a passkey for username. A new username gets
// a fresh account-to-be (written only when the registration finishes). An
// existing username is only accepted from that account's own session, with a
// recent user-verified proof on it (else 403, so the page can run a
// re-authentication and retry), and the options then list its credentials in
// excludeCredentials so the browser does not register the same authenticator
// twice; anyone else gets a conflict.
func (s *Service) BeginRegistration(ctx context.Context, username, displayName string, caller *domain.Session) (*protocol.CredentialCreation, error) {
	name, err := domain.ParseUsername(username)
	if err != nil {
		return nil, err
	}
	displayName, err = normalizeDisplayName(displayName, name.Display)
	if err != nil {
		return nil, err
	}

	state := registrationState{Username: name.Display, Canonical: name.Canonical}
	user, existing, err := s.users.AccountByUsername(ctx, name)
	switch {
	case err == nil:
		if caller == nil || caller.UserID != user.ID {
			return nil, domain.Conflict(msgUsernameTaken)
		}
		if err := s.requireRecentVerification(*caller); err != nil {
			return nil, err
		}
		state.Username, state.Handle, state.UserID = user.Username, user.Handle, user.ID
		state.Canonical, state.SessionHash = user.Canonical(), caller.TokenHash
	case errors.Is(err, domain.ErrNotFound):
		if state.Handle, err = s.randomBytes(domain.UserHandleLength); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}

	creation, session, err := s.webauthn.BeginRegistration(
		&webauthnUser{handle: state.Handle, name: state.Username, displayName: displayName},
		webauthn.WithCredentialParameters(offeredAlgorithms()),
		webauthn.WithAuthenticatorSelection(s.cfg.authenticatorSelection()),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()),
		webauthn.WithExclusions(descriptors(existing)),
	)
	if err != nil {
		// Only a broken configuration or a failing CSPRNG gets here.
		return nil, libraryError(err)
	}
	state.Session = *session
	encoded, err := encodeState(state)
	if err != nil {
		return nil, err
	}
	if err := s.sessions.PutCeremony(ctx, domain.CeremonyRegistration, session.Challenge, encoded, s.cfg.ChallengeTTL); err != nil {
		return nil, err
	}
	return creation, nil
}

// normalizeDisplayName trims the optional display name; an empty one falls
// back to the username. It is shown by the browser and the authenticator, so
// it gets the same bounds as a username.
func normalizeDisplayName(raw, username string) (string, error) {
	name := strings.TrimSpace(raw)
	if name == "" {
		return username, nil
	}
	if utf8.RuneCountInString(name) > domain.MaxUsernameLength || strings.ContainsFunc(name, unicode.IsControl) {
		return "", domain.Invalid("display_name must be at most 64 characters without control characters")
	}
	return name, nil
}

package passkeys

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"

	"movieapi/internal/domain"
)

// FinishRegistration verifies the browser's answer to BeginRegistration and
// stores the new credential (and, for a new username, the account) and
// returns the credential id. name is optional; without it the passkey is
// named after its provider where the AAGUID is known.
func (s *Service) FinishRegistration(ctx context.Context, username string, credentialJSON []byte, name string) ([]byte, error) {
	id, err := s.finishRegistration(ctx, username, credentialJSON, name)
	s.metrics.Registration(err == nil)
	return id, err
}

func (s *Service) finishRegistration(ctx context.Context, username string, credentialJSON []byte, name string) ([]byte, error) {
	// Plain input mistakes are reported before the challenge is consumed, so
	// the user can correct them and send the same credential again.
	account, err := domain.ParseUsername(username)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) != "" {
		if name, err = domain.NormalizeCredentialName(name); err != nil {
			return nil, err
		}
	}

	state, err := s.takeRegistration(ctx, credentialJSON)
	if err != nil {
		return nil, err
	}
	// From here on the challenge is spent and every failure is the same
	// verification failure to the client; the reason goes to the log.
	fail := func(reason string, cause error) ([]byte, error) {
		s.log.WarnContext(ctx, "passkey registration rejected",
			"event", "webauthn.register", "outcome", "rejected", "username", state.Username,
			"reason", reason, "detail", devInfo(cause))
		return nil, errVerificationFailed()
	}
	if account.Canonical != state.Canonical {
		return fail("username differs from the one the ceremony began with", nil)
	}
	if state.UserID != 0 {
		// Adding a device: the session that began it must still be valid
		// and still the account's (a logout in between ends the ceremony).
		if err := s.sessionStillOwns(ctx, state); err != nil {
			return nil, err
		}
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credentialJSON)
	if err != nil {
		return fail("credential does not parse", err)
	}
	user := &webauthnUser{handle: state.Handle, name: state.Username, displayName: state.Username}
	verified, err := s.webauthn.CreateCredential(user, state.Session, parsed)
	if err != nil {
		return fail("credential does not verify", err)
	}
	algorithm, err := coseAlgorithm(verified.PublicKey)
	if err != nil {
		return fail("public key is not a COSE key", err)
	}

	now := s.now().UTC()
	cred := domain.Credential{
		ID:                verified.ID,
		UserID:            state.UserID,
		PublicKey:         verified.PublicKey,
		Algorithm:         algorithm,
		SignCount:         verified.Authenticator.SignCount,
		AAGUID:            verified.Authenticator.AAGUID,
		Transports:        transportNames(verified.Transport),
		AttestationFormat: verified.AttestationFormat,
		UserVerified:      verified.Flags.UserVerified,
		BackupEligible:    verified.Flags.BackupEligible,
		BackupState:       verified.Flags.BackupState,
		Discoverable:      verified.Extensions.RK,
		Name:              credentialName(name, verified.Authenticator.AAGUID),
		CreatedAt:         now,
	}
	userID, err := s.storeRegistration(ctx, state, cred, now)
	if err != nil {
		if !domain.HasKind(err, domain.ErrConflict) {
			s.log.ErrorContext(ctx, "passkey registration not stored",
				"event", "webauthn.register", "outcome", "error", "username", state.Username, "err", err)
		} else {
			s.log.InfoContext(ctx, "passkey registration refused",
				"event", "webauthn.register", "outcome", "conflict", "username", state.Username, "err", err)
		}
		return nil, err
	}
	s.log.InfoContext(ctx, "passkey registered",
		"event", "webauthn.register", "outcome", "success", "user_id", userID, "username", state.Username,
		"new_user", state.UserID == 0, "credential_id", base64.RawURLEncoding.EncodeToString(cred.ID),
		"algorithm", algorithm, "attestation_format", cred.AttestationFormat,
		"backup_eligible", cred.BackupEligible, "backup_state", cred.BackupState)
	return cred.ID, nil
}

// takeRegistration finds and consumes the ceremony the credential answers.
func (s *Service) takeRegistration(ctx context.Context, credentialJSON []byte) (registrationState, error) {
	var state registrationState
	raw, err := s.takeCeremony(ctx, domain.CeremonyRegistration, credentialJSON)
	if err != nil {
		return state, err
	}
	if err := json.Unmarshal(raw, &state); err != nil || len(state.Handle) == 0 {
		// Only a foreign or corrupted entry under our key can do this.
		s.log.ErrorContext(ctx, "unreadable registration ceremony state", "event", "webauthn.register", "err", err)
		return state, errVerificationFailed()
	}
	return state, nil
}

// storeRegistration writes the credential, together with the account when
// the username is new (one transaction, in the repository), and returns the
// account id. Conflicts (username taken meanwhile, credential id already
// registered) come back as 409.
func (s *Service) storeRegistration(ctx context.Context, state registrationState, cred domain.Credential, now time.Time) (int64, error) {
	if state.UserID != 0 {
		if err := s.credentials.AddCredential(ctx, cred); err != nil {
			return 0, conflictMessage(err)
		}
		return state.UserID, nil
	}
	user, err := s.users.CreateUserWithCredential(ctx,
		domain.User{Username: state.Username, CanonicalUsername: state.Canonical, Handle: state.Handle, CreatedAt: now}, cred)
	if err != nil {
		return 0, conflictMessage(err)
	}
	return user.ID, nil
}

// conflictMessage gives a conflict the contract's message; any other error
// passes as it is.
func conflictMessage(err error) error {
	if errors.Is(err, domain.ErrConflict) {
		return withMessage(err, domain.ErrConflict, msgAlreadyRegistered)
	}
	return err
}

// credentialName is the given name, else the provider's name from the
// AAGUID, else a generic one.
func credentialName(given string, aaguid []byte) string {
	if given != "" {
		return given
	}
	if name, ok := authenticatorName(aaguid); ok {
		return name
	}
	return defaultCredentialName
}

func transportNames(transports []protocol.AuthenticatorTransport) []string {
	out := make([]string, len(transports))
	for i, t := range transports {
		out[i] = string(t)
	}
	return out
}

// sessionStillOwns re-checks, at finish, the session that began adding a
// device: ended, expired or idle → 401, as on any Bearer route.
func (s *Service) sessionStillOwns(ctx context.Context, state registrationState) error {
	session, err := s.activeSession(ctx, state.SessionHash)
	if err != nil {
		return err
	}
	if session.UserID != state.UserID {
		return errInvalidSession()
	}
	return nil
}

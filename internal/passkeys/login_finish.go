package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// FinishLogin verifies the browser's answer to BeginLogin, applies the sign
// counter rule atomically and creates a session. username is optional; when
// given, the credential must belong to that account.
func (s *Service) FinishLogin(ctx context.Context, username string, credentialJSON []byte) (LoginResult, error) {
	raw, err := s.takeCeremony(ctx, domain.CeremonyLogin, credentialJSON)
	if err != nil {
		s.metrics.Authentication(false)
		return LoginResult{}, err
	}
	result, err := s.finishLogin(ctx, username, raw, credentialJSON)
	s.metrics.Authentication(err == nil)
	return result, err
}

// loginRejection is a sign-in refused for a reason that is logged, never
// shown: the client only learns "authentication failed".
type loginRejection struct {
	reason            string
	detail            error
	unknownCredential bool
	credentialID      []byte
}

func (s *Service) finishLogin(ctx context.Context, username string, rawState, credentialJSON []byte) (LoginResult, error) {
	var state loginState
	if err := json.Unmarshal(rawState, &state); err != nil {
		s.log.ErrorContext(ctx, "unreadable sign-in ceremony state", "event", "webauthn.login", "err", err)
		return LoginResult{}, errAuthenticationFailed(false)
	}
	result, rejection, err := s.verifyLogin(ctx, username, state, credentialJSON)
	if err != nil {
		s.log.ErrorContext(ctx, "sign-in failed on a backend", "event", "webauthn.login", "outcome", "error", "err", err)
		return LoginResult{}, err
	}
	if rejection != nil {
		s.log.WarnContext(ctx, "sign-in rejected",
			"event", "webauthn.login", "outcome", "rejected", "mode", string(state.Mode),
			"reason", rejection.reason, "detail", devInfo(rejection.detail),
			"credential_id", base64.RawURLEncoding.EncodeToString(rejection.credentialID),
			"unknown_credential", rejection.unknownCredential)
		return LoginResult{}, errAuthenticationFailed(rejection.unknownCredential)
	}
	return result, nil
}

// verifyLogin returns either a result, a rejection (401) or a backend error
// (503) — the last never disguised as one of the others.
func (s *Service) verifyLogin(ctx context.Context, username string, state loginState, credentialJSON []byte) (LoginResult, *loginRejection, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credentialJSON)
	if err != nil {
		return LoginResult{}, &loginRejection{reason: "assertion does not parse", detail: err}, nil
	}
	reject := func(reason string, detail error) (LoginResult, *loginRejection, error) {
		return LoginResult{}, &loginRejection{reason: reason, detail: detail, credentialID: parsed.RawID}, nil
	}
	// The library checks this too; refusing a registration response (or
	// anything else) here spares the database lookups.
	if parsed.Response.CollectedClientData.Type != protocol.AssertCeremony {
		return reject("client data is not from navigator.credentials.get", nil)
	}

	// The credential and its owner come in one read; every check below is
	// against that owner, so no second lookup (by handle) is needed.
	stored, user, err := s.credentials.CredentialWithOwner(ctx, parsed.RawID)
	if errors.Is(err, domain.ErrNotFound) {
		return LoginResult{}, &loginRejection{reason: "credential unknown", unknownCredential: true, credentialID: parsed.RawID}, nil
	}
	if err != nil {
		return LoginResult{}, nil, backendError(err)
	}

	switch state.Mode {
	case loginDecoy:
		return reject("ceremony was begun for a username without passkeys", nil)
	case loginUsername:
		if user.ID != state.UserID {
			return reject("credential belongs to another account", nil)
		}
	case loginDiscoverable:
		if len(parsed.Response.UserHandle) == 0 {
			return reject("discoverable assertion without user handle", nil)
		}
		// Handles are unique: a handle other than the owner's is an
		// unknown one or another account's, refused alike.
		if !bytes.Equal(parsed.Response.UserHandle, user.Handle) {
			return reject("user handle is not the credential owner's", nil)
		}
	default:
		return reject("unknown ceremony mode", nil)
	}
	if strings.TrimSpace(username) != "" && !sameUsername(strings.TrimSpace(username), user.Username) {
		return reject("credential belongs to another username", nil)
	}

	verified, err := s.validateAssertion(ctx, state, user, stored, parsed)
	if err != nil {
		return reject("assertion does not verify", err)
	}
	return s.completeLogin(ctx, user, stored, parsed, verified)
}

// validateAssertion runs the library's checks (challenge, origin, RP ID hash,
// type, flags, user verification, signature) against the one stored
// credential that was presented.
func (s *Service) validateAssertion(ctx context.Context, state loginState, user domain.User, stored domain.Credential, parsed *protocol.ParsedCredentialAssertionData) (*webauthn.Credential, error) {
	asserted := parsed.Response.AuthenticatorData.Flags
	// Synced providers flip backup eligibility; the contract treats that as a
	// change to record, not a lockout, while the library refuses it. BE=0
	// with BS=1 stays invalid: the library still checks the asserted flags.
	if stored.BackupEligible != asserted.HasBackupEligible() {
		s.log.InfoContext(ctx, "passkey backup eligibility changed",
			"event", "webauthn.login", "user_id", user.ID,
			"credential_id", base64.RawURLEncoding.EncodeToString(stored.ID),
			"stored", stored.BackupEligible, "asserted", asserted.HasBackupEligible())
		stored.BackupEligible = asserted.HasBackupEligible()
	}
	wuser := &webauthnUser{
		handle:      user.Handle,
		name:        user.Username,
		displayName: user.Username,
		credentials: []webauthn.Credential{libraryCredential(stored)},
	}
	session := state.Session
	if state.Mode == loginDiscoverable {
		return s.validateDiscoverable(wuser, session, parsed)
	}
	// Ownership and membership in the original allow list are settled
	// (stored.UserID matched, and the id must be one we offered); narrowing
	// the list to the presented credential lets the library check the
	// assertion without loading every credential of the account, and keeps a
	// sign-in working when another of the account's passkeys was deleted
	// meanwhile.
	if !containsID(session.AllowedCredentialIDs, stored.ID) {
		return nil, errors.New("credential was not in the ceremony's allow list")
	}
	session.AllowedCredentialIDs = [][]byte{stored.ID}
	return s.webauthn.ValidateLogin(wuser, session, parsed)
}

func (s *Service) validateDiscoverable(user *webauthnUser, session webauthn.SessionData, parsed *protocol.ParsedCredentialAssertionData) (*webauthn.Credential, error) {
	// The account was already found by its handle; the handler only has to
	// confirm it is the one the assertion names.
	handler := func(_, userHandle []byte) (webauthn.User, error) {
		if !bytes.Equal(userHandle, user.handle) {
			return nil, errors.New("user handle changed during validation")
		}
		return user, nil
	}
	_, credential, err := s.webauthn.ValidatePasskeyLogin(handler, session, parsed)
	return credential, err
}

func containsID(ids [][]byte, id []byte) bool {
	for _, candidate := range ids {
		if bytes.Equal(candidate, id) {
			return true
		}
	}
	return false
}

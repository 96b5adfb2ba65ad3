package passkeys

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// loginRejection is a sign-in refused for a reason that is logged, never
// shown: the client only learns "authentication failed".
type loginRejection struct {
	reason            string
	detail            error
	unknownCredential bool
	credentialID      []byte
	// account is the canonical username the failure counts against (its
	// failure budget), "" when no account is concerned.
	account string
}

// verifiedAssertion is an assertion that passed every check but the sign
// counter, with the account and credential it proves.
type verifiedAssertion struct {
	user     domain.User
	stored   domain.Credential
	parsed   *protocol.ParsedCredentialAssertionData
	verified *webauthn.Credential
}

// verifyAssertion checks an assertion against the ceremony it answers and
// returns either the verified assertion, a rejection (401) or a backend
// error (503) — the last never disguised as one of the others.
func (s *Service) verifyAssertion(ctx context.Context, username string, state loginState, credentialJSON []byte) (verifiedAssertion, *loginRejection, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credentialJSON)
	if err != nil {
		return verifiedAssertion{}, &loginRejection{reason: "assertion does not parse", detail: err, account: state.Canonical}, nil
	}
	reject := func(reason string, detail error, account string) (verifiedAssertion, *loginRejection, error) {
		return verifiedAssertion{}, &loginRejection{reason: reason, detail: detail, credentialID: parsed.RawID, account: account}, nil
	}
	// The library checks this too; refusing a registration response (or
	// anything else) here spares the database lookups.
	if parsed.Response.CollectedClientData.Type != protocol.AssertCeremony {
		return reject("client data is not from navigator.credentials.get", nil, state.Canonical)
	}

	// The credential and its owner come in one read; every check below is
	// against that owner, so no second lookup (by handle) is needed.
	stored, user, err := s.credentials.CredentialWithOwner(ctx, parsed.RawID)
	if errors.Is(err, domain.ErrNotFound) {
		return s.rejectUnknown(state, parsed)
	}
	if err != nil {
		return verifiedAssertion{}, nil, err
	}
	account := state.Canonical
	if account == "" {
		account = user.Canonical()
	}

	switch state.Mode {
	case loginDecoy:
		return reject("ceremony was begun for a username without passkeys", nil, account)
	case loginUsername, loginReauth:
		if user.ID != state.UserID {
			return reject("credential belongs to another account", nil, account)
		}
	case loginDiscoverable:
		if len(parsed.Response.UserHandle) == 0 {
			return reject("discoverable assertion without user handle", nil, account)
		}
		// Handles are unique: a handle other than the owner's is an
		// unknown one or another account's, refused alike.
		if !bytes.Equal(parsed.Response.UserHandle, user.Handle) {
			return reject("user handle is not the credential owner's", nil, account)
		}
	default:
		return reject("unknown ceremony mode", nil, account)
	}
	if strings.TrimSpace(username) != "" && !user.NamedBy(username) {
		return reject("credential belongs to another username", nil, account)
	}

	verified, err := s.validateAssertion(ctx, state, user, stored, parsed)
	if err != nil {
		return reject("assertion does not verify", err, account)
	}
	return verifiedAssertion{user: user, stored: stored, parsed: parsed, verified: verified}, nil, nil
}

// rejectUnknown refuses an assertion of a credential the server does not
// know. The client is told so ("unknown_credential", so a page can ask the
// browser to forget the passkey) only when the id was never in the allow
// list the ceremony issued: a decoy's ids are in its list, and an answer
// naming one of them must be exactly a real account's failed assertion —
// after the same work, a signature check against a key nobody holds.
func (s *Service) rejectUnknown(state loginState, parsed *protocol.ParsedCredentialAssertionData) (verifiedAssertion, *loginRejection, error) {
	rejection := &loginRejection{reason: "credential unknown", credentialID: parsed.RawID, account: state.Canonical}
	if state.Mode == loginDiscoverable || !containsID(state.Session.AllowedCredentialIDs, parsed.RawID) {
		rejection.unknownCredential = true
		return verifiedAssertion{}, rejection, nil
	}
	if state.Mode == loginDecoy {
		rejection.reason = "ceremony was begun for a username without passkeys"
		rejection.detail = s.failLikeARealAccount(state, parsed)
	}
	return verifiedAssertion{}, rejection, nil
}

// failLikeARealAccount runs the library's assertion checks against the
// decoy key: they fail at the signature at the latest, as a real account's
// do when someone without its private key tries.
func (s *Service) failLikeARealAccount(state loginState, parsed *protocol.ParsedCredentialAssertionData) error {
	user := &webauthnUser{
		handle:      s.decoyHandle,
		name:        state.Username,
		displayName: state.Username,
		credentials: []webauthn.Credential{{ID: parsed.RawID, PublicKey: s.decoyKey,
			Flags: webauthn.NewCredentialFlags(protocol.FlagUserPresent | protocol.FlagUserVerified)}},
	}
	session := state.Session
	session.AllowedCredentialIDs = [][]byte{parsed.RawID}
	session.UserID = s.decoyHandle
	_, err := s.webauthn.ValidateLogin(user, session, parsed)
	if err == nil {
		return errors.New("an assertion verified against the decoy key")
	}
	return err
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
			"credential_id", encodeID(stored.ID),
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

package passkeys

import (
	"context"
	"errors"

	"movieapi/internal/domain"
)

// completeLogin creates the session of a verified assertion, then applies
// the sign-counter rule; the token is handed out only when both hold.
//
// The order matters for deleted passkeys: RecordLogin waits for a deletion of
// the credential in progress (its row is locked until the commit). So either
// the counter was recorded before the deletion began — then the session was
// already listed under its user and the deletion's sweep ends it — or the
// deletion committed first, RecordLogin finds no credential, and the session
// is ended here before anyone learns its token.
func (s *Service) completeLogin(ctx context.Context, v verifiedAssertion) (LoginResult, *loginRejection, error) {
	asserted := v.parsed.Response.AuthenticatorData.Flags
	token, session, err := s.mintSession(ctx, v.user, v.stored.ID, asserted.HasUserVerified())
	if err != nil {
		return LoginResult{}, nil, err
	}
	rejection, err := s.recordUse(ctx, v)
	if err != nil || rejection != nil {
		if derr := s.sessions.DeleteSession(ctx, session); derr != nil {
			// The token was never handed out: the session is unusable and
			// expires with its TTL.
			s.log.WarnContext(ctx, "could not remove the session of a refused sign-in", "event", "webauthn.login", "err", derr)
		}
		return LoginResult{}, rejection, err
	}
	s.metrics.SessionCreated()
	s.log.InfoContext(ctx, "signed in with passkey",
		"event", "webauthn.login", "outcome", "success", "user_id", v.user.ID, "username", v.user.Username,
		"credential_id", encodeID(v.stored.ID),
		"user_verified", asserted.HasUserVerified(), "backup_state", asserted.HasBackupState())
	return LoginResult{Token: token, ExpiresAt: session.ExpiresAt, Username: v.user.Username}, nil, nil
}

// recordUse applies the sign-counter rule atomically (the repository's
// RecordLogin: two finishes presenting the same assertion can never both
// succeed) and stores the assertion's flags and time. A counter that did not
// advance flags the credential as possibly cloned; a credential deleted
// since it was read is the contract's 401, like any failed sign-in.
func (s *Service) recordUse(ctx context.Context, v verifiedAssertion) (*loginRejection, error) {
	asserted := v.parsed.Response.AuthenticatorData.Flags
	presented := v.parsed.Response.AuthenticatorData.Counter
	account := v.user.Canonical()
	accepted, err := s.credentials.RecordLogin(ctx, v.stored.ID, domain.LoginUpdate{
		SignCount: presented,
		// The library keeps UV as first recorded unless an upgrade was
		// authorised (WebAuthn's uvInitialized); store its decision.
		UserVerified:   v.verified.Flags.UserVerified,
		BackupEligible: asserted.HasBackupEligible(),
		BackupState:    asserted.HasBackupState(),
		UsedAt:         s.now().UTC(),
	})
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return &loginRejection{reason: "credential deleted during the sign-in", credentialID: v.stored.ID, account: account}, nil
	case err != nil:
		return nil, err
	case accepted:
		return nil, nil
	}
	s.metrics.CloneWarning()
	s.log.WarnContext(ctx, "passkey sign counter did not advance: possible cloned authenticator",
		"event", "webauthn.clone_warning", "user_id", v.user.ID,
		"credential_id", encodeID(v.stored.ID),
		"stored_count", v.stored.SignCount, "presented_count", presented)
	err = s.credentials.MarkCloneWarning(ctx, v.stored.ID)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	return &loginRejection{reason: "sign counter did not advance", credentialID: v.stored.ID, account: account}, nil
}

package passkeys

import (
	"context"
	"encoding/base64"
	"errors"

	"movieapi/internal/domain"
)

// Credentials lists the passkeys of userID, oldest first; never nil, so an
// account without passkeys encodes as [].
func (s *Service) Credentials(ctx context.Context, userID int64) ([]domain.Credential, error) {
	creds, err := s.credentials.CredentialsByUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if creds == nil {
		creds = []domain.Credential{}
	}
	return creds, nil
}

// RenameCredential renames one of userID's passkeys. A passkey of another
// account is "not found", like one that does not exist: no probing.
func (s *Service) RenameCredential(ctx context.Context, userID int64, id []byte, name string) (domain.Credential, error) {
	name, err := domain.NormalizeCredentialName(name)
	if err != nil {
		return domain.Credential{}, err
	}
	cred, err := s.credentials.RenameCredential(ctx, userID, id, name)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Credential{}, domain.NotFound(msgCredentialNotFound)
	}
	if err != nil {
		return domain.Credential{}, err
	}
	return cred, nil
}

// DeleteCredential deletes one of the caller's passkeys and ends the
// sessions it created. It needs a recent user-verified proof on the caller's
// session. Another account's passkey is "not found"; the account's last
// passkey cannot be deleted (it would lock the account out).
//
// Once it returns nil, no session of the passkey is left on any instance:
// the sessions are ended while the row is deleted but not yet committed, and
// the row stays locked until the commit, so a sign-in with the passkey that
// races the delete either had its session listed before the sweep (and
// ended), or waits for the commit and then finds the passkey gone (and ends
// its own session). If the sessions cannot be ended, the delete is rolled
// back: the passkey stays listed and the user can try again.
func (s *Service) DeleteCredential(ctx context.Context, caller domain.Session, id []byte) error {
	if err := s.requireRecentVerification(caller); err != nil {
		return err
	}
	err := s.credentials.DeleteCredential(ctx, caller.UserID, id, func(ctx context.Context) error {
		return s.sessions.EndCredentialSessions(ctx, caller.UserID, id)
	})
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return domain.NotFound(msgCredentialNotFound)
	case errors.Is(err, domain.ErrConflict):
		return withMessage(err, domain.ErrConflict, msgLastCredential)
	case err != nil:
		s.log.ErrorContext(ctx, "passkey not deleted",
			"event", "webauthn.credential_delete", "outcome", "error", "user_id", caller.UserID,
			"credential_id", base64.RawURLEncoding.EncodeToString(id), "err", err)
		return err
	}
	s.log.InfoContext(ctx, "passkey deleted",
		"event", "webauthn.credential_delete", "outcome", "success", "user_id", caller.UserID,
		"credential_id", base64.RawURLEncoding.EncodeToString(id))
	return nil
}

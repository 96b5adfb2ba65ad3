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
		return nil, backendError(err)
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
		return domain.Credential{}, backendError(err)
	}
	return cred, nil
}

// DeleteCredential deletes one of userID's passkeys and ends the sessions it
// created. Another account's passkey is "not found"; the account's last
// passkey cannot be deleted (it would lock the account out).
func (s *Service) DeleteCredential(ctx context.Context, userID int64, id []byte) error {
	err := s.credentials.DeleteCredential(ctx, userID, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		s.endSessionsOfVanishedCredential(ctx, id)
		return domain.NotFound(msgCredentialNotFound)
	case errors.Is(err, domain.ErrConflict):
		return withMessage(err, domain.ErrConflict, msgLastCredential)
	case err != nil:
		return backendError(err)
	}
	// The sessions are ended after the delete, not before: the repository
	// decides atomically whether the delete happens (ownership, last
	// passkey), and a refused delete must not sign anyone out.
	if err := s.sessions.EndCredentialSessions(ctx, id); err != nil {
		s.log.ErrorContext(ctx, "passkey deleted but its sessions were not ended",
			"event", "webauthn.credential_delete", "user_id", userID,
			"credential_id", base64.RawURLEncoding.EncodeToString(id), "err", err)
		return backendError(err)
	}
	s.log.InfoContext(ctx, "passkey deleted",
		"event", "webauthn.credential_delete", "user_id", userID,
		"credential_id", base64.RawURLEncoding.EncodeToString(id))
	return nil
}

// endSessionsOfVanishedCredential finishes an earlier delete whose session
// cleanup failed: when a retried delete finds nothing, and the credential
// exists for no account at all, its sessions must not outlive it. Ending the
// sessions of a credential nobody has harms no one; a credential that exists
// under another account is left alone.
func (s *Service) endSessionsOfVanishedCredential(ctx context.Context, id []byte) {
	if _, err := s.credentials.CredentialByID(ctx, id); !errors.Is(err, domain.ErrNotFound) {
		return
	}
	if err := s.sessions.EndCredentialSessions(ctx, id); err != nil {
		s.log.WarnContext(ctx, "could not end sessions of a deleted passkey",
			"event", "webauthn.credential_delete", "err", err)
	}
}

package passkeys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"

	"movieapi/internal/domain"
)

// fakeCredentialSecretName is the SecretRepository entry holding the generated
// decoy key when none is configured.
const fakeCredentialSecretName = "webauthn_fake_credential_key"

// fakeCredentialKeyLength is the size of a generated decoy key.
const fakeCredentialKeyLength = 32

// decoyDescriptor is the allowCredentials entry sent for a username without
// passkeys. It must look like a real one and stay the same for a username
// across calls, restarts and instances — a random id per call would reveal
// the decoy to anyone who asks twice. Hence an HMAC of the lowercased
// username (usernames are unique case-insensitively) under a server secret.
// The transports are what a synced platform passkey reports.
func (s *Service) decoyDescriptor(ctx context.Context, username string) (protocol.CredentialDescriptor, error) {
	key, err := s.fakeCredentialKey(ctx)
	if err != nil {
		return protocol.CredentialDescriptor{}, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strings.ToLower(username)))
	return protocol.CredentialDescriptor{
		Type:         protocol.PublicKeyCredentialType,
		CredentialID: mac.Sum(nil),
		Transport:    []protocol.AuthenticatorTransport{protocol.Hybrid, protocol.Internal},
	}, nil
}

// fakeCredentialKey returns the configured key, or the shared generated one,
// fetching it once.
func (s *Service) fakeCredentialKey(ctx context.Context) ([]byte, error) {
	s.fakeKeyMu.Lock()
	defer s.fakeKeyMu.Unlock()
	if len(s.fakeKey) > 0 {
		return s.fakeKey, nil
	}
	key, err := s.secrets.Secret(ctx, fakeCredentialSecretName, func() ([]byte, error) {
		return s.randomBytes(fakeCredentialKeyLength)
	})
	if err != nil {
		return nil, backendError(err)
	}
	if len(key) < minFakeCredentialKeyLength {
		return nil, domain.Unavailable(fmt.Errorf("passkeys: stored %s is %d bytes, want at least %d",
			fakeCredentialSecretName, len(key), minFakeCredentialKeyLength))
	}
	s.fakeKey = key
	return key, nil
}

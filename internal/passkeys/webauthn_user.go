package passkeys

import (
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"movieapi/internal/domain"
)

// webauthnUser adapts an account (or one about to exist) to the library's
// User interface.
type webauthnUser struct {
	handle      []byte
	name        string
	displayName string
	credentials []webauthn.Credential
}

func (u *webauthnUser) WebAuthnID() []byte                         { return u.handle }
func (u *webauthnUser) WebAuthnName() string                       { return u.name }
func (u *webauthnUser) WebAuthnDisplayName() string                { return u.displayName }
func (u *webauthnUser) WebAuthnCredentials() []webauthn.Credential { return u.credentials }

// libraryCredential is the library's view of a stored credential: what it
// needs to verify an assertion and to describe the credential to a browser.
func libraryCredential(c domain.Credential) webauthn.Credential {
	transports := make([]protocol.AuthenticatorTransport, len(c.Transports))
	for i, t := range c.Transports {
		transports[i] = protocol.AuthenticatorTransport(t)
	}
	return webauthn.Credential{
		ID:                c.ID,
		PublicKey:         c.PublicKey,
		AttestationFormat: c.AttestationFormat,
		Transport:         transports,
		Flags:             webauthn.NewCredentialFlags(storedFlags(c)),
		Authenticator: webauthn.Authenticator{
			AAGUID:       c.AAGUID,
			SignCount:    c.SignCount,
			CloneWarning: c.CloneWarning,
		},
	}
}

// storedFlags rebuilds the authenticator flags a credential was last seen
// with. User presence is implied: nothing is stored without it.
func storedFlags(c domain.Credential) protocol.AuthenticatorFlags {
	flags := protocol.FlagUserPresent
	if c.UserVerified {
		flags |= protocol.FlagUserVerified
	}
	if c.BackupEligible {
		flags |= protocol.FlagBackupEligible
	}
	if c.BackupState {
		flags |= protocol.FlagBackupState
	}
	return flags
}

// descriptors lists credentials the way a browser needs them in
// excludeCredentials / allowCredentials.
func descriptors(creds []domain.Credential) []protocol.CredentialDescriptor {
	out := make([]protocol.CredentialDescriptor, len(creds))
	for i, c := range creds {
		lc := libraryCredential(c)
		out[i] = lc.Descriptor()
	}
	return out
}

package authtest

import "github.com/descope/virtualwebauthn"

// Passkey is one software credential together with what the browser around
// it reports. Its fields may be changed between ceremonies to play a
// different authenticator state: a counter that moves or regresses, flags
// that change, another user handle. It is not safe for concurrent use:
// build responses from one goroutine, send them from many.
type Passkey struct {
	// ID is the credential id; Key signs (virtualwebauthn's key, holding
	// the PKCS#8 private key).
	ID  []byte
	Key *virtualwebauthn.Key
	// Counter is the signature counter written into the authenticator
	// data. Like virtualwebauthn's, it does not move by itself: an
	// authenticator that keeps no counter (synced passkeys) reports 0.
	Counter uint32

	// Origin is the page the ceremony runs on; it goes into clientDataJSON.
	Origin string
	// UserHandle is sent with assertions (response.userHandle); Attest sets
	// it to the user.id of the creation options, as an authenticator
	// storing a discoverable credential does. Nil omits it.
	UserHandle []byte
	// AAGUID identifies the authenticator model; zero by default, as most
	// providers send with attestation "none".
	AAGUID [16]byte

	// Authenticator data flags. New passkeys are present and verified,
	// neither backup eligible nor backed up.
	UserPresent    bool
	UserVerified   bool
	BackupEligible bool
	BackupState    bool

	// Transports is reported in response.transports at registration;
	// Attachment in authenticatorAttachment ("platform", "cross-platform").
	Transports []string
	Attachment string
	// Discoverable is reported as clientExtensionResults.credProps.rk at
	// registration when the options ask for credProps, unless
	// OmitCredProps is set (clients that do not support the extension
	// report nothing).
	Discoverable  bool
	OmitCredProps bool
	// Attestation is the attestation format: "packed" (self attestation,
	// signed by the credential's own key: the server checks it) or "none".
	Attestation string
}

// NewPasskey returns a passkey with a fresh key of the given type (ES256 or
// RS256), used from a page at origin, shaped like a platform passkey: user
// present and verified, discoverable, transports internal and hybrid,
// packed self attestation.
func NewPasskey(keyType virtualwebauthn.KeyType, origin string) *Passkey {
	cred := NewCredential(keyType)
	return &Passkey{
		ID:           cred.ID,
		Key:          cred.Key,
		Origin:       origin,
		UserPresent:  true,
		UserVerified: true,
		Transports:   []string{"internal", "hybrid"},
		Attachment:   "platform",
		Discoverable: true,
		Attestation:  "packed",
	}
}

// Clone returns a copy sharing the key: the same credential in another
// authenticator state (a cloned authenticator, a forged answer). Since the
// key is shared, a clone and its original must not sign at the same time
// either.
func (p *Passkey) Clone() *Passkey {
	c := *p
	c.ID = append([]byte(nil), p.ID...)
	c.UserHandle = append([]byte(nil), p.UserHandle...)
	c.Transports = append([]string(nil), p.Transports...)
	return &c
}

// flags is the authenticator data flags byte (WebAuthn §6.1).
func (p *Passkey) flags(attestedData bool) byte {
	var f byte
	if p.UserPresent {
		f |= 1 << 0
	}
	if p.UserVerified {
		f |= 1 << 2
	}
	if p.BackupEligible {
		f |= 1 << 3
	}
	if p.BackupState {
		f |= 1 << 4
	}
	if attestedData {
		f |= 1 << 6
	}
	return f
}

// CredentialID is the passkey's id as the API writes it: unpadded base64url.
func (p *Passkey) CredentialID() string { return b64(p.ID) }

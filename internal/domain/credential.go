package domain

import "time"

// Credential is one registered passkey.
type Credential struct {
	ID                []byte
	UserID            int64
	PublicKey         []byte // COSE key as the authenticator sent it
	Algorithm         int64  // COSE algorithm, read from the key itself
	SignCount         uint32
	AAGUID            []byte
	Transports        []string
	AttestationFormat string
	UserVerified      bool
	BackupEligible    bool
	BackupState       bool
	Discoverable      *bool // nil when the client did not report credProps
	Name              string
	CloneWarning      bool
	CreatedAt         time.Time
	LastUsedAt        *time.Time
}

// SignCountAccepted is the counter rule: an authenticator without a counter
// reports 0 every time (synced passkeys do); otherwise the counter must grow.
// Anything else is a replayed or cloned authenticator.
func SignCountAccepted(stored, presented uint32) bool {
	return (stored == 0 && presented == 0) || presented > stored
}

// LoginUpdate is what a successful sign-in writes back to a credential.
type LoginUpdate struct {
	SignCount      uint32
	UserVerified   bool
	BackupEligible bool
	BackupState    bool
	UsedAt         time.Time
}

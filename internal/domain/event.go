package domain

import "time"

// EventType is what happened to an account (security_events.type). The set
// is closed: it is a metric label and a database check.
type EventType string

// The security events of an account (contract §7.11).
const (
	EventAccountCreated  EventType = "account_created"
	EventPasskeyAdded    EventType = "passkey_added"
	EventPasskeyRenamed  EventType = "passkey_renamed"
	EventPasskeyDeleted  EventType = "passkey_deleted"
	EventSignedIn        EventType = "signed_in"
	EventSignInRefused   EventType = "sign_in_refused"
	EventSessionEnded    EventType = "session_ended"
	EventReauthenticated EventType = "reauthenticated"
)

// EventTypes lists every event type, for metrics and checks.
var EventTypes = []EventType{
	EventAccountCreated, EventPasskeyAdded, EventPasskeyRenamed, EventPasskeyDeleted,
	EventSignedIn, EventSignInRefused, EventSessionEnded, EventReauthenticated,
}

// Why a sign-in was refused, or a session ended (SecurityEvent.Detail).
const (
	DetailWrongSignature  = "assertion did not verify"
	DetailCounterRefused  = "sign counter did not advance (possible cloned authenticator)"
	DetailLogout          = "signed out"
	DetailRevoked         = "ended from another session"
	DetailRevokedOthers   = "ended with every other session"
	DetailSessionsEnded   = "its sessions ended"
	DetailCredentialGone  = "passkey deleted during the sign-in"
	DetailNotTheOwnersKey = "passkey of another account"
)

// SecurityEvent is one line of an account's activity log.
type SecurityEvent struct {
	ID     int64 // keyset cursor: newer events have greater ids
	UserID int64
	Type   EventType
	At     time.Time
	// CredentialID and CredentialName are the passkey concerned, its name
	// as it was at the time; empty when none is.
	CredentialID   []byte
	CredentialName string
	Detail         string
	Client         ClientInfo
	RequestID      string
}

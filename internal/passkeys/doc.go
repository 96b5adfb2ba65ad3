// Package passkeys owns the WebAuthn ceremonies of movieapi: the relying-party
// configuration, registration and sign-in (begin and finish), the sign-counter
// and backup-flag rules, the enumeration-proof answer for unknown usernames,
// and the bearer sessions a successful sign-in creates.
//
// It speaks only to the domain ports (users, credentials, secrets, sessions,
// metrics) and to go-webauthn; it knows nothing of HTTP, PostgreSQL or Redis.
// Every error it returns carries one domain error kind, so the HTTP layer can
// map it to a status in one place. Backend failures keep their
// domain.ErrUnavailable kind all the way out: an outage is never reported as a
// failed verification.
package passkeys

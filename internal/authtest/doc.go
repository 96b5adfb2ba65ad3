// Package authtest plays the browser and the authenticator of a WebAuthn
// ceremony in Go, with real signatures, so passkey flows can be exercised
// end to end without a browser: by HTTP-level tests, by the passkeys unit
// tests and by load drivers.
//
// A Passkey is one software credential (ES256 or RS256, keys from
// github.com/descope/virtualwebauthn). Attest and Assert turn the server's
// start answers into the PublicKeyCredential JSON a browser's toJSON()
// produces, and Tamper options make the negative cases: signed with the
// wrong origin, RP ID or type, or with clientDataJSON or the signature
// changed after signing. Register, SignIn and SignUp drive the movieapi
// routes over HTTP.
//
// It is a test helper: nothing in the service imports it.
package authtest

// Package browsertest drives headless Chromium for end-to-end tests of the
// pages: one fresh browser profile per test, a CDP virtual authenticator to
// answer WebAuthn ceremonies, and helpers that click and type as a person
// would and wait on what the page shows. When a helper fails it saves a
// full-page screenshot and names it in the failure message.
//
// Browser tests skip only under `go test -short`. Without Chromium they fail
// and say how to install it. It is imported by tests only.
package browsertest

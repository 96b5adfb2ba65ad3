package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// hintedOptions is what the hints tests read from a start answer's
// publicKey options.
type hintedOptions struct {
	Hints                  []string `json:"hints"`
	AuthenticatorSelection *struct {
		AuthenticatorAttachment string `json:"authenticatorAttachment"`
	} `json:"authenticatorSelection"`
}

func optionsOf(t *testing.T, r apitest.Response) hintedOptions {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	var opts hintedOptions
	if err := jsonPublicKey(r.Body, &opts); err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestRegistrationOptionsCarryTheHints: the hints come back in the
// creation options in the client's order, with the authenticator
// attachment the first one implies for browsers that predate hints; none
// asked for, none sent. The ceremony then finishes as usual.
func TestRegistrationOptionsCarryTheHints(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, tc := range []struct {
		name       string
		hints      []string
		attachment string
	}{
		{"security key first", []string{"security-key", "hybrid"}, "cross-platform"},
		{"this device", []string{"client-device"}, "platform"},
		{"phone first", []string{"hybrid", "client-device", "security-key"}, "cross-platform"},
		{"none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			username := "hinted " + tc.name
			body := map[string]any{"username": username}
			if tc.hints != nil {
				body["hints"] = tc.hints
			}
			start := srv.Do(t, "POST", "/webauthn/register/start", jsonBody(t, body))
			opts := optionsOf(t, start)
			if !slices.Equal(opts.Hints, tc.hints) {
				t.Errorf("hints %q, want %q", opts.Hints, tc.hints)
			}
			attachment := ""
			if opts.AuthenticatorSelection != nil {
				attachment = opts.AuthenticatorSelection.AuthenticatorAttachment
			}
			if attachment != tc.attachment {
				t.Errorf("authenticatorAttachment %q, want %q", attachment, tc.attachment)
			}
			p := newPasskey(srv, authtest.ES256)
			if r := finishRegistration(t, srv, username, attest(t, p, start.Body), ""); r.Status != http.StatusOK {
				t.Fatalf("register/finish: %d %s", r.Status, r.Body)
			}
		})
	}
}

// TestSignInOptionsCarryTheHints: every kind of sign-in echoes the hints
// in order — an account with passkeys, a username without an account (the
// decoy must not differ), discoverable and autofill — and a hinted
// sign-in finishes as usual.
func TestSignInOptionsCarryTheHints(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "hana", p, "")
	hints := []string{"hybrid", "client-device"}
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"account", map[string]any{"username": "hana", "hints": hints}},
		{"no such account", map[string]any{"username": "nobody", "hints": hints}},
		{"discoverable", map[string]any{"hints": hints}},
		{"autofill", map[string]any{"mediation": "conditional", "hints": hints}},
	} {
		opts := optionsOf(t, srv.Do(t, "POST", "/webauthn/auth/start", jsonBody(t, tc.body)))
		if !slices.Equal(opts.Hints, hints) {
			t.Errorf("%s: hints %q, want %q", tc.name, opts.Hints, hints)
		}
	}
	if opts := optionsOf(t, srv.Do(t, "POST", "/webauthn/auth/start", `{"username":"hana"}`)); opts.Hints != nil {
		t.Errorf("hints %q without asking for any", opts.Hints)
	}

	start := srv.Do(t, "POST", "/webauthn/auth/start", jsonBody(t, map[string]any{"username": "hana", "hints": []string{"security-key"}}))
	if r := finishSignIn(t, srv, "hana", assert(t, p, start.Body)); r.Status != http.StatusOK {
		t.Fatalf("hinted sign-in: %d %s", r.Status, r.Body)
	}
}

// TestInvalidHintsAreRefused: an unknown hint or a repeat is a 400 that
// says which entry is wrong; hints that are not a list of strings are the
// wrong shape (422). Both start routes apply the same rule.
func TestInvalidHintsAreRefused(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, route := range []struct{ path, body string }{
		{"/webauthn/register/start", `{"username":"iris","hints":%s}`},
		{"/webauthn/auth/start", `{"username":"iris","hints":%s}`},
		{"/webauthn/auth/start", `{"hints":%s}`},
	} {
		for _, tc := range []struct {
			hints   string
			status  int
			message string
		}{
			{`["usb"]`, http.StatusBadRequest, `hints[0] is not one of "security-key", "client-device", "hybrid"`},
			{`["hybrid","Security-Key"]`, http.StatusBadRequest, `hints[1] is not one of "security-key", "client-device", "hybrid"`},
			{`["hybrid","client-device","hybrid"]`, http.StatusBadRequest, `hints[2] repeats "hybrid"`},
			{`"hybrid"`, http.StatusUnprocessableEntity, "field hints must be an array"},
			{`[1]`, http.StatusUnprocessableEntity, "field hints must be a string"},
		} {
			r := srv.Do(t, "POST", route.path, fmt.Sprintf(route.body, tc.hints))
			if r.Status != tc.status || r.ErrorMessage(t) != tc.message {
				t.Errorf("%s with hints %s: %d %s, want %d %q", route.path, tc.hints, r.Status, r.Body, tc.status, tc.message)
			}
		}
	}
}

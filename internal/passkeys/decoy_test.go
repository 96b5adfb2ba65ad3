package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

// shape reduces begin options to their structure: member names at every
// level, with array lengths, but no values.
func shape(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				out[k] = walk(v[k])
			}
			return out
		case []any:
			out := make([]any, len(v))
			for i := range v {
				out[i] = walk(v[i])
			}
			return out
		default:
			return "_"
		}
	}
	return string(mustJSON(t, walk(v)))
}

func allowedIDs(t *testing.T, raw []byte) []string {
	t.Helper()
	var ids []string
	for _, c := range publicKeyOf(t, raw)["allowCredentials"].([]any) {
		ids = append(ids, c.(map[string]any)["id"].(string))
	}
	return ids
}

func TestDecoyAnswerForUsernamesWithoutPasskeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	known := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("alice", known, nil)
	// The stored credential looks like a synced passkey, as the decoy does.
	h.store.updateCredential(known.cred.ID, func(c *domain.Credential) { c.Transports = []string{"hybrid", "internal"} })
	h.store.addUser("nopasskeys", bytes.Repeat([]byte{9}, 32))

	_, knownRaw := h.beginLogin("alice", false)
	_, ghostRaw := h.beginLogin("ghost", false)
	_, emptyRaw := h.beginLogin("nopasskeys", false)
	for name, raw := range map[string][]byte{"unknown user": ghostRaw, "user without passkeys": emptyRaw} {
		if shape(t, raw) != shape(t, knownRaw) {
			t.Errorf("%s: shape %s differs from a known user's %s", name, shape(t, raw), shape(t, knownRaw))
		}
		allow := publicKeyOf(t, raw)["allowCredentials"].([]any)[0].(map[string]any)
		id, err := base64.RawURLEncoding.DecodeString(allow["id"].(string))
		if err != nil || len(id) != 32 || allow["type"] != "public-key" {
			t.Errorf("%s: decoy descriptor %v", name, allow)
		}
		if got := allow["transports"]; !slices.Equal(toStrings(got), []string{"hybrid", "internal"}) {
			t.Errorf("%s: transports = %v", name, got)
		}
	}

	_, again := h.beginLogin("  GHOST ", false)
	if allowedIDs(t, again)[0] != allowedIDs(t, ghostRaw)[0] {
		t.Error("the decoy id changed between calls (or with the username's case)")
	}
	if allowedIDs(t, ghostRaw)[0] == allowedIDs(t, emptyRaw)[0] {
		t.Error("two usernames got the same decoy id")
	}
	if got := h.store.callCount("Secret"); got != 1 {
		t.Errorf("Secret fetched %d times, want once", got)
	}
	// Another instance (or a restart) over the same secret store answers the
	// same decoy.
	other := newHarnessWithStore(t, h.store)
	_, fromOther := other.beginLogin("ghost", false)
	if allowedIDs(t, fromOther)[0] != allowedIDs(t, ghostRaw)[0] {
		t.Error("another instance answered a different decoy")
	}
}

func TestDecoyCeremonyCanOnlyFail(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("alice", alice, nil)
	opts, _ := h.beginLogin("ghost", false)
	// A genuine credential, signing the decoy ceremony's challenge.
	for _, finishAs := range []string{"ghost", "alice", ""} {
		if finishAs != "ghost" {
			opts, _ = h.beginLogin("ghost", false)
		}
		_, err := h.svc.FinishLogin(context.Background(), finishAs, h.assert(alice, opts))
		wantKind(t, err, domain.ErrUnauthorized, "authentication failed")
	}
	if m := h.metrics.snapshot(); m[5] != 0 {
		t.Fatal("a decoy ceremony created a session")
	}
}

func TestConfiguredDecoyKey(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	a := newHarness(t, func(c *Config) { c.FakeCredentialKey = key })
	b := newHarness(t, func(c *Config) { c.FakeCredentialKey = key })
	generated := newHarness(t)
	_, fromA := a.beginLogin("ghost", false)
	_, fromB := b.beginLogin("ghost", false)
	_, fromGenerated := generated.beginLogin("ghost", false)
	if allowedIDs(t, fromA)[0] != allowedIDs(t, fromB)[0] {
		t.Error("two services with the same configured key disagree")
	}
	if allowedIDs(t, fromA)[0] == allowedIDs(t, fromGenerated)[0] {
		t.Error("the configured key was not used")
	}
	if a.store.callCount("Secret") != 0 {
		t.Error("a configured key still fetched the stored secret")
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}

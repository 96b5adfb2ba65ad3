package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
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

// descriptorShape is one allowCredentials entry reduced to what a prober
// can compare without knowing the account: id length and transports.
type descriptorShape struct {
	idLength   int
	transports string
}

func descriptorShapes(t *testing.T, raw []byte) []descriptorShape {
	t.Helper()
	var out []descriptorShape
	for _, c := range publicKeyOf(t, raw)["allowCredentials"].([]any) {
		d := c.(map[string]any)
		id, err := base64.RawURLEncoding.DecodeString(d["id"].(string))
		if err != nil || d["type"] != "public-key" || len(d) != 3 {
			t.Fatalf("descriptor %v", d)
		}
		out = append(out, descriptorShape{len(id), strings.Join(toStrings(d["transports"]), ",")})
	}
	return out
}

// withoutAllowList is the options' shape with the allow list left out: the
// rest must be the same for every username.
func withoutAllowList(t *testing.T, raw []byte) string {
	t.Helper()
	return shape(t, editJSON(t, raw, func(m map[string]any) {
		delete(m["publicKey"].(map[string]any), "allowCredentials")
	}))
}

func TestDecoyAnswerForUsernamesWithoutPasskeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	known := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("alice", known, nil)
	h.store.addUser("nopasskeys", bytes.Repeat([]byte{9}, 32))

	_, knownRaw := h.beginLogin("alice", false)
	_, ghostRaw := h.beginLogin("ghost", false)
	_, emptyRaw := h.beginLogin("nopasskeys", false)
	for name, raw := range map[string][]byte{"unknown user": ghostRaw, "user without passkeys": emptyRaw} {
		if withoutAllowList(t, raw) != withoutAllowList(t, knownRaw) {
			t.Errorf("%s: shape %s differs from a known user's %s", name, shape(t, raw), shape(t, knownRaw))
		}
		shapes := descriptorShapes(t, raw)
		if len(shapes) < 1 || len(shapes) > len(decoyCountWeights) {
			t.Errorf("%s: %d decoy descriptors", name, len(shapes))
		}
		for _, d := range shapes {
			if !slices.ContainsFunc(decoyProfiles, func(p decoyProfile) bool {
				return p.idLength == d.idLength && strings.Join(transportNames(p.transports), ",") == d.transports
			}) {
				t.Errorf("%s: decoy descriptor %+v is none of the real profiles", name, d)
			}
		}
	}

	_, again := h.beginLogin("  GHOST ", false)
	if !slices.Equal(allowedIDs(t, again), allowedIDs(t, ghostRaw)) {
		t.Error("the decoy changed between calls (or with the username's case)")
	}
	if _, fullWidth := h.beginLogin("ｇｈｏｓｔ", false); !slices.Equal(allowedIDs(t, fullWidth), allowedIDs(t, ghostRaw)) {
		t.Error("two spellings of one canonical username got different decoys")
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
	if !slices.Equal(allowedIDs(t, fromOther), allowedIDs(t, ghostRaw)) {
		t.Error("another instance answered a different decoy")
	}
}

// TestDecoyShapesFollowTheProfiles: over many usernames, every profile and
// every passkey count shows up, so decoys are not all alike (a prober
// comparing shapes across names learns nothing from one fixed shape).
func TestDecoyShapesFollowTheProfiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lengths, counts := map[int]int{}, map[int]int{}
	for i := range 400 {
		_, raw := h.beginLogin(fmt.Sprintf("ghost%d", i), false)
		shapes := descriptorShapes(t, raw)
		counts[len(shapes)]++
		for _, d := range shapes {
			lengths[d.idLength]++
		}
	}
	for _, p := range decoyProfiles {
		if lengths[p.idLength] == 0 {
			t.Errorf("no decoy with %d-byte ids in 400 usernames: %v", p.idLength, lengths)
		}
	}
	for n := 1; n <= len(decoyCountWeights); n++ {
		if counts[n] == 0 {
			t.Errorf("no decoy with %d passkeys in 400 usernames: %v", n, counts)
		}
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
	if !slices.Equal(allowedIDs(t, fromA), allowedIDs(t, fromB)) {
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

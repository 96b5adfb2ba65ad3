package httpapi_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// shape describes a JSON value by its keys and value types only, so two
// answers can be compared without their random parts (challenges, ids).
// Arrays are described by their length and each element's shape.
func shape(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + shape(v[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = shape(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// signInStart is auth/start for username, with status and decoded body.
func signInStart(t *testing.T, srv *apitest.Server, username string) (int, map[string]any) {
	t.Helper()
	r := srv.Do(t, "POST", "/webauthn/auth/start", jsonBody(t, map[string]string{"username": username}))
	var body map[string]any
	r.JSON(t, &body)
	return r.Status, body
}

// allowedIDs returns the allowCredentials of a decoded auth/start answer.
func allowedIDs(t *testing.T, body map[string]any) []string {
	t.Helper()
	var answer struct {
		Options struct {
			PublicKey struct {
				AllowCredentials []struct {
					ID         string   `json:"id"`
					Type       string   `json:"type"`
					Transports []string `json:"transports"`
				} `json:"allowCredentials"`
			} `json:"publicKey"`
		} `json:"options"`
	}
	if err := json.Unmarshal(jsonBody(t, body), &answer); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range answer.Options.PublicKey.AllowCredentials {
		if c.Type != "public-key" {
			t.Errorf("descriptor type %q", c.Type)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// TestSignInStartDoesNotRevealAccounts: auth/start answers a username
// without an account, and an account without passkeys, exactly like one
// with a passkey — same status, same JSON structure — with a decoy
// credential that is stable for the username on every call and every
// instance, and differs between usernames.
func TestSignInStartDoesNotRevealAccounts(t *testing.T) {
	t.Parallel()
	cfg := apitest.DefaultConfig(t)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	known := newPasskey(a, authtest.ES256)
	authtest.Register(t, a, "kate", known, "")

	// An account without passkeys cannot be made through the API (the
	// last passkey cannot be deleted), so it is written directly.
	handle := make([]byte, 32)
	_, _ = rand.Read(handle)
	if _, err := database(t, a).Exec(t.Context(), `INSERT INTO users (username, handle) VALUES ('Liam', $1)`, handle); err != nil {
		t.Fatal(err)
	}

	status, knownBody := signInStart(t, a, "kate")
	if status != http.StatusOK {
		t.Fatalf("known user: %d", status)
	}
	if ids := allowedIDs(t, knownBody); !slices.Equal(ids, []string{known.CredentialID()}) {
		t.Fatalf("known user's allowCredentials %v", ids)
	}
	wantShape := shape(knownBody)

	decoys := map[string]string{}
	for _, username := range []string{"nobody", "liam"} {
		var first string
		for i, srv := range []*apitest.Server{a, b, a, b} {
			status, body := signInStart(t, srv, username)
			if status != http.StatusOK {
				t.Fatalf("%s: status %d, want 200 as for a known user", username, status)
			}
			if got := shape(body); got != wantShape {
				t.Fatalf("%s: answer shape\n%s\nwant the known user's\n%s", username, got, wantShape)
			}
			ids := allowedIDs(t, body)
			raw, err := base64.RawURLEncoding.DecodeString(ids[0])
			if err != nil || len(raw) != 32 {
				t.Fatalf("%s: decoy id %q is not 32 bytes of base64url", username, ids[0])
			}
			if i == 0 {
				first = ids[0]
			} else if ids[0] != first {
				t.Fatalf("%s: decoy changed between calls or instances: %s then %s", username, first, ids[0])
			}
		}
		decoys[username] = first
	}
	if decoys["nobody"] == decoys["liam"] {
		t.Fatal("two usernames got the same decoy credential")
	}
	if _, body := signInStart(t, b, "NOBODY"); allowedIDs(t, body)[0] != decoys["nobody"] {
		t.Fatal("the decoy depends on the case of the username, which does not name another account")
	}

	// A ceremony begun for a decoy can only fail, even with a real
	// passkey signing it.
	start := startSignIn(t, a, "nobody")
	wantError(t, finishSignIn(t, a, "nobody", assert(t, known, start)), http.StatusUnauthorized, "authentication failed")
}

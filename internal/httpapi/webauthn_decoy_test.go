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
// Arrays are described by the set of their elements' shapes: how many
// passkeys an account has, and how many transports each reports, differ
// between real accounts too.
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
		slices.Sort(parts)
		return "[" + strings.Join(slices.Compact(parts), ",") + "]"
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
			for _, id := range ids {
				raw, err := base64.RawURLEncoding.DecodeString(id)
				if err != nil || !slices.Contains([]int{16, 20, 32, 64}, len(raw)) {
					t.Fatalf("%s: decoy id %q is not of a real provider's length", username, id)
				}
			}
			if i == 0 {
				first = strings.Join(ids, " ")
			} else if strings.Join(ids, " ") != first {
				t.Fatalf("%s: decoy changed between calls or instances: %s then %v", username, first, ids)
			}
		}
		decoys[username] = first
	}
	if decoys["nobody"] == decoys["liam"] {
		t.Fatal("two usernames got the same decoy credential")
	}
	if _, body := signInStart(t, b, "ＮＯＢＯＤＹ"); strings.Join(allowedIDs(t, body), " ") != decoys["nobody"] {
		t.Fatal("the decoy depends on the case of the username, which does not name another account")
	}

	// A ceremony begun for a decoy can only fail, even with a real
	// passkey signing it.
	start := startSignIn(t, a, "nobody")
	wantError(t, finishSignIn(t, a, "nobody", assert(t, known, start)), http.StatusUnauthorized, "authentication failed")
}

// probe answers a sign-in ceremony the way someone without the account's
// key can: an assertion naming the first allowed credential id (or id, when
// given), signed with a key of their own.
func probe(t *testing.T, srv *apitest.Server, username string, id []byte) apitest.Response {
	t.Helper()
	start := startSignIn(t, srv, username)
	forger := newPasskey(srv, authtest.ES256)
	if id == nil {
		var body map[string]any
		apitest.Response{Body: start}.JSON(t, &body)
		raw, err := base64.RawURLEncoding.DecodeString(allowedIDs(t, body)[0])
		if err != nil {
			t.Fatal(err)
		}
		id = raw
	}
	forger.ID = id
	return finishSignIn(t, srv, username, assert(t, forger, start))
}

// TestDecoyFailsExactlyLikeARealAccount: naming a decoy's credential at
// auth/finish gets, byte for byte, the answer a real account's failed
// assertion gets — no "unknown_credential" that would tell the decoy apart.
// An id that was never in the ceremony's allow list is flagged alike for
// both.
func TestDecoyFailsExactlyLikeARealAccount(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	authtest.SignUp(t, srv, "kate")
	account, decoy := probe(t, srv, "kate", nil), probe(t, srv, "nobody", nil)
	wantError(t, account, http.StatusUnauthorized, "authentication failed")
	if string(account.Body) != string(decoy.Body) || account.Status != decoy.Status {
		t.Fatalf("decoy answered %d %s, a real account %d %s", decoy.Status, decoy.Body, account.Status, account.Body)
	}
	for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control", "WWW-Authenticate", "Retry-After"} {
		if account.Header.Get(h) != decoy.Header.Get(h) {
			t.Errorf("header %s: decoy %q, real %q", h, decoy.Header.Get(h), account.Header.Get(h))
		}
	}
	if len(account.Header) != len(decoy.Header) {
		t.Errorf("decoy headers %v, real %v", decoy.Header, account.Header)
	}
	stranger := make([]byte, 32)
	_, _ = rand.Read(stranger)
	for _, username := range []string{"kate", "nobody"} {
		r := probe(t, srv, username, stranger)
		if r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), `"unknown_credential":true`) {
			t.Errorf("%s: an id never offered answered %d %s", username, r.Status, r.Body)
		}
	}
}

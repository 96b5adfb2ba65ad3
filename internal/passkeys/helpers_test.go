package passkeys

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func mustUUID(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		t.Fatalf("bad UUID %q", s)
	}
	return b
}

// corruptAttestationSignature flips a bit inside attStmt.sig of a packed
// attestation, leaving everything else (and the CBOR structure) intact.
func corruptAttestationSignature(t testing.TB, credential []byte) []byte {
	t.Helper()
	return editJSON(t, credential, func(m map[string]any) {
		resp := m["response"].(map[string]any)
		raw, err := base64.RawURLEncoding.DecodeString(resp["attestationObject"].(string))
		if err != nil {
			t.Fatal(err)
		}
		// CBOR text "sig" (0x63 's' 'i' 'g') is followed by the byte string
		// header (0x58 n or 0x59 n n) and the signature itself.
		at := bytes.Index(raw, []byte{0x63, 's', 'i', 'g'})
		if at < 0 {
			t.Fatal("no attStmt.sig in the attestation object")
		}
		raw[at+4+3+8] ^= 0x01
		resp["attestationObject"] = base64.RawURLEncoding.EncodeToString(raw)
	})
}

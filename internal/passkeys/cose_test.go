package passkeys

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

func TestCOSEAlgorithm(t *testing.T) {
	t.Parallel()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	okp := func(alg int64) []byte {
		b, err := webauthncbor.Marshal(map[int]any{1: 1, 3: alg, -1: 6, -2: []byte(pub)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if alg, err := coseAlgorithm(okp(-8)); err != nil || alg != -8 {
		t.Fatalf("EdDSA key: %d, %v", alg, err)
	}
	if _, err := coseAlgorithm(okp(-7)); err == nil {
		t.Fatal("an OKP key claiming ES256 was accepted")
	}
	if _, err := coseAlgorithm([]byte{0xa0}); err == nil {
		t.Fatal("an empty COSE map was accepted")
	}
	if _, err := coseAlgorithm([]byte("garbage")); err == nil {
		t.Fatal("garbage was accepted")
	}
}

package authtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

// BenchES256Verify measures one bare ECDSA P-256 verification of a message
// shaped like an assertion's (authenticator data followed by the SHA-256 of
// the client data), hashing included: the floor under any sign-in
// benchmark, which is run beside it so the ratio comes from one run.
func BenchES256Verify(b *testing.B, origin string) {
	b.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	clientData := []byte(`{"type":"webauthn.get","challenge":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY","origin":"` +
		origin + `","crossOrigin":false}`)
	clientDataHash := sha256.Sum256(clientData)
	message := append(make([]byte, 37), clientDataHash[:]...) // rpIdHash, flags, counter
	digest := sha256.Sum256(message)
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sum := sha256.Sum256(message)
		if !ecdsa.VerifyASN1(&key.PublicKey, sum[:], sig) {
			b.Fatal("signature does not verify")
		}
	}
}

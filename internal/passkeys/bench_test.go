package passkeys

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/descope/virtualwebauthn"
)

// BenchmarkLoginFinish measures the server side of a username-first sign-in
// with an ES256 passkey — BeginLogin plus FinishLogin over the in-memory
// ports — leaving out the authenticator's signing, which a browser does.
// Compare with BenchmarkES256Verify: the signature check is the one step
// that cannot get cheaper.
func BenchmarkLoginFinish(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
	h.register("bench", d, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		assertion, err := h.svc.BeginLogin(ctx, "bench", false)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		opts, err := virtualwebauthn.ParseAssertionOptions(string(mustJSON(b, assertion)))
		if err != nil {
			b.Fatal(err)
		}
		credential := h.assert(d, opts)
		b.StartTimer()
		if _, err := h.svc.FinishLogin(ctx, "bench", credential); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkES256Verify is the floor for BenchmarkLoginFinish: one bare ECDSA
// P-256 verification of a message shaped like an assertion (authenticator
// data followed by the SHA-256 of the client data), hashing included.
func BenchmarkES256Verify(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	clientData := []byte(`{"type":"webauthn.get","challenge":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY","origin":"https://app.example.com","crossOrigin":false}`)
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

package passkeys

import (
	"context"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/authtest"
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
	authtest.BenchES256Verify(b, "https://app.example.com")
}

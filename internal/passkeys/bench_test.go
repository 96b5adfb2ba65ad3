package passkeys

import (
	"context"
	"encoding/base64"
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
		res, err := h.svc.FinishLogin(ctx, "bench", credential)
		if err != nil {
			b.Fatal(err)
		}
		// One user's sessions would otherwise pile up in the fake's index
		// (a linear list, where Redis keeps a sorted set).
		b.StopTimer()
		if err := h.svc.Logout(ctx, h.mustAuthenticate(res.Token)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkES256Verify is the floor for BenchmarkLoginFinish: one bare ECDSA
// P-256 verification of a message shaped like an assertion (authenticator
// data followed by the SHA-256 of the client data), hashing included.
func BenchmarkES256Verify(b *testing.B) {
	authtest.BenchES256Verify(b, "https://app.example.com")
}

// BenchmarkFailedSignIn compares the server's work for a failed assertion
// naming a real account's passkey with one naming a decoy's: the two must
// take about as long, or a prober could time the difference. The assertion
// is signed by a key of the prober's own, as it would be.
func BenchmarkFailedSignIn(b *testing.B) {
	for _, username := range []string{"account", "decoy"} {
		b.Run(username, func(b *testing.B) {
			h := newHarness(b)
			ctx := context.Background()
			h.register("account", newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{}), nil)
			prober := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				_, raw := h.beginLogin(username, false)
				opts, err := virtualwebauthn.ParseAssertionOptions(string(raw))
				if err != nil {
					b.Fatal(err)
				}
				prober.cred.ID, _ = base64.RawURLEncoding.DecodeString(opts.AllowCredentials[0])
				credential := h.assert(prober, opts)
				b.StartTimer()
				if _, err := h.svc.FinishLogin(ctx, username, credential); err == nil {
					b.Fatal("a prober signed in")
				}
			}
		})
	}
}

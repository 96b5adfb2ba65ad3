package passkeys

import (
	"context"
	"strconv"
	"testing"

	"github.com/descope/virtualwebauthn"
)

// BenchmarkRegisterFinish measures the server side of an ES256 passkey
// registration — BeginRegistration plus FinishRegistration over the
// in-memory ports — leaving out the key generation and the authenticator's
// signing, which happen on the client. The device sends packed self
// attestation, so the server verifies one ES256 signature (the attestation
// statement) besides parsing the CBOR attestation object and the COSE key,
// checking the client data, RP ID hash and flags, and storing the
// credential.
func BenchmarkRegisterFinish(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		username := "bench" + strconv.Itoa(i)
		i++
		b.StartTimer()
		creation, err := h.svc.BeginRegistration(ctx, username, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		opts, err := virtualwebauthn.ParseAttestationOptions(string(mustJSON(b, creation)))
		if err != nil {
			b.Fatal(err)
		}
		credential := h.attest(d, opts)
		b.StartTimer()
		if _, err := h.svc.FinishRegistration(ctx, username, credential, ""); err != nil {
			b.Fatal(err)
		}
	}
}

package passkeys

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// fakeCredentialSecretName is the SecretRepository entry holding the generated
// decoy key when none is configured.
const fakeCredentialSecretName = "webauthn_fake_credential_key"

// fakeCredentialKeyLength is the size of a generated decoy key.
const fakeCredentialKeyLength = 32

// decoyProfile is one kind of real passkey as it shows in allowCredentials:
// the length of the credential ids its provider makes and the transports it
// reports. weight is its share, in percent, of the decoys.
type decoyProfile struct {
	idLength   int
	transports []protocol.AuthenticatorTransport
	weight     int
}

// decoyProfiles follows what providers produce: Google Password Manager
// (16-byte ids), iCloud Keychain (20), Windows Hello and other platform
// authenticators (32, internal only), synced third-party managers (32) and
// security keys (64, usb and nfc). The weights add up to 100.
var decoyProfiles = []decoyProfile{
	{16, []protocol.AuthenticatorTransport{protocol.Hybrid, protocol.Internal}, 30},
	{20, []protocol.AuthenticatorTransport{protocol.Hybrid, protocol.Internal}, 25},
	{32, []protocol.AuthenticatorTransport{protocol.Internal}, 15},
	{32, []protocol.AuthenticatorTransport{protocol.Hybrid, protocol.Internal}, 15},
	{64, []protocol.AuthenticatorTransport{protocol.NFC, protocol.USB}, 15},
}

// decoyCountWeights is the share, in percent, of accounts with one, two and
// three passkeys.
var decoyCountWeights = []int{72, 21, 7}

// decoyDescriptors is the allowCredentials list sent for a username without
// passkeys. It must look like a real account's and stay the same for a
// username across calls, restarts and instances — a random answer per call
// would reveal the decoy to anyone who asks twice. Hence every choice (how
// many passkeys, each one's id length, transports and bytes) comes from an
// HMAC of the canonical username under a server secret, drawn from the
// distribution real accounts show.
func (s *Service) decoyDescriptors(ctx context.Context, canonical string) ([]protocol.CredentialDescriptor, error) {
	key, err := s.fakeCredentialKey(ctx)
	if err != nil {
		return nil, err
	}
	shape := keyedHash(key, "shape", canonical, 0)
	count := 1 + weightedChoice(shape[0], decoyCountWeights)
	out := make([]protocol.CredentialDescriptor, count)
	for i := range out {
		profile := decoyProfiles[weightedChoice(shape[1+i], profileWeights())]
		id := append(keyedHash(key, "id", canonical, 2*i), keyedHash(key, "id", canonical, 2*i+1)...)
		out[i] = protocol.CredentialDescriptor{
			Type:         protocol.PublicKeyCredentialType,
			CredentialID: id[:profile.idLength],
			Transport:    profile.transports,
		}
	}
	return out, nil
}

// keyedHash is HMAC-SHA-256(key, purpose ‖ 0 ‖ n ‖ 0 ‖ canonical username).
func keyedHash(key []byte, purpose, canonical string, n int) []byte {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s\x00%d\x00%s", purpose, n, canonical)
	return mac.Sum(nil)
}

// weightedChoice maps a byte onto weighted choices (weights in percent).
func weightedChoice(b byte, weights []int) int {
	point := int(b) * 100 / 256
	for i, w := range weights {
		if point < w {
			return i
		}
		point -= w
	}
	return len(weights) - 1
}

func profileWeights() []int {
	w := make([]int, len(decoyProfiles))
	for i, p := range decoyProfiles {
		w[i] = p.weight
	}
	return w
}

// decoyPublicKey is an ES256 key nobody holds the private half of. An
// assertion answering a decoy ceremony is checked against it, so it fails
// after the same work (parsing, client data, flags, a signature check) as a
// real account's failed assertion, and takes about as long.
func decoyPublicKey() ([]byte, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("passkeys: decoy key: %w", err)
	}
	pub, err := priv.PublicKey.Bytes() // 0x04 ‖ X ‖ Y
	if err != nil {
		return nil, fmt.Errorf("passkeys: decoy key: %w", err)
	}
	return webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: int64(webauthncose.EllipticKey), Algorithm: int64(webauthncose.AlgES256)},
		Curve:         int64(webauthncose.P256),
		XCoord:        pub[1:33],
		YCoord:        pub[33:],
	})
}

// fakeCredentialKey returns the configured key, or the shared generated one,
// fetching it once.
func (s *Service) fakeCredentialKey(ctx context.Context) ([]byte, error) {
	s.fakeKeyMu.Lock()
	defer s.fakeKeyMu.Unlock()
	if len(s.fakeKey) > 0 {
		return s.fakeKey, nil
	}
	key, err := s.secrets.Secret(ctx, fakeCredentialSecretName, func() ([]byte, error) {
		return s.randomBytes(fakeCredentialKeyLength)
	})
	if err != nil {
		return nil, err
	}
	if len(key) < minFakeCredentialKeyLength {
		return nil, fmt.Errorf("passkeys: stored %s is %d bytes, want at least %d",
			fakeCredentialSecretName, len(key), minFakeCredentialKeyLength)
	}
	s.fakeKey = key
	return key, nil
}

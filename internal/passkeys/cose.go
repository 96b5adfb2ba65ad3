package passkeys

import (
	"fmt"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// coseAlgorithm reads the algorithm from the credential's COSE key — the key
// is what the signatures will be checked with, whatever the client claimed
// elsewhere — and checks that the key itself is well formed.
func coseAlgorithm(publicKey []byte) (int64, error) {
	if _, err := webauthncose.ParsePublicKey(publicKey); err != nil {
		return 0, fmt.Errorf("parsing COSE key: %w", err)
	}
	var header webauthncose.PublicKeyData
	if err := webauthncbor.Unmarshal(publicKey, &header); err != nil {
		return 0, fmt.Errorf("reading COSE key header: %w", err)
	}
	switch webauthncose.COSEAlgorithmIdentifier(header.Algorithm) {
	case webauthncose.AlgES256, webauthncose.AlgEdDSA, webauthncose.AlgRS256:
		return header.Algorithm, nil
	default:
		return 0, fmt.Errorf("COSE algorithm %d was not offered", header.Algorithm)
	}
}

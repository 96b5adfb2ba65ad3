package authtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"fmt"

	"github.com/descope/virtualwebauthn"
)

// The two key types a Passkey can hold, named by their COSE algorithm.
const (
	ES256 = virtualwebauthn.KeyTypeEC2 // ECDSA P-256 with SHA-256, COSE -7
	RS256 = virtualwebauthn.KeyTypeRSA // RSASSA-PKCS1-v1_5 with SHA-256, COSE -257
)

// coseAlgorithm is the COSE identifier of a key type, as the packed
// attestation statement and response.publicKeyAlgorithm carry it.
func coseAlgorithm(keyType virtualwebauthn.KeyType) (int64, error) {
	switch keyType {
	case ES256:
		return -7, nil
	case RS256:
		return -257, nil
	}
	return 0, fmt.Errorf("authtest: unsupported key type %q", keyType)
}

// NewCredential returns a virtualwebauthn credential with a fresh key of the
// given type and a random 32-byte id.
//
// virtualwebauthn writes the COSE coordinates of an EC2 key with
// big.Int.Bytes, which drops leading zero bytes; go-webauthn rightly refuses
// such a key, so about one P-256 key in sixty-four would fail at random. EC2
// keys are therefore drawn until both coordinates start with a non-zero
// byte. (RSA is unaffected: a 2048-bit modulus always has its top bit set.)
func NewCredential(keyType virtualwebauthn.KeyType) virtualwebauthn.Credential {
	if keyType == ES256 {
		return virtualwebauthn.NewCredentialWithImportedKey(keyType, fullLengthP256Key())
	}
	return virtualwebauthn.NewCredential(keyType)
}

// fullLengthP256Key returns a PKCS#8 P-256 key whose X and Y both start with
// a non-zero byte.
func fullLengthP256Key() []byte {
	for {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err) // crypto/rand does not fail
		}
		point, err := key.PublicKey.Bytes() // 0x04 || X (32) || Y (32)
		if err != nil {
			panic(err)
		}
		if point[1] == 0 || point[33] == 0 {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic(err)
		}
		return der
	}
}

// subjectPublicKeyInfo is the DER public key a browser reports in
// response.publicKey (getPublicKey()).
func subjectPublicKeyInfo(key *virtualwebauthn.Key) ([]byte, error) {
	parsed, err := x509.ParsePKCS8PrivateKey(key.Data)
	if err != nil {
		return nil, fmt.Errorf("authtest: reading the private key: %w", err)
	}
	signer, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("authtest: %T has no public key", parsed)
	}
	return x509.MarshalPKIXPublicKey(signer.Public())
}

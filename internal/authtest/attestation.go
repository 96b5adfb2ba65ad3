package authtest

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// registrationResponseJSON is what PublicKeyCredential.toJSON() gives for
// navigator.credentials.create (WebAuthn L3 RegistrationResponseJSON).
type registrationResponseJSON struct {
	ID                      string          `json:"id"`
	RawID                   string          `json:"rawId"`
	Type                    string          `json:"type"`
	AuthenticatorAttachment string          `json:"authenticatorAttachment,omitempty"`
	Response                attestationJSON `json:"response"`
	ClientExtensionResults  map[string]any  `json:"clientExtensionResults"`
}

type attestationJSON struct {
	ClientDataJSON     string   `json:"clientDataJSON"`
	AttestationObject  string   `json:"attestationObject"`
	AuthenticatorData  string   `json:"authenticatorData"`
	Transports         []string `json:"transports"`
	PublicKey          string   `json:"publicKey"`
	PublicKeyAlgorithm int64    `json:"publicKeyAlgorithm"`
}

// attestationObject is the CBOR map the authenticator returns (WebAuthn
// §6.5): format, statement, authenticator data.
type attestationObject struct {
	Format    string         `cbor:"fmt"`
	Statement map[string]any `cbor:"attStmt"`
	AuthData  []byte         `cbor:"authData"`
}

// Attest answers a register/start answer the way a browser answers
// navigator.credentials.create with this passkey, and returns the
// credential JSON to send to register/finish. It records the options'
// user.id as the passkey's UserHandle. It does not refuse options whose
// excludeCredentials lists the passkey (a browser would): tests of the
// server's own duplicate check need to send it anyway.
func (p *Passkey) Attest(startAnswer []byte, tampers ...Tamper) ([]byte, error) {
	opts, err := creationOptions(startAnswer)
	if err != nil {
		return nil, err
	}
	rpID, err := rpIDFor(opts.RelyingPartyID, p.Origin)
	if err != nil {
		return nil, err
	}
	alg, err := coseAlgorithm(p.Key.Type)
	if err != nil {
		return nil, err
	}
	u := unsigned{
		clientData: clientData{Type: "webauthn.create", Challenge: b64(opts.Challenge), Origin: p.Origin},
		rpID:       rpID,
	}
	applyBefore(&u, tampers)

	coseKey := p.Key.AttestationData()
	authData := p.authenticatorData(u.rpID, true)
	authData = append(authData, p.AAGUID[:]...)
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(p.ID)))
	authData = append(authData, p.ID...)
	authData = append(authData, coseKey...)

	s, err := p.sign(u, authData)
	if err != nil {
		return nil, err
	}
	applyAfter(&s, tampers)

	object := attestationObject{Format: p.Attestation, Statement: map[string]any{}, AuthData: authData}
	switch p.Attestation {
	case "packed":
		// Self attestation: the credential's own key signs, no certificate.
		object.Statement = map[string]any{"alg": alg, "sig": s.signature}
	case "none":
	default:
		return nil, fmt.Errorf("authtest: unsupported attestation format %q", p.Attestation)
	}
	encoder, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	objectBytes, err := encoder.Marshal(object)
	if err != nil {
		return nil, fmt.Errorf("authtest: encoding the attestation object: %w", err)
	}
	spki, err := subjectPublicKeyInfo(p.Key)
	if err != nil {
		return nil, err
	}

	p.UserHandle = []byte(opts.UserID)
	extensions := map[string]any{}
	if opts.wantsCredProps && !p.OmitCredProps {
		extensions["credProps"] = map[string]bool{"rk": p.Discoverable}
	}
	transports := p.Transports
	if transports == nil {
		transports = []string{}
	}
	return json.Marshal(registrationResponseJSON{
		ID:                      b64(p.ID),
		RawID:                   b64(p.ID),
		Type:                    "public-key",
		AuthenticatorAttachment: p.Attachment,
		Response: attestationJSON{
			ClientDataJSON:     b64(s.clientDataJSON),
			AttestationObject:  b64(objectBytes),
			AuthenticatorData:  b64(authData),
			Transports:         transports,
			PublicKey:          b64(spki),
			PublicKeyAlgorithm: alg,
		},
		ClientExtensionResults: extensions,
	})
}

// authenticatorData is rpIdHash, flags and counter (WebAuthn §6.1); the
// attested credential data follows at registration.
func (p *Passkey) authenticatorData(rpID string, attestedData bool) []byte {
	rpIDHash := sha256.Sum256([]byte(rpID))
	data := append(make([]byte, 0, 37), rpIDHash[:]...)
	data = append(data, p.flags(attestedData))
	return binary.BigEndian.AppendUint32(data, p.Counter)
}

// sign writes clientDataJSON and signs authenticatorData ||
// SHA-256(clientDataJSON), as both ceremonies do.
func (p *Passkey) sign(u unsigned, authData []byte) (signed, error) {
	clientDataJSON, err := json.Marshal(u.clientData)
	if err != nil {
		return signed{}, err
	}
	clientDataHash := sha256.Sum256(clientDataJSON)
	message := append(append([]byte(nil), authData...), clientDataHash[:]...)
	digest := crypto.SHA256.New()
	digest.Write(message)
	sig, err := p.Key.Sign(digest.Sum(nil))
	if err != nil {
		return signed{}, fmt.Errorf("authtest: signing: %w", err)
	}
	return signed{clientDataJSON: clientDataJSON, signature: sig}, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

package authtest

import "encoding/json"

// authenticationResponseJSON is what PublicKeyCredential.toJSON() gives for
// navigator.credentials.get (WebAuthn L3 AuthenticationResponseJSON).
type authenticationResponseJSON struct {
	ID                      string         `json:"id"`
	RawID                   string         `json:"rawId"`
	Type                    string         `json:"type"`
	AuthenticatorAttachment string         `json:"authenticatorAttachment,omitempty"`
	Response                assertionJSON  `json:"response"`
	ClientExtensionResults  map[string]any `json:"clientExtensionResults"`
}

type assertionJSON struct {
	ClientDataJSON    string `json:"clientDataJSON"`
	AuthenticatorData string `json:"authenticatorData"`
	Signature         string `json:"signature"`
	UserHandle        string `json:"userHandle,omitempty"`
}

// Assert answers an auth/start answer the way a browser answers
// navigator.credentials.get with this passkey, and returns the credential
// JSON to send to auth/finish. It signs whatever the allow list says (a
// browser would not offer a passkey outside it): tests of the server's own
// ownership checks need that.
func (p *Passkey) Assert(startAnswer []byte, tampers ...Tamper) ([]byte, error) {
	opts, err := requestOptions(startAnswer)
	if err != nil {
		return nil, err
	}
	rpID, err := rpIDFor(opts.RelyingPartyID, p.Origin)
	if err != nil {
		return nil, err
	}
	u := unsigned{
		clientData: clientData{Type: "webauthn.get", Challenge: b64(opts.Challenge), Origin: p.Origin},
		rpID:       rpID,
	}
	applyBefore(&u, tampers)
	authData := p.authenticatorData(u.rpID, false)
	s, err := p.sign(u, authData)
	if err != nil {
		return nil, err
	}
	applyAfter(&s, tampers)
	return json.Marshal(authenticationResponseJSON{
		ID:                      b64(p.ID),
		RawID:                   b64(p.ID),
		Type:                    "public-key",
		AuthenticatorAttachment: p.Attachment,
		Response: assertionJSON{
			ClientDataJSON:    b64(s.clientDataJSON),
			AuthenticatorData: b64(authData),
			Signature:         b64(s.signature),
			UserHandle:        b64(p.UserHandle),
		},
		ClientExtensionResults: map[string]any{},
	})
}

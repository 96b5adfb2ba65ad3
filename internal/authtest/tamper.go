package authtest

// clientData is collected by the browser and signed through its hash. The
// member order is the one browsers write.
type clientData struct {
	Type        string `json:"type"`
	Challenge   string `json:"challenge"`
	Origin      string `json:"origin"`
	CrossOrigin bool   `json:"crossOrigin"`
}

// unsigned is a response before signing: a change here is signed honestly,
// so only the server's other checks can catch it.
type unsigned struct {
	clientData clientData
	rpID       string
}

// signed is a response after signing: a change here breaks the signature.
type signed struct {
	clientDataJSON []byte
	signature      []byte
}

// Tamper changes a response while it is built, to make a negative case.
type Tamper struct {
	beforeSigning func(*unsigned)
	afterSigning  func(*signed)
}

// WithOrigin signs clientDataJSON naming another origin.
func WithOrigin(origin string) Tamper {
	return Tamper{beforeSigning: func(u *unsigned) { u.clientData.Origin = origin }}
}

// WithRPID signs authenticator data carrying the hash of another RP ID.
func WithRPID(rpID string) Tamper {
	return Tamper{beforeSigning: func(u *unsigned) { u.rpID = rpID }}
}

// WithType signs clientDataJSON of another ceremony type, e.g.
// "webauthn.create" in an assertion.
func WithType(typ string) Tamper {
	return Tamper{beforeSigning: func(u *unsigned) { u.clientData.Type = typ }}
}

// WithChallenge signs clientDataJSON naming another challenge (the
// base64url string as it appears there; "" leaves it empty).
func WithChallenge(challenge string) Tamper {
	return Tamper{beforeSigning: func(u *unsigned) { u.clientData.Challenge = challenge }}
}

// TamperClientDataJSON adds a member to clientDataJSON after signing: it
// still names the ceremony's challenge, so the server finds (and consumes)
// the ceremony, but its hash no longer matches what was signed.
func TamperClientDataJSON() Tamper {
	return Tamper{afterSigning: func(s *signed) {
		// clientDataJSON always ends with the closing brace of its object.
		body := s.clientDataJSON[:len(s.clientDataJSON)-1]
		s.clientDataJSON = append(append([]byte(nil), body...), `,"tampered":true}`...)
	}}
}

// CorruptSignature flips one bit in the middle of the signature: the
// assertion's, or the packed attestation statement's (an attestation of
// format "none" carries no signature, so it is unaffected).
func CorruptSignature() Tamper {
	return Tamper{afterSigning: func(s *signed) { s.signature[len(s.signature)/2] ^= 0x01 }}
}

func applyBefore(u *unsigned, tampers []Tamper) {
	for _, t := range tampers {
		if t.beforeSigning != nil {
			t.beforeSigning(u)
		}
	}
}

func applyAfter(s *signed, tampers []Tamper) {
	for _, t := range tampers {
		if t.afterSigning != nil {
			t.afterSigning(s)
		}
	}
}

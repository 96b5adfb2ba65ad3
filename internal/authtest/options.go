package authtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/descope/virtualwebauthn"
)

// publicKeyOptions finds the {"publicKey":{…}} member of a start answer.
// It accepts movieapi's answers ({"challenge":{"publicKey":…}} from
// register/start, {"options":{"publicKey":…}} from auth/start) as well as
// the bare {"publicKey":…} object go-webauthn produces.
func publicKeyOptions(answer []byte) ([]byte, error) {
	var envelope struct {
		Challenge json.RawMessage `json:"challenge"`
		Options   json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal(answer, &envelope); err != nil {
		return nil, fmt.Errorf("authtest: start answer is not a JSON object: %w", err)
	}
	switch {
	case bytes.HasPrefix(bytes.TrimSpace(envelope.Challenge), []byte("{")):
		return envelope.Challenge, nil
	case len(envelope.Options) > 0:
		return envelope.Options, nil
	}
	return answer, nil
}

// creation is what a register/start answer asks of the browser.
type creation struct {
	*virtualwebauthn.AttestationOptions
	// wantsCredProps: the options request the credProps extension. A
	// browser reports extension outputs only for extensions requested,
	// and go-webauthn refuses any others.
	wantsCredProps bool
}

// creationOptions parses a register/start answer.
func creationOptions(answer []byte) (creation, error) {
	raw, err := publicKeyOptions(answer)
	if err != nil {
		return creation{}, err
	}
	opts, err := virtualwebauthn.ParseAttestationOptions(string(raw))
	if err != nil {
		return creation{}, fmt.Errorf("authtest: creation options: %w", err)
	}
	type requested struct {
		Extensions struct {
			CredProps bool `json:"credProps"`
		} `json:"extensions"`
	}
	var wrapped struct {
		requested
		PublicKey *requested `json:"publicKey"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return creation{}, fmt.Errorf("authtest: creation options: %w", err)
	}
	ext := wrapped.requested
	if wrapped.PublicKey != nil {
		ext = *wrapped.PublicKey
	}
	return creation{opts, ext.Extensions.CredProps}, nil
}

// requestOptions parses an auth/start answer.
func requestOptions(answer []byte) (*virtualwebauthn.AssertionOptions, error) {
	raw, err := publicKeyOptions(answer)
	if err != nil {
		return nil, err
	}
	opts, err := virtualwebauthn.ParseAssertionOptions(string(raw))
	if err != nil {
		return nil, fmt.Errorf("authtest: request options: %w", err)
	}
	return opts, nil
}

// rpIDFor is the RP ID a browser uses: the one in the options, else the
// host of the page's origin.
func rpIDFor(optionsRPID, origin string) (string, error) {
	if optionsRPID != "" {
		return optionsRPID, nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("authtest: origin %q names no host to use as RP ID", origin)
	}
	return u.Hostname(), nil
}

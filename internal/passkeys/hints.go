package passkeys

import (
	"fmt"
	"slices"

	"github.com/go-webauthn/webauthn/protocol"

	"movieapi/internal/domain"
)

// knownHints are the user-agent hints of WebAuthn Level 3 §5.8.7.
var knownHints = []protocol.PublicKeyCredentialHints{
	protocol.PublicKeyCredentialHintSecurityKey,
	protocol.PublicKeyCredentialHintClientDevice,
	protocol.PublicKeyCredentialHintHybrid,
}

// parseHints checks the hints a client asked for and keeps their order,
// which is the order of preference. Browsers ignore a hint they do not know
// and any repeat, and go-webauthn passes any string through, so a typo would
// never be noticed: an unknown hint or a repeat is refused instead (400).
// The message names the position, not the value, which may be anything.
func parseHints(raw []string) ([]protocol.PublicKeyCredentialHints, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	hints := make([]protocol.PublicKeyCredentialHints, 0, len(knownHints))
	for i, value := range raw {
		hint := protocol.PublicKeyCredentialHints(value)
		if !slices.Contains(knownHints, hint) {
			return nil, domain.Invalid(fmt.Sprintf(`hints[%d] is not one of "security-key", "client-device", "hybrid"`, i))
		}
		if slices.Contains(hints, hint) {
			return nil, domain.Invalid(fmt.Sprintf("hints[%d] repeats %q", i, value))
		}
		hints = append(hints, hint)
	}
	return hints, nil
}

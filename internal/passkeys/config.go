package passkeys

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
)

// User verification settings accepted in Config.UserVerification.
const (
	UserVerificationRequired    = "required"
	UserVerificationPreferred   = "preferred"
	UserVerificationDiscouraged = "discouraged"
)

// minFakeCredentialKeyLength keeps a configured key out of reach of guessing:
// whoever knows the key can compute the decoy credential id of any username
// and so tell decoys from real accounts.
const minFakeCredentialKeyLength = 32

// defaultReauthWindow is AXUM_WEBAUTHN_REAUTH_WINDOW_SEC's default.
const defaultReauthWindow = 5 * time.Minute

// Config is the relying-party side of the ceremonies.
type Config struct {
	RPID    string
	RPName  string
	Origins []string
	// UserVerification is "required", "preferred" or "discouraged"; empty
	// means "required", the contract's default.
	UserVerification string
	// ChallengeTTL bounds a ceremony: it is the browser timeout, the
	// server-side expiry of the library's session data and the lifetime of the
	// stored ceremony state.
	ChallengeTTL time.Duration
	// SessionTTL is a session's absolute lifetime; SessionIdle ends it
	// sooner when it goes unused that long. Zero SessionIdle means
	// SessionTTL (no separate idle timeout).
	SessionTTL  time.Duration
	SessionIdle time.Duration
	// ReauthWindow is how long a user-verified assertion on a session (its
	// sign-in, or a re-authentication) allows changes to the account's
	// passkeys. Zero means the contract's default of five minutes.
	ReauthWindow time.Duration
	// FakeCredentialKey keys the decoy credential ids. Nil means: use a random
	// key created once and kept through the SecretRepository, so every
	// instance and every restart answers the same decoy for a username.
	FakeCredentialKey []byte
}

// offeredAlgorithms is the exact list the contract asks for, in order of
// preference. The library's default list is much longer.
func offeredAlgorithms() []protocol.CredentialParameter {
	return []protocol.CredentialParameter{
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgEdDSA},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
	}
}

// validate checks the configuration and fills the default user verification.
// Its messages name the offending value, because they end up in a failed
// startup.
func (c *Config) validate() error {
	if c.UserVerification == "" {
		c.UserVerification = UserVerificationRequired
	}
	switch c.UserVerification {
	case UserVerificationRequired, UserVerificationPreferred, UserVerificationDiscouraged:
	default:
		return fmt.Errorf("passkeys: user verification %q is not one of required, preferred, discouraged", c.UserVerification)
	}
	rpID := c.RPID
	if rpID == "" || rpID != strings.ToLower(rpID) {
		return fmt.Errorf("passkeys: RP ID %q must be a non-empty lowercase host name", rpID)
	}
	if err := protocol.ValidateRPID(rpID); err != nil {
		return fmt.Errorf("passkeys: RP ID %q is not a valid domain: %w", rpID, err)
	}
	if strings.TrimSpace(c.RPName) == "" {
		return errors.New("passkeys: RP name must not be empty")
	}
	if len(c.Origins) == 0 {
		return errors.New("passkeys: at least one origin is required")
	}
	for i, origin := range c.Origins {
		normalized, err := checkOrigin(origin, rpID)
		if err != nil {
			return err
		}
		c.Origins[i] = normalized
	}
	if c.ChallengeTTL <= 0 {
		return fmt.Errorf("passkeys: challenge TTL must be positive, got %s", c.ChallengeTTL)
	}
	if c.ChallengeTTL < time.Millisecond {
		// The browser timeout is sent in whole milliseconds; below one the
		// library would silently fall back to its own default.
		return fmt.Errorf("passkeys: challenge TTL %s is below one millisecond", c.ChallengeTTL)
	}
	if c.SessionTTL <= 0 {
		return fmt.Errorf("passkeys: session TTL must be positive, got %s", c.SessionTTL)
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = c.SessionTTL
	}
	if c.ReauthWindow <= 0 {
		c.ReauthWindow = defaultReauthWindow
	}
	if len(c.FakeCredentialKey) > 0 && len(c.FakeCredentialKey) < minFakeCredentialKeyLength {
		return fmt.Errorf("passkeys: fake credential key must be at least %d bytes", minFakeCredentialKeyLength)
	}
	return nil
}

// checkOrigin accepts an http(s) origin whose host is the RP ID or one of its
// subdomains (the WebAuthn rule: a browser refuses any other pairing, so a
// mismatch would only surface later as every ceremony failing). It returns the
// origin without a trailing slash.
func checkOrigin(raw, rpID string) (string, error) {
	origin := strings.TrimSuffix(strings.TrimSpace(raw), "/")
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("passkeys: origin %q is not an http(s) URL such as https://%s", raw, rpID)
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("passkeys: origin %q must be scheme://host[:port] only", raw)
	}
	host := strings.ToLower(u.Hostname())
	if host != rpID && !strings.HasSuffix(host, "."+rpID) {
		return "", fmt.Errorf("passkeys: origin %q: host %q is neither the RP ID %q nor a subdomain of it", raw, host, rpID)
	}
	return origin, nil
}

// libraryConfig turns a validated Config into go-webauthn's configuration.
func (c *Config) libraryConfig() *webauthn.Config {
	timeout := webauthn.TimeoutConfig{Enforce: true, Timeout: c.ChallengeTTL, TimeoutUVD: c.ChallengeTTL}
	return &webauthn.Config{
		RPID:                  c.RPID,
		RPDisplayName:         c.RPName,
		RPOrigins:             append([]string(nil), c.Origins...),
		AttestationPreference: protocol.PreferNoAttestation,
		// Login takes its user verification requirement from here;
		// registration gets the same struct again through
		// WithAuthenticatorSelection, which replaces it whole.
		AuthenticatorSelection: c.authenticatorSelection(),
		Timeouts:               webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	}
}

// authenticatorSelection asks for a discoverable credential where the
// authenticator can make one (passkeys), without excluding those that cannot.
func (c *Config) authenticatorSelection() protocol.AuthenticatorSelection {
	return protocol.AuthenticatorSelection{
		RequireResidentKey: protocol.ResidentKeyNotRequired(),
		ResidentKey:        protocol.ResidentKeyRequirementPreferred,
		UserVerification:   protocol.UserVerificationRequirement(c.UserVerification),
	}
}

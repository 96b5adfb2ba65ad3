package passkeys

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"golang.org/x/net/publicsuffix"
)

// ParseRelatedOrigins checks origins as the related origins of rpID (W3C
// WebAuthn Level 3 §5.11, Related Origin Requests) and returns them
// normalised by go-webauthn (lowercase scheme and host, no default port), in
// the order given. None gives nil.
//
// A related origin is one a browser accepts for rpID only after reading the
// list at https://<rpID>/.well-known/webauthn, so:
//   - its host must not be the RP ID or one of its subdomains: those are
//     accepted directly and belong in Config.Origins, and keeping the lists
//     apart keeps the document to what it is for;
//   - it must be https, except on localhost during development (browsers
//     refuse WebAuthn on any other insecure origin);
//   - its host must be a domain name: the spec requires one for a ceremony's
//     origin, and browsers skip IP addresses in the document;
//   - listing one twice is a mistake in the setting, refused rather than
//     silently collapsed;
//   - browsers honour at most protocol.MaximumRelatedOriginLabels (5)
//     distinct registrable-domain labels and silently skip origins beyond
//     them, so a list with more is refused. go-webauthn counts them, with the
//     labels of registrableLabel.
func ParseRelatedOrigins(rpID string, origins []string) ([]string, error) {
	if len(origins) == 0 {
		return nil, nil
	}
	normalized := make([]string, 0, len(origins))
	for _, raw := range origins {
		origin, err := checkRelatedOrigin(raw, rpID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(normalized, origin) {
			return nil, fmt.Errorf("passkeys: related origin %q is listed twice", raw)
		}
		normalized = append(normalized, origin)
	}
	if _, err := protocol.NewRelatedOriginsWithLabeler(registrableLabel, normalized...); err != nil {
		return nil, fmt.Errorf("passkeys: related origins: %w", err)
	}
	return normalized, nil
}

// checkRelatedOrigin applies the rules of ParseRelatedOrigins to one origin
// and returns it normalised.
func checkRelatedOrigin(raw, rpID string) (string, error) {
	origin, host, err := parseOrigin(raw, rpID)
	if err != nil {
		return "", err
	}
	if err := protocol.ValidateRPID(host); err != nil {
		return "", fmt.Errorf("passkeys: related origin %q: host %q is not a domain name", raw, host)
	}
	if isRPIDOrSubdomain(host, rpID) {
		return "", fmt.Errorf("passkeys: related origin %q is on the RP ID %q itself: list it with the origins instead", raw, rpID)
	}
	if !strings.HasPrefix(origin, "https://") && !isLocalhost(host) {
		return "", fmt.Errorf("passkeys: related origin %q must be https (http only for localhost)", raw)
	}
	// The library's normalisation is the one its origin check and the
	// document use, so it also decides what counts as listed twice.
	one, err := protocol.NewRelatedOrigins(origin)
	if err != nil {
		return "", fmt.Errorf("passkeys: related origin %q: %w", raw, err)
	}
	return one.Origins[0], nil
}

// isLocalhost tells the hosts browsers treat as secure over http: localhost
// and its subdomains (RFC 6761 §6.3).
func isLocalhost(host string) bool {
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// registrableLabel is the label a browser counts a related origin by: the
// first label of its registrable domain (eTLD+1) by the public suffix list,
// as Chromium and Firefox take it — "example" for https://www.example.co.uk
// and for https://example.com alike. go-webauthn's default labeler takes the
// second-to-last label instead ("co"), which under-counts origins on
// multi-label suffixes and would pass a list browsers truncate. A host
// without a registrable domain (localhost) counts as a label of its own:
// browsers skip it, so this can only over-count.
func registrableLabel(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", err
	}
	host := u.Hostname()
	domain, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host, nil //nolint:nilerr // no registrable domain: the host is its own label
	}
	label, _, _ := strings.Cut(domain, ".")
	return label, nil
}

// RelatedOrigins is the list the relying party declares at
// /.well-known/webauthn: the configured related origins, normalised; nil
// when there are none.
func (s *Service) RelatedOrigins() []string {
	return slices.Clone(s.cfg.RelatedOrigins)
}

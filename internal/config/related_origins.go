package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// relatedOriginProblems checks AXUM_WEBAUTHN_RELATED_ORIGINS, origins on other
// sites that may run the ceremonies for the RP ID (WebAuthn Level 3 §5.11),
// and says what is wrong with each. The limit on how many sites browsers
// read is checked with go-webauthn by the passkeys package, before any
// backend is connected (app.Build).
func relatedOriginProblems(origins []string, rpID string) []string {
	var problems []string
	seen := make([]string, 0, len(origins))
	for _, origin := range origins {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			problems = append(problems, fmt.Sprintf("%q is not an origin URL (scheme://host[:port])", origin))
			continue
		}
		host := strings.ToLower(u.Hostname())
		switch {
		case !isDomainName(host):
			problems = append(problems, fmt.Sprintf("host of %q must be an ASCII domain name (punycode for international names), not an IP address", origin))
		case rpID != "" && (host == rpID || strings.HasSuffix(host, "."+rpID)):
			problems = append(problems, fmt.Sprintf("%q is on the RP ID %q itself: list it in AXUM_WEBAUTHN_ORIGIN", origin, rpID))
		case u.Scheme != "https" && host != "localhost" && !strings.HasSuffix(host, ".localhost"):
			problems = append(problems, fmt.Sprintf("%q must be https (http only for localhost)", origin))
		}
		key := sameOrigin(u)
		if slices.Contains(seen, key) {
			problems = append(problems, fmt.Sprintf("lists %q twice", origin))
		}
		seen = append(seen, key)
	}
	return problems
}

// sameOrigin is the form two spellings of one origin share: the host is
// case-insensitive (url.Parse lowercases the scheme) and a default port is
// no port.
func sameOrigin(u *url.URL) string {
	host := strings.ToLower(u.Host)
	switch u.Scheme {
	case "https":
		host = strings.TrimSuffix(host, ":443")
	case "http":
		host = strings.TrimSuffix(host, ":80")
	}
	return u.Scheme + "://" + host
}

package domain

import (
	"net/netip"
	"strings"
)

// ClientInfo is what an account's owner is shown about the device behind a
// session or an event: enough to recognise it, not enough to track it — the
// network, not the address, and the browser and system, not the full
// user-agent string.
type ClientInfo struct {
	IP        string // TruncateIP of the client address; "" when unknown
	UserAgent string // SummarizeUserAgent of the User-Agent header
}

// TruncateIP keeps an IPv4 address's /24 and an IPv6 address's /48 and
// zeroes the rest, so a list of sessions shows where, roughly, without
// keeping the address itself.
func TruncateIP(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap()
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// browsers and systems, in the order their tokens must be tried: several
// browsers carry "Chrome" and "Safari" in their user agent.
var (
	browsers = []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"}, {"Go-http-client/", "Go HTTP client"},
	}
	systems = []struct{ token, name string }{
		{"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"},
	}
)

// SummarizeUserAgent turns a User-Agent header into "Browser on System"
// (e.g. "Firefox on Linux"), or "Other" when it names neither. It never
// returns more than a few words of the client's text.
func SummarizeUserAgent(ua string) string {
	browser, system := "", ""
	for _, b := range browsers {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, s := range systems {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "Browser on " + system
	case strings.TrimSpace(ua) == "":
		return "Unknown"
	}
	return "Other"
}

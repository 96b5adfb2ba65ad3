package httpapi

import (
	"net/http/httptest"
	"testing"
)

// TestClientIP: the socket peer, unless it is a trusted proxy; then
// X-Forwarded-For from the right, skipping trusted hops. What a client can
// forge (the left of the list, or the header from an untrusted peer) is
// never believed.
func TestClientIP(t *testing.T) {
	trusted := ParseTrustedProxies([]string{"10.0.0.0/8", "::1"})
	for _, tc := range []struct {
		name, peer, xff, want string
	}{
		{"no proxy", "203.0.113.9:5000", "", "203.0.113.9"},
		{"untrusted peer's header ignored", "203.0.113.9:5000", "198.51.100.1", "203.0.113.9"},
		{"trusted proxy", "10.1.2.3:5000", "198.51.100.1", "198.51.100.1"},
		{"forged left-most hop", "10.1.2.3:5000", "192.0.2.66, 198.51.100.1", "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:5000", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"garbled hop stops the walk", "10.1.2.3:5000", "198.51.100.1, nonsense", "10.1.2.3"},
		{"only proxies", "10.1.2.3:5000", "10.4.4.4", "10.4.4.4"},
		{"IPv6 loopback proxy", "[::1]:5000", "2001:db8::7", "2001:db8::7"},
		{"IPv4-mapped IPv6", "[::ffff:203.0.113.9]:5000", "", "203.0.113.9"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientIP(r, trusted); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestClientKey: IPv4 clients by address, IPv6 clients by network.
func TestClientKey(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		prefix int
		want   string
	}{
		{"203.0.113.9", 64, "203.0.113.9"},
		{"2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", 64, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"},
		{"2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6"},
		{"not an address", 64, "unknown"},
	} {
		if got := clientKey(tc.ip, tc.prefix); got != tc.want {
			t.Errorf("clientKey(%q, %d) = %q, want %q", tc.ip, tc.prefix, got, tc.want)
		}
	}
}

package apitest

import (
	"fmt"
	"net"
	"testing"
)

// StartOnLocalhost serves an instance at http://localhost:PORT with the
// relying party a browser accepts there: RP ID "localhost" and exactly that
// origin. Browsers allow WebAuthn over plain HTTP only on localhost, and
// 127.0.0.1 is another origin to them, so browser tests need this address.
// The port is taken before the instance is built because the origin, which
// names the port, is part of the configuration. Options apply after the
// relying party is set, so a test can still change it.
func StartOnLocalhost(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := DefaultConfig(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on a loopback port: %v", err)
	}
	// Closed by the server on cleanup; this covers a failed build.
	t.Cleanup(func() { _ = ln.Close() })
	origin := fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	cfg.WebAuthn.RPID = "localhost"
	cfg.WebAuthn.Origins = []string{origin}
	for _, o := range opts {
		o(&cfg)
	}
	srv := serve(t, cfg, ln)
	srv.URL = origin
	return srv
}

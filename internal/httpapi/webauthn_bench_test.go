package httpapi_test

import (
	"io"
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
	"movieapi/internal/config"
)

// BenchmarkSignInHTTP is a whole username-first sign-in as a client sees it:
// auth/start and auth/finish over HTTP against the real server, PostgreSQL
// and Redis, with an ES256 passkey that keeps no counter (as synced passkeys
// do). The authenticator's signing, which happens on the user's device, is
// left out of the time. Read it against BenchmarkES256VerifyBaseline, the
// one cryptographic step the server cannot skip:
//
//	go test -run '^$' -bench 'SignInHTTP|ES256VerifyBaseline' -benchtime 2s -cpu 1 ./internal/httpapi
func BenchmarkSignInHTTP(b *testing.B) {
	// Info is the level a service under load runs at; debug would add a
	// log line per request step to the measurement.
	srv := apitest.Start(b, func(c *config.Config) { c.LogLevel = "info" })
	p := authtest.NewPasskey(authtest.ES256, srv.PageOrigin())
	authtest.Register(b, srv, "bench", p, "")
	startBody := []byte(`{"username":"bench"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		status, start, err := authtest.Post(b.Context(), srv, "/webauthn/auth/start", startBody, "")
		if err != nil || status != http.StatusOK {
			b.Fatalf("auth/start: %d %s %v", status, start, err)
		}
		b.StopTimer()
		credential, err := p.Assert(start)
		if err != nil {
			b.Fatal(err)
		}
		finish := authtest.FinishRequest("bench", credential)
		b.StartTimer()
		status, answer, err := authtest.Post(b.Context(), srv, "/webauthn/auth/finish", finish, "")
		if err != nil || status != http.StatusOK {
			b.Fatalf("auth/finish: %d %s %v", status, answer, err)
		}
	}
}

// BenchmarkES256VerifyBaseline is one bare ECDSA P-256 verification of a
// message shaped like an assertion's (authenticator data followed by the
// SHA-256 of the client data), hashing included: the floor under
// BenchmarkSignInHTTP.
func BenchmarkES256VerifyBaseline(b *testing.B) {
	authtest.BenchES256Verify(b, "http://localhost")
}

// BenchmarkBearerRoute is a Bearer-protected read as a client sees it:
// GET /webauthn/credentials with a valid token, over HTTP against the real
// server, Redis (the session) and PostgreSQL (the list). The session lookup
// is the Bearer cost every protected route pays; a use is recorded at most
// once a minute, so a run shorter than that measures the read alone, which
// is what nearly every request does.
func BenchmarkBearerRoute(b *testing.B) {
	srv := apitest.Start(b, func(c *config.Config) { c.LogLevel = "info" })
	token, _ := authtest.SignUp(b, srv, "bench")
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/webauthn/credentials", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	client := srv.HTTPClient()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET /webauthn/credentials: %d", resp.StatusCode)
		}
	}
}

package httpapi_test

import (
	"net/http"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestNoSessionOutlivesItsDeletedPasskey: sign-ins with a passkey race its
// deletion, on two instances. Once the DELETE has answered 204, no token any
// of those sign-ins received is accepted, on either instance — whichever of
// them finished first.
func TestNoSessionOutlivesItsDeletedPasskey(t *testing.T) {
	t.Parallel()
	cfg := apitest.DefaultConfig(t)
	a, b := apitest.StartWith(t, cfg), apitest.StartWith(t, cfg)
	token, _ := authtest.SignUp(t, a, "racer")
	const rounds, signIns = 12, 4
	for round := range rounds {
		doomed := newPasskey(a, authtest.ES256)
		authtest.Register(t, a, "racer", doomed, token)
		// Built first: a Passkey signs from one goroutine only.
		finishes := make([][]byte, signIns)
		for i := range finishes {
			finishes[i] = authtest.FinishRequest("racer", assert(t, doomed, startSignIn(t, a, "racer")))
		}

		var wg sync.WaitGroup
		tokens := make([]string, signIns)
		for i := range signIns {
			srv := []*apitest.Server{a, b}[i%2]
			wg.Go(func() {
				r := srv.Do(t, "POST", "/webauthn/auth/finish", finishes[i])
				switch r.Status {
				case http.StatusOK:
					var answer signInAnswer
					r.JSON(t, &answer)
					tokens[i] = answer.SessionToken
				case http.StatusUnauthorized:
				default:
					t.Errorf("round %d: sign-in racing the delete answered %d %s", round, r.Status, r.Body)
				}
			})
		}
		del := b.Do(t, "DELETE", "/webauthn/credentials/"+doomed.CredentialID(), nil, bearer(token)...)
		wg.Wait()
		if del.Status != http.StatusNoContent {
			t.Fatalf("round %d: delete answered %d %s", round, del.Status, del.Body)
		}
		for i, tok := range tokens {
			if tok == "" {
				continue
			}
			for _, srv := range []*apitest.Server{a, b} {
				if sessionWorks(t, srv, tok) {
					t.Fatalf("round %d: sign-in %d's session outlived its deleted passkey", round, i)
				}
			}
		}
	}
}

package passkeys

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/descope/virtualwebauthn"
)

// TestConcurrentCeremonies runs many ceremonies at once on one service, for
// the race detector and to show ceremonies keyed by challenge never collide.
func TestConcurrentCeremonies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const users = 8
	var wg sync.WaitGroup
	errs := make(chan error, users*4)
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("user%d", i)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			creation, err := h.svc.BeginRegistration(context.Background(), name, "", nil)
			if err != nil {
				errs <- err
				return
			}
			opts, err := virtualwebauthn.ParseAttestationOptions(string(mustJSON(t, creation)))
			if err != nil {
				errs <- err
				return
			}
			if _, err := h.svc.FinishRegistration(context.Background(), name, h.attest(d, opts), ""); err != nil {
				errs <- err
				return
			}
			for range 3 {
				assertion, err := h.svc.BeginLogin(context.Background(), name, false)
				if err != nil {
					errs <- err
					return
				}
				aopts, err := virtualwebauthn.ParseAssertionOptions(string(mustJSON(t, assertion)))
				if err != nil {
					errs <- err
					return
				}
				res, err := h.svc.FinishLogin(context.Background(), name, h.assert(d, aopts))
				if err != nil {
					errs <- err
					return
				}
				if res.Username != name {
					errs <- fmt.Errorf("%s signed in as %s", name, res.Username)
				}
				// Decoy answers share the lazily fetched key.
				if _, err := h.svc.BeginLogin(context.Background(), "ghost-"+name, false); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if m := h.metrics.snapshot(); m[0] != users || m[2] != users*3 {
		t.Fatalf("metrics = %v", m)
	}
	if got := h.store.callCount("Secret"); got != 1 {
		t.Fatalf("Secret fetched %d times", got)
	}
}

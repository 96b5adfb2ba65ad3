package passkeys

import (
	"context"
	"errors"
	"testing"

	"github.com/descope/virtualwebauthn"

	"movieapi/internal/domain"
)

// TestBackendOutagesPassThrough: whatever port call fails, the caller sees
// the port's error as it was classified: an outage stays an outage (503),
// never a verification failure or a 401; an error without a kind (a bug)
// stays without one (500), never disguised as an outage.
func TestBackendOutagesPassThrough(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Each case prepares what it needs with everything working, then breaks
	// one port method and runs one operation.
	type fixture struct {
		h      *harness
		dev    *device
		userID int64
	}
	setup := func(t *testing.T) fixture {
		h := newHarness(t)
		d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
		h.register("uma", d, nil)
		u := h.account("uma")
		return fixture{h: h, dev: d, userID: u.ID}
	}
	tests := []struct {
		method string
		run    func(t *testing.T, f fixture) error
	}{
		{"AccountByUsername", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.BeginRegistration(ctx, "victor", "", nil)
			return err
		}},
		{"PutCeremony", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.BeginRegistration(ctx, "victor", "", nil)
			return err
		}},
		{"AccountByUsername", func(t *testing.T, f fixture) error {
			s := f.h.verified(f.userID)
			_, err := f.h.svc.BeginRegistration(ctx, "uma", "", &s)
			return err
		}},
		{"AccountByUsername", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.BeginLogin(ctx, "uma", false)
			return err
		}},
		{"CredentialsByUser", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.Credentials(ctx, f.userID)
			return err
		}},
		{"TakeCeremony", func(t *testing.T, f fixture) error {
			opts, _ := f.h.beginRegistration("victor", nil)
			_, err := f.h.svc.FinishRegistration(ctx, "victor", f.h.attest(f.dev, opts), "")
			return err
		}},
		{"CreateUserWithCredential", func(t *testing.T, f fixture) error {
			opts, _ := f.h.beginRegistration("victor", nil)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			_, err := f.h.svc.FinishRegistration(ctx, "victor", f.h.attest(d, opts), "")
			return err
		}},
		{"AddCredential", func(t *testing.T, f fixture) error {
			s := f.h.signedIn("uma", f.dev)
			opts, _ := f.h.beginRegistration("uma", &s)
			d := newDevice(virtualwebauthn.KeyTypeEC2, virtualwebauthn.AuthenticatorOptions{})
			_, err := f.h.svc.FinishRegistration(ctx, "uma", f.h.attest(d, opts), "")
			return err
		}},
		{"Secret", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.BeginLogin(ctx, "ghost", false)
			return err
		}},
		{"CredentialWithOwner", func(t *testing.T, f fixture) error {
			_, err := f.h.login("uma", f.dev)
			return err
		}},
		{"CredentialWithOwner", func(t *testing.T, f fixture) error {
			opts, _ := f.h.beginLogin("", false)
			_, err := f.h.svc.FinishLogin(ctx, "", f.h.assert(f.dev, opts))
			return err
		}},
		{"RecordLogin", func(t *testing.T, f fixture) error {
			_, err := f.h.login("uma", f.dev)
			return err
		}},
		{"MarkCloneWarning", func(t *testing.T, f fixture) error {
			f.dev.cred.Counter = 3
			f.h.mustLogin("uma", f.dev)
			_, err := f.h.login("uma", f.dev) // same counter again
			return err
		}},
		{"CreateSession", func(t *testing.T, f fixture) error {
			_, err := f.h.login("uma", f.dev)
			return err
		}},
		{"RenameCredential", func(t *testing.T, f fixture) error {
			_, err := f.h.svc.RenameCredential(ctx, f.userID, f.dev.cred.ID, "new")
			return err
		}},
		{"DeleteCredential", func(t *testing.T, f fixture) error {
			return f.h.svc.DeleteCredential(ctx, f.h.verified(f.userID), f.dev.cred.ID)
		}},
	}
	bug := errors.New("driver: relation \"movis\" does not exist")
	for _, failure := range []struct {
		name string
		err  error
		want error // the kind the caller sees; nil: none, a bug (500)
	}{{"outage", errOutage, domain.ErrUnavailable}, {"bug", bug, nil}} {
		for _, tt := range tests {
			t.Run(failure.name+"/"+tt.method, func(t *testing.T) {
				t.Parallel()
				f := setup(t)
				f.h.store.failOn(tt.method, failure.err)
				err := tt.run(t, f)
				if got := domain.KindOf(err); err == nil || !errors.Is(got, failure.want) || (got == nil) != (failure.want == nil) {
					t.Fatalf("err = %v of kind %v, want kind %v", err, got, failure.want)
				}
				if !errors.Is(err, failure.err) {
					t.Fatalf("the port's error is lost: %v", err)
				}
				if f.h.store.callCount(tt.method) == 0 {
					t.Fatalf("%s was never called: the case tests nothing", tt.method)
				}
			})
		}
	}
}

func TestFailedSecretFetchIsNotCached(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.store.failOn("Secret", errOutage)
	if _, err := h.svc.BeginLogin(context.Background(), "ghost", false); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	h.store.failOn("Secret", nil)
	h.beginLogin("ghost", false)
	h.beginLogin("ghost", false)
	if got := h.store.callCount("Secret"); got != 2 {
		t.Fatalf("Secret calls = %d, want 2 (the failed one and one success)", got)
	}
}

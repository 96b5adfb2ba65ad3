package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestReplayedCounterEndToEnd: a counter that did not advance answers the
// one 401, flags the credential in PostgreSQL, is counted in
// webauthn_clone_warnings_total and logged (the rule itself is the
// domain's, tested there).
func TestReplayedCounterEndToEnd(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "max", p, "")
	p.Counter = 7
	if r := finishSignIn(t, srv, "max", assert(t, p, startSignIn(t, srv, "max"))); r.Status != http.StatusOK {
		t.Fatalf("first sign-in: %d %s", r.Status, r.Body)
	}
	wantError(t, finishSignIn(t, srv, "max", assert(t, p, startSignIn(t, srv, "max"))), http.StatusUnauthorized, "authentication failed")
	if row := credentialRow(t, db, p); row.SignCount != 7 || !row.CloneWarning {
		t.Fatalf("stored counter %d, clone_warning %t; want 7 and flagged", row.SignCount, row.CloneWarning)
	}
	if got := srv.Metric(t, "webauthn_clone_warnings_total"); got != 1 {
		t.Fatalf("webauthn_clone_warnings_total %v, want 1", got)
	}
	if !strings.Contains(srv.Log.String(), "possible cloned authenticator") {
		t.Fatal("the counter regression was not logged")
	}
}

// TestConcurrentSignInsWithOneCounterValue: twenty ceremonies, each signed
// with the same next counter value, finished at once. The compare-and-store
// of the counter is atomic, so exactly one wins; the others look like a
// cloned authenticator.
func TestConcurrentSignInsWithOneCounterValue(t *testing.T) {
	t.Parallel()
	const n = 20
	srv := apitest.Start(t)
	db := database(t, srv)
	p := newPasskey(srv, authtest.ES256)
	p.Counter = 5
	authtest.Register(t, srv, "nia", p, "")

	p.Counter = 6
	assertions := make([][]byte, n)
	for i := range assertions {
		assertions[i] = assert(t, p, startSignIn(t, srv, "nia"))
	}
	statuses := finishAllAtOnce(t, srv, "nia", assertions)
	if statuses[http.StatusOK] != 1 || statuses[http.StatusUnauthorized] != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 401", statuses, n-1)
	}
	if row := credentialRow(t, db, p); row.SignCount != 6 || !row.CloneWarning {
		t.Fatalf("stored counter %d, clone_warning %v; want 6 and true", row.SignCount, row.CloneWarning)
	}
	if got := srv.Metric(t, "webauthn_clone_warnings_total"); got != n-1 {
		t.Fatalf("webauthn_clone_warnings_total %v, want %d", got, n-1)
	}
	if got := srv.Metric(t, "sessions_created_total"); got != 1 {
		t.Fatalf("sessions_created_total %v, want 1", got)
	}
}

// TestSameAssertionSentConcurrently: one assertion sent twenty times at
// once. The challenge is taken with GETDEL, so exactly one finish finds it.
func TestSameAssertionSentConcurrently(t *testing.T) {
	t.Parallel()
	const n = 20
	srv := apitest.Start(t)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "oli", p, "")
	assertion := assert(t, p, startSignIn(t, srv, "oli"))
	assertions := make([][]byte, n)
	for i := range assertions {
		assertions[i] = assertion
	}
	statuses := finishAllAtOnce(t, srv, "oli", assertions)
	if statuses[http.StatusOK] != 1 || statuses[http.StatusBadRequest] != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 400", statuses, n-1)
	}
}

// finishAllAtOnce sends every assertion to auth/finish concurrently, all
// released together, and counts the statuses.
func finishAllAtOnce(t *testing.T, srv *apitest.Server, username string, assertions [][]byte) map[int]int {
	t.Helper()
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		ready    sync.WaitGroup
		done     sync.WaitGroup
		release  = make(chan struct{})
	)
	for _, a := range assertions {
		ready.Add(1)
		done.Go(func() {
			body := authtest.FinishRequest(username, a)
			ready.Done()
			<-release
			// authtest.Post reports transport errors instead of failing
			// the test: t.Fatal may only be called from the test's
			// goroutine.
			status, _, err := authtest.Post(t.Context(), srv, "/webauthn/auth/finish", body, "")
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	return statuses
}

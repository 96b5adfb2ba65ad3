package httpapi_test

import (
	"net/http"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestPasskeyMetrics: each finish counts once, as a success or a failure,
// and each session created is counted.
func TestPasskeyMetrics(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	metrics := []string{
		`webauthn_registrations_total{result="success"}`,
		`webauthn_registrations_total{result="failure"}`,
		`webauthn_authentications_total{result="success"}`,
		`webauthn_authentications_total{result="failure"}`,
		`sessions_created_total`,
		`webauthn_clone_warnings_total`,
	}
	want := make([]float64, len(metrics))
	check := func(step string) {
		t.Helper()
		for i, m := range metrics {
			if got := srv.Metric(t, m); got != want[i] {
				t.Errorf("after %s: %s = %v, want %v", step, m, got, want[i])
			}
		}
	}
	check("start")

	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "kai", p, "")
	want[0]++
	check("a registration")

	r := finishRegistration(t, srv, "lou", attest(t, newPasskey(srv, authtest.ES256), startRegistration(t, srv, "lou", ""), authtest.CorruptSignature()), "")
	wantError(t, r, http.StatusBadRequest, "credential verification failed")
	want[1]++
	check("a refused registration")

	authtest.SignIn(t, srv, "kai", p)
	want[2]++
	want[4]++
	check("a sign-in")

	wantError(t, finishSignIn(t, srv, "kai", assert(t, p, startSignIn(t, srv, "kai"), authtest.CorruptSignature())),
		http.StatusUnauthorized, "authentication failed")
	want[3]++
	check("a refused sign-in")

	wantChallengeNotFound(t, finishSignIn(t, srv, "kai", []byte(`{}`)))
	want[3]++
	check("a sign-in without a challenge")

	authtest.SignIn(t, srv, "kai", p)
	want[2]++
	want[4]++
	check("a second sign-in")

	// Starting ceremonies counts nothing.
	startSignIn(t, srv, "kai")
	startRegistration(t, srv, "mo", "")
	check("starts")
}

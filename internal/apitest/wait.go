package apitest

import (
	"testing"
	"time"
)

// recoveryDeadline bounds how long WaitFor polls. It only stops a test that
// would otherwise hang; passing never depends on how fast things are.
const recoveryDeadline = 20 * time.Second

// WaitFor polls cond until it holds, failing the test if it still does not
// after recoveryDeadline.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(recoveryDeadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %v", what, recoveryDeadline)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

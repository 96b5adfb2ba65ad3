package passkeys

import "sync"

// fakeMetrics counts what the passkey flows report.
type fakeMetrics struct {
	mu                               sync.Mutex
	regOK, regFail, authOK, authFail int
	cloneWarnings, sessionsCreated   int
}

var _ Metrics = (*fakeMetrics)(nil)

func (f *fakeMetrics) CloneWarning()          { f.add(&f.cloneWarnings) }
func (f *fakeMetrics) SessionCreated()        { f.add(&f.sessionsCreated) }
func (f *fakeMetrics) Registration(ok bool)   { f.add(pick(ok, &f.regOK, &f.regFail)) }
func (f *fakeMetrics) Authentication(ok bool) { f.add(pick(ok, &f.authOK, &f.authFail)) }

func pick(ok bool, yes, no *int) *int {
	if ok {
		return yes
	}
	return no
}

func (f *fakeMetrics) add(n *int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*n++
}

// snapshot returns the counters as {regOK, regFail, authOK, authFail, clone, sessions}.
func (f *fakeMetrics) snapshot() [6]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return [6]int{f.regOK, f.regFail, f.authOK, f.authFail, f.cloneWarnings, f.sessionsCreated}
}

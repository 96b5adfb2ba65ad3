package fleettest

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"movieapi/internal/loadtest"
)

// loadSources is how many client IPs (127.0.1.0, 127.0.1.1, …) the load
// through HAProxy comes from, one node each; every worker goes round them.
// The ceremony budget is per client, and a load that must all succeed
// must never spend one: with this many sources a client would need a
// fleet answering tens of thousands of ceremonies a minute to run out,
// far beyond what one test machine drives (four sources ran out on a
// quiet two-core machine).
const loadSources = 64

func (f *fleet) loadNodes(t *testing.T) []*node {
	var nodes []*node
	for i := range loadSources {
		nodes = append(nodes, f.viaBalancer(t, fmt.Sprintf("127.0.1.%d", i)))
	}
	return nodes
}

// rollingRestart stops each instance with SIGTERM and starts it again, one
// after the other, under steady reads, writes and sign-ins through
// HAProxy: the drain delay takes each out of rotation before it stops
// accepting, so not one request fails, and no acknowledged write is lost.
func rollingRestart(t *testing.T, f *fleet) {
	l := startLoad(t, f.loadNodes(t))
	l.waitStrict(t, answersBefore)
	started := time.Now()
	for _, inst := range f.instances {
		began := time.Now()
		if !inst.stop(t, syscall.SIGTERM) {
			t.Errorf("%s did not exit cleanly after SIGTERM:\n%s", inst.name, inst.logTail())
		}
		stopped := time.Since(began)
		inst.start(t)
		f.waitInRotation(t, inst)
		t.Logf("%s %s: drained and stopped in %s, back in rotation %s after SIGTERM",
			measuredMarker, inst.name, stopped.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
		l.waitStrict(t, answersBefore/2)
	}
	l.finish()
	l.fails.Report(t)
	t.Logf("%s rolling restart of %d instances under load: %d answers in %s, %d failed",
		measuredMarker, fleetSize, l.answers.Load(), time.Since(started).Round(time.Millisecond), l.fails.Total())
	checkWrites(t, f, l)
}

// instanceKilled SIGKILLs one instance under load. The requests it had in
// flight may fail (counted and reported); HAProxy takes it out of rotation
// and every later request succeeds; no acknowledged write is lost.
func instanceKilled(t *testing.T, f *fleet) {
	victim := f.instances[1]
	l := startLoad(t, f.loadNodes(t))
	l.waitStrict(t, answersBefore)
	l.setPolicy(instanceLost)
	killed := time.Now()
	victim.stop(t, syscall.SIGKILL)
	waitFor(t, "HAProxy to take "+victim.name+" out", func() bool { return !f.lb.ServerUp("movieapi", victim.name) })
	out := time.Since(killed)
	l.setPolicy(allSucceed)
	l.waitStrict(t, answersAfter)
	l.finish()
	l.fails.Report(t)
	t.Logf("%s %s SIGKILLed under load: %s; out of rotation after %s; %d answers",
		measuredMarker, victim.name, l.outage.summary(killed), out.Round(time.Millisecond), l.answers.Load())
	checkWrites(t, f, l)
	victim.start(t)
	f.waitInRotation(t, victim)
}

// checkWrites: every acknowledged movie write is in PostgreSQL, every
// acknowledged session works.
func checkWrites(t *testing.T, f *fleet, l *mixedLoad) {
	t.Helper()
	movies := l.ledger.Verify(t, f.databaseURL, loadtest.OwnRows)
	sessions := l.checkSessions(t, f.viaBalancer(t, "127.0.0.20"))
	t.Logf("%s acknowledged writes checked: %d movies, %d sessions", measuredMarker, movies, sessions)
}

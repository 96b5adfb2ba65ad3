package faulttest

import (
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
)

// phaseAnswers bounds each phase of an outage by a number of answers, not by
// time.
type phaseAnswers struct{ up, down, recovered int64 }

// runOutage serves cfg under load through a whole outage of one backend:
// up, fault, down, restart, recovered. Each phase is judged strictly for
// the requests that start and end inside it; the load is returned for the
// caller's checks of what was stored.
func runOutage(t *testing.T, cfg config.Config, b backend, answers phaseAnswers, fault, restart func()) *load {
	t.Helper()
	var l *load
	t.Run("load", func(t *testing.T) {
		l = startLoad(t, apitest.StartWith(t, cfg), b)
		l.waitStrict(t, phaseUp, answers.up)

		l.enter(phaseFaulting)
		fault()
		l.enter(phaseDown)
		l.waitStrict(t, phaseDown, answers.down)

		l.enter(phaseRestarting)
		restart()
		l.waitRecovery(t)
		l.enter(phaseRecovered)
		l.waitStrict(t, phaseRecovered, answers.recovered)

		l.finish()
		t.Log(l.summary())
		l.fails.Report(t)
	})
	if l == nil {
		t.Fatal("the load did not start")
	}
	return l
}

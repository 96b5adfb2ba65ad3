package fleettest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"movieapi/internal/loadtest"
)

// Answers to wait for before a fault and after recovery: they bound the
// load by count, not by time.
const answersBefore, answersAfter = 200, 200

// redisFailover runs the mixed load on nodes, SIGKILLs the Redis primary
// (kill), waits for the engine to promote its replica (promoted) and for
// every kind of request to succeed again, without touching the service.
// Movie routes must succeed throughout, passkey routes may answer 503
// meanwhile; no acknowledged write may be lost. It logs what clients saw.
func redisFailover(t *testing.T, engine, databaseURL string, nodes []*node, kill, promoted func()) {
	l := startLoad(t, nodes)
	l.waitStrict(t, answersBefore)

	l.setPolicy(redisSwitch)
	killed := time.Now()
	kill()
	promoted()
	promotion := time.Since(killed)
	recovered := l.waitRecovered(t).Sub(killed)
	cacheBack(t, nodes)
	l.setPolicy(allSucceed)
	l.waitStrict(t, answersAfter)
	l.finish()
	l.fails.Report(t)
	t.Logf("%s %s: primary SIGKILLed under load: %s; replica promoted after %s; every request kind succeeded again %s after the kill; %d stale movie reads before the writers' cache repairs; %d answers",
		measuredMarker, engine, l.outage.summary(killed), promotion.Round(time.Millisecond),
		recovered.Round(time.Millisecond), l.staleReads.Load(), l.answers.Load())

	movies := l.ledger.Verify(t, databaseURL, loadtest.OwnRows)
	sessions := l.checkSessions(t, nodes[0])
	t.Logf("%s %s: acknowledged writes checked after the failover: %d movies, %d sessions", measuredMarker, engine, movies, sessions)
}

// cacheBack waits until every instance has answered a movie read from the
// cache again (hit or miss, not error): its cache repairs are done by
// then, since the first cache call that succeeds makes them before it
// returns (movies.repairs).
func cacheBack(t *testing.T, nodes []*node) {
	t.Helper()
	for _, n := range nodes {
		before := cacheAnswers(t, n)
		waitFor(t, n.name+" to read from the cache again", func() bool { return cacheAnswers(t, n) > before })
	}
}

// cacheAnswers is the instance's count of cache lookups that Redis
// answered (movie_cache_requests_total hit + miss).
func cacheAnswers(t *testing.T, n *node) float64 {
	t.Helper()
	a := n.must(t, http.StatusOK, "GET", "/metrics", nil)
	var sum float64
	for _, line := range strings.Split(string(a.body), "\n") {
		for _, series := range []string{`movie_cache_requests_total{result="hit"} `, `movie_cache_requests_total{result="miss"} `} {
			if v, ok := strings.CutPrefix(line, series); ok {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					t.Fatalf("%s: %q", series, line)
				}
				sum += f
			}
		}
	}
	return sum
}

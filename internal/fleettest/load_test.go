package fleettest

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"movieapi/internal/authtest"
	"movieapi/internal/domain"
)

// policy is what the load accepts from an answer.
type policy int32

const (
	// allSucceed: every request must succeed.
	allSucceed policy = iota
	// redisSwitch: Redis is failing over. Movie routes never need Redis
	// and must still succeed; passkey routes may answer the contract's 503.
	redisSwitch
	// instanceLost: an instance died with requests in flight; those may
	// fail in any way. Counted and reported, not judged.
	instanceLost
)

// kind is one request of the mixed load.
type kind int

const (
	kindAdd kind = iota
	kindPut
	kindGet
	kindSignInStart
	kindSignInFinish
	kindSession
	kindCount
)

var kindNames = [kindCount]string{"POST /movies/add", "PUT /movies/update", "GET /movies/get",
	"POST /webauthn/auth/start", "POST /webauthn/auth/finish", "GET /webauthn/credentials"}

// needsRedis: ceremony state and sessions live in Redis; movies do not.
func (k kind) needsRedis() bool { return k >= kindSignInStart }

// loadWorkers is small: the machine the suite runs on may have two cores.
const loadWorkers = 4

// mixedLoad drives movie writes and reads, sign-ins and session lookups at
// nodes from a few workers, each with its own account, judging every answer
// by the policy in force when it started and when it ended (the more
// lenient wins: a request that overlapped a fault may have met it).
type mixedLoad struct {
	nodes  []*node
	policy atomic.Int32

	ledger *ledger
	fails  failures
	tokens sync.Map // session token → struct{}: sign-ins that answered 200

	answers    atomic.Int64
	staleReads atomic.Int64           // during a Redis switch, before the repairs
	strict     atomic.Int64           // answers judged under allSucceed
	succeeded  [kindCount]atomic.Bool // a success of the kind since watchRecovery
	outage     outage
	stop, done chan struct{}
}

// startLoad registers one account per worker (through the first node) and
// starts the workers; the test must call finish (a cleanup also does).
func startLoad(t *testing.T, workers []*node) *mixedLoad {
	t.Helper()
	l := &mixedLoad{nodes: workers, ledger: newLedger(), stop: make(chan struct{}), done: make(chan struct{})}
	var wg sync.WaitGroup
	for w := range loadWorkers {
		user := fmt.Sprintf("load-%d-%s", w, randomName())
		p := authtest.NewPasskey(authtest.ES256, pageOrigin)
		register(t, workers[w%len(workers)], workers[(w+1)%len(workers)], user, p, "")
		wg.Go(func() { l.worker(w, user, p) })
	}
	go func() { wg.Wait(); close(l.done) }()
	t.Cleanup(l.finish)
	return l
}

// setPolicy changes what the load accepts from now on.
func (l *mixedLoad) setPolicy(p policy) { l.policy.Store(int32(p)) }

// waitStrict waits for n more answers judged under allSucceed.
func (l *mixedLoad) waitStrict(t *testing.T, n int64) {
	t.Helper()
	target := l.strict.Load() + n
	waitFor(t, fmt.Sprintf("%d answers that must all succeed", n), func() bool { return l.strict.Load() >= target })
}

// waitRecovered waits until every kind of request has succeeded since the
// call, and returns when that was.
func (l *mixedLoad) waitRecovered(t *testing.T) time.Time {
	t.Helper()
	for k := range kindCount {
		l.succeeded[k].Store(false)
	}
	waitFor(t, "every kind of request to succeed again", func() bool {
		for k := range kindCount {
			if !l.succeeded[k].Load() {
				return false
			}
		}
		return true
	})
	return time.Now()
}

// finish stops the workers and waits for them.
func (l *mixedLoad) finish() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

func (l *mixedLoad) worker(w int, user string, p *authtest.Passkey) {
	token := ""
	for i := 0; ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		at := func(step int) *node { return l.nodes[(w+i+step)%len(l.nodes)] }
		m := domain.Movie{Title: fmt.Sprintf("Load %d %d %s", w, i, randomName()), Year: 2000 + i%20, Stars: float64(i % 5)}
		if l.write(at(0), kindAdd, m) {
			m.Stars += 0.5
			l.write(at(1), kindPut, m)
			l.read(at(2), m.ID())
		}
		if t := l.signIn(at(3), at(4), user, p); t != "" {
			token = t
		}
		if token != "" {
			l.send(at(5), kindSession, "GET", "/webauthn/credentials", nil, bearer(token)...)
		}
	}
}

// send makes one request and judges it.
func (l *mixedLoad) send(n *node, k kind, method, path string, body []byte, headers ...string) answer {
	before := policy(l.policy.Load())
	a := n.do(method, path, body, headers...)
	p := max(before, policy(l.policy.Load()))
	l.answers.Add(1)
	ok := a.err == nil && a.status == successOf(k)
	switch {
	case p == allSucceed:
		l.strict.Add(1)
		if !ok {
			l.fails.add("%s via %s (all must succeed): %s", kindNames[k], n.name, a)
		}
	case p == redisSwitch && !ok && (!k.needsRedis() || !a.isUnavailable()):
		l.fails.add("%s via %s while Redis failed over: %s (only passkey routes may answer the contract's 503)",
			kindNames[k], n.name, a)
	}
	if ok {
		l.succeeded[k].Store(true)
	} else {
		l.outage.record(a)
	}
	l.outage.observe(a, p != allSucceed)
	return a
}

func successOf(k kind) int {
	if k == kindAdd {
		return http.StatusCreated
	}
	return http.StatusOK
}

// write adds or overwrites m and records the outcome; it reports whether
// the service acknowledged it.
func (l *mixedLoad) write(n *node, k kind, m domain.Movie) bool {
	var a answer
	if k == kindAdd {
		a = l.send(n, k, "POST", "/movies/add", mustJSON(m))
	} else {
		a = l.send(n, k, "PUT", "/movies/update/"+m.ID(), mustJSON(m))
	}
	acked := a.err == nil && a.status == successOf(k)
	l.ledger.record(m, acked)
	return acked
}

// read checks that a movie reads as what was last acknowledged (or a later
// write that got no answer): never an older value, on any node.
func (l *mixedLoad) read(n *node, id string) {
	a := l.send(n, kindGet, "GET", "/movies/get/"+id, nil)
	if a.err != nil || a.status != http.StatusOK {
		return
	}
	problem, stale := l.ledger.checkRead(id, a.body)
	switch {
	case problem == "":
	case stale && policy(l.policy.Load()) == redisSwitch:
		// A write answered while the primary was unreachable could not
		// update the cache; until its instance repairs the entry, the
		// promoted replica serves the value from before (movies.repairs).
		l.staleReads.Add(1)
	default:
		l.fails.add("GET via %s: %s", n.name, problem)
	}
}

// signIn begins a sign-in on one node and finishes it on another; it
// returns the session token, or "" when either step failed.
func (l *mixedLoad) signIn(begin, finish *node, user string, p *authtest.Passkey) string {
	start := l.send(begin, kindSignInStart, "POST", "/webauthn/auth/start", mustJSON(map[string]string{"username": user}))
	if start.err != nil || start.status != http.StatusOK {
		return ""
	}
	assertion, err := p.Assert(start.body)
	if err != nil {
		l.fails.add("assert: %v", err)
		return ""
	}
	done := l.send(finish, kindSignInFinish, "POST", "/webauthn/auth/finish", authtest.FinishRequest(user, assertion))
	var body struct {
		SessionToken string `json:"session_token"`
	}
	if done.err != nil || done.status != http.StatusOK || jsonInto(done.body, &body) != nil || body.SessionToken == "" {
		return ""
	}
	l.tokens.Store(body.SessionToken, struct{}{})
	return body.SessionToken
}

// checkSessions asks n for every session the load was given: none may
// have been lost.
func (l *mixedLoad) checkSessions(t *testing.T, n *node) int {
	t.Helper()
	count, lost := 0, 0
	l.tokens.Range(func(token, _ any) bool {
		count++
		if a := n.do("GET", "/webauthn/credentials", nil, bearer(token.(string))...); a.err != nil || a.status != http.StatusOK {
			lost++
			if lost <= 5 {
				t.Errorf("an acknowledged session no longer works: %s", a)
			}
		}
		return true
	})
	if lost > 0 {
		t.Errorf("%d of %d acknowledged sessions lost", lost, count)
	}
	return count
}

// waitFor polls cond every 20 ms, failing the test after hangBound × 3
// (which only stops a hang).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * hangBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

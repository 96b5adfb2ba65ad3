package fleettest

import (
	"fmt"
	"movieapi/internal/loadtest"
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

	ledger *loadtest.Ledger
	fails  loadtest.Failures
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
	l := &mixedLoad{nodes: workers, ledger: loadtest.NewLedger(), stop: make(chan struct{}), done: make(chan struct{})}
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

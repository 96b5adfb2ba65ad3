package faulttest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"movieapi/internal/loadtest"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/domain"
)

// phase is where an outage stands. A request is judged strictly only when
// it started and ended in the same steady phase (up, down, recovered); one
// that overlapped a transition may have either outcome.
type phase int32

const (
	phaseUp         phase = iota // every request must succeed
	phaseFaulting                // the fault is being injected
	phaseDown                    // what needs the backend must answer 503
	phaseRestarting              // the backend is starting; the service reconnecting
	phaseRecovered               // every request must succeed again
	phaseCount
)

func (p phase) String() string {
	return [...]string{"up", "faulting", "down", "restarting", "recovered"}[p]
}

// backend is the store a test takes down.
type backend int

const (
	postgresBackend backend = iota
	redisBackend
)

// use says how a request depends on a backend.
type use int

const (
	never use = iota // served without it (Redis: the cache is optional)
	may              // needs it unless the cache answers
	must             // cannot be served without it
)

// requestKind is one of the requests of the mixed load.
type requestKind int

const (
	kindAdd requestKind = iota
	kindOverwrite
	kindUpsertNew
	kindGet
	kindSignInDiscoverable
	kindSignInUsername
	kindCount
)

// kinds describes each request: its success status and what it needs
// (contract §6 and §7, docs/architecture.md "Failure behaviour").
var kinds = [kindCount]struct {
	name            string
	success         int
	postgres, redis use
}{
	kindAdd:                {"POST /movies/add", http.StatusCreated, must, never},
	kindOverwrite:          {"PUT /movies/update (existing)", http.StatusOK, must, never},
	kindUpsertNew:          {"PUT /movies/update (new)", http.StatusOK, must, never},
	kindGet:                {"GET /movies/get", http.StatusOK, may, never},
	kindSignInDiscoverable: {"POST /webauthn/auth/start {}", http.StatusOK, never, must},
	kindSignInUsername:     {"POST /webauthn/auth/start {username}", http.StatusOK, must, must},
}

// Bounds of the load: a few workers, and a ceiling on iterations so that a
// test that goes wrong still ends.
const (
	loadWorkers       = 4
	loadMaxIterations = 2000
)

// load is a steady mixed load on one instance while a backend is taken
// down and brought back. Every answer is checked as it arrives.
type load struct {
	c      *client
	fault  backend
	ledger *loadtest.Ledger
	fails  *loadtest.Failures

	phase   atomic.Int32
	strict  [phaseCount]atomic.Int64 // answers judged strictly, per phase
	succeed [kindCount]atomic.Bool   // a success of the kind since waitRecovery began
	total   atomic.Int64             // every answer
	stop    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
}

// startLoad starts the workers against srv; fault is the backend the test
// will take down.
func startLoad(t *testing.T, srv *apitest.Server, fault backend) *load {
	l := &load{
		c: newClient(t, srv), fault: fault, ledger: loadtest.NewLedger(), fails: &loadtest.Failures{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	l.wg.Add(loadWorkers)
	for w := range loadWorkers {
		go l.worker(w)
	}
	go func() { l.wg.Wait(); close(l.done) }()
	// A test that fails half-way must not leave workers running.
	t.Cleanup(l.finish)
	return l
}

// enter moves the load to phase p.
func (l *load) enter(p phase) { l.phase.Store(int32(p)) }

// waitStrict waits until n answers were judged strictly in phase p.
func (l *load) waitStrict(t *testing.T, p phase, n int64) {
	t.Helper()
	apitest.WaitFor(t, fmt.Sprintf("%d answers in phase %s", n, p), func() bool {
		select {
		case <-l.done:
			t.Fatalf("the load ended (after %d iterations per worker) before %d answers in phase %s",
				loadMaxIterations, n, p)
		default:
		}
		return l.strict[p].Load() >= n
	})
}

// waitRecovery waits until every kind of request has succeeded since the
// backend came back.
func (l *load) waitRecovery(t *testing.T) {
	t.Helper()
	for k := range kindCount {
		l.succeed[k].Store(false)
	}
	apitest.WaitFor(t, "every kind of request to succeed again", func() bool {
		for k := range kindCount {
			if !l.succeed[k].Load() {
				return false
			}
		}
		return true
	})
}

// finish stops the workers and waits for them.
func (l *load) finish() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

func (l *load) worker(w int) {
	defer l.wg.Done()
	var mine []string // ids this worker has written with a confirmed answer
	signIn := mustJSON(map[string]string{"username": fmt.Sprintf("load-user-%d", w)})
	for i := range loadMaxIterations {
		select {
		case <-l.stop:
			return
		default:
		}
		m := domain.Movie{Title: fmt.Sprintf("Load w%d n%d", w, i), Year: 2000, Stars: float64(i%5) + 0.5}
		id := m.ID()
		if l.write(kindAdd, id, m) {
			mine = append(mine, id)
			m.Stars = 5 - m.Stars
			l.write(kindOverwrite, id, m)
		}
		fresh := domain.Movie{Title: fmt.Sprintf("Upsert w%d n%d", w, i), Year: 2001, Stars: 2.5}
		if freshID := randomMovieID(); l.write(kindUpsertNew, freshID, fresh) {
			mine = append(mine, freshID)
		}
		if len(mine) > 0 {
			l.read(mine[i%len(mine)])
		}
		l.signIn(kindSignInDiscoverable, []byte(`{}`))
		l.signIn(kindSignInUsername, signIn)
	}
}

// send makes one request of kind k and judges its status by the phase.
func (l *load) send(k requestKind, method, path string, body []byte) answer {
	start := phase(l.phase.Load())
	a := l.c.do(method, path, body)
	end := phase(l.phase.Load())
	l.total.Add(1)
	what := fmt.Sprintf("%s [%s→%s]", kinds[k].name, start, end)
	switch {
	case a.err != nil:
		l.fails.Add("%s: no answer: %v", what, a.err)
		return a
	case a.status >= 500 && !a.isUnavailable():
		l.fails.Add("%s: %d %s (the only 5xx allowed is the contract's 503)", what, a.status, a.text())
	case !slices.Contains(l.allowed(k, start, end), a.status):
		l.fails.Add("%s: %d %s, want one of %v", what, a.status, a.text(), l.allowed(k, start, end))
	}
	if start == end {
		l.strict[start].Add(1)
	}
	if a.status == kinds[k].success {
		l.succeed[k].Store(true)
	}
	return a
}

// allowed lists the statuses a request of kind k may answer.
func (l *load) allowed(k requestKind, start, end phase) []int {
	need := kinds[k].postgres
	if l.fault == redisBackend {
		need = kinds[k].redis
	}
	ok := kinds[k].success
	switch {
	case need == never:
		return []int{ok}
	case start == end && (start == phaseUp || start == phaseRecovered):
		return []int{ok}
	case start == phaseDown && end == phaseDown && need == must:
		return []int{http.StatusServiceUnavailable}
	}
	return []int{ok, http.StatusServiceUnavailable}
}

// write adds (kindAdd) or puts a movie, records the outcome in the ledger
// and checks the answer's body; it reports whether the write was confirmed.
func (l *load) write(k requestKind, id string, m domain.Movie) bool {
	var a answer
	if k == kindAdd {
		a = l.send(k, http.MethodPost, "/movies/add", mustJSON(m))
	} else {
		a = l.send(k, http.MethodPut, "/movies/update/"+id, mustJSON(m))
	}
	if a.err != nil || a.status != kinds[k].success {
		l.ledger.Unanswered(id, m)
		return false
	}
	if k == kindAdd {
		var created struct{ ID string }
		if json.Unmarshal(a.body, &created) != nil || created.ID != id {
			l.fails.Add("%s: 201 with body %s, want id %s", kinds[k].name, a.text(), id)
		}
		l.ledger.Answered(id, m)
		return true
	}
	var stored struct{ Data domain.Movie }
	if json.Unmarshal(a.body, &stored) != nil || stored.Data != m {
		l.fails.Add("%s: 200 with body %s, want %+v", kinds[k].name, a.text(), m)
	}
	l.ledger.Answered(id, stored.Data)
	return true
}

// read gets a movie this worker wrote and checks it shows a value the
// writes allow: after a PUT has answered, never the old value (contract §6).
func (l *load) read(id string) {
	a := l.send(kindGet, http.MethodGet, "/movies/get/"+id, nil)
	if a.err != nil || a.status != http.StatusOK {
		return
	}
	var got struct{ Data domain.Movie }
	if json.Unmarshal(a.body, &got) != nil || !slices.Contains(l.ledger.Acceptable(id), got.Data) {
		l.fails.Add("GET /movies/get/%s: %s, want one of %+v", id, a.text(), l.ledger.Acceptable(id))
	}
}

// signIn begins a passkey sign-in; a success carries the request options.
func (l *load) signIn(k requestKind, body []byte) {
	a := l.send(k, http.MethodPost, "/webauthn/auth/start", body)
	if a.err != nil || a.status != http.StatusOK {
		return
	}
	var got struct {
		Options struct {
			PublicKey struct{ Challenge string } `json:"publicKey"`
		}
	}
	if json.Unmarshal(a.body, &got) != nil || got.Options.PublicKey.Challenge == "" {
		l.fails.Add("%s: 200 without a challenge: %s", kinds[k].name, a.text())
	}
}

// summary is a line for the test log.
func (l *load) summary() string {
	return fmt.Sprintf("%d requests; judged strictly: up %d, down %d, recovered %d",
		l.total.Load(), l.strict[phaseUp].Load(), l.strict[phaseDown].Load(), l.strict[phaseRecovered].Load())
}

func randomMovieID() string {
	b := make([]byte, domain.IDLength/2)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

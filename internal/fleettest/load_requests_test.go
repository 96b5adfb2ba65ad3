package fleettest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"movieapi/internal/authtest"
	"movieapi/internal/domain"
	"movieapi/internal/loadtest"
)

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
			l.fails.Add("%s via %s (all must succeed): %s", kindNames[k], n.name, a)
		}
	case p == redisSwitch && !ok && (!k.needsRedis() || !a.isUnavailable()):
		l.fails.Add("%s via %s while Redis failed over: %s (only passkey routes may answer the contract's 503)",
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
	if acked {
		l.ledger.Answered(m.ID(), m)
	} else {
		l.ledger.Unanswered(m.ID(), m)
	}
	return acked
}

// read checks that a movie reads as what was last acknowledged (or a later
// write that got no answer): never an older value, on any node.
func (l *mixedLoad) read(n *node, id string) {
	a := l.send(n, kindGet, "GET", "/movies/get/"+id, nil)
	if a.err != nil || a.status != http.StatusOK {
		return
	}
	problem, stale := checkRead(l.ledger, id, a.body)
	switch {
	case problem == "":
	case stale && policy(l.policy.Load()) == redisSwitch:
		// A write answered while the primary was unreachable could not
		// update the cache; until its instance repairs the entry, the
		// promoted replica serves the value from before (movies.repairs).
		l.staleReads.Add(1)
	default:
		l.fails.Add("GET via %s: %s", n.name, problem)
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
		l.fails.Add("assert: %v", err)
		return ""
	}
	done := l.send(finish, kindSignInFinish, "POST", "/webauthn/auth/finish", authtest.FinishRequest(user, assertion))
	var body struct {
		SessionToken string `json:"session_token"`
	}
	if done.err != nil || done.status != http.StatusOK || json.Unmarshal(done.body, &body) != nil || body.SessionToken == "" {
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

// checkRead returns what is wrong with a read of id ("" when nothing), and
// whether it is a stale value: one written before what was acknowledged.
func checkRead(ledger *loadtest.Ledger, id string, body []byte) (problem string, stale bool) {
	var got struct{ Data domain.Movie }
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Sprintf("%s: not a movie: %s", id, body), false
	}
	if !slices.Contains(ledger.Acceptable(id), got.Data) {
		return fmt.Sprintf("%s reads %+v, a value older than what was acknowledged", id, got.Data), true
	}
	return "", false
}

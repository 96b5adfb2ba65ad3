package fleettest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/authtest"
	"movieapi/internal/domain"
)

// runContract runs the movie, passkey and session flows of the contract
// over nodes, moving to the next node at every step: with several
// instances, each ceremony begins on one and ends on another, and every
// write is read back through another.
func runContract(t *testing.T, nodes ...*node) {
	at := func(step int) *node { return nodes[step%len(nodes)] }
	t.Run("movies", func(t *testing.T) { contractMovies(t, at) })
	t.Run("passkeys and sessions", func(t *testing.T) { contractPasskeys(t, at) })
	t.Run("concurrent sign-ins on one credential: one winner", func(t *testing.T) { contractOneWinner(t, at) })
}

func contractMovies(t *testing.T, at func(int) *node) {
	m := domain.Movie{Title: "Fleet " + randomName(), Year: 2001, Stars: 3.5}
	added := at(0).must(t, http.StatusCreated, "POST", "/movies/add", mustJSON(m))
	var created struct{ ID string }
	decode(t, added, &created)
	if created.ID != m.ID() || added.header.Get("Location") != "/movies/get/"+m.ID() {
		t.Fatalf("add: id %q, Location %q; want %s", created.ID, added.header.Get("Location"), m.ID())
	}
	again := domain.Movie{Title: "  " + strings.ToUpper(m.Title) + " ", Year: m.Year, Stars: 1}
	at(1).must(t, http.StatusConflict, "POST", "/movies/add", mustJSON(again))
	expectMovie(t, at(2), m.ID(), m)

	m.Stars = 1.5
	at(3).must(t, http.StatusOK, "PUT", "/movies/update/"+m.ID(), mustJSON(m))
	expectMovie(t, at(4), m.ID(), m)
	at(5).must(t, http.StatusNoContent, "DELETE", "/movies/delete/"+m.ID(), nil)
	at(6).must(t, http.StatusNotFound, "GET", "/movies/get/"+m.ID(), nil)
	at(7).must(t, http.StatusNotFound, "DELETE", "/movies/delete/"+m.ID(), nil)

	// Adds of one movie at once, spread over the nodes: one is created.
	fresh := mustJSON(domain.Movie{Title: "Race " + randomName(), Year: 2002, Stars: 2})
	statuses := concurrently(8, func(i int) answer { return at(i).do("POST", "/movies/add", fresh) })
	if statuses[http.StatusCreated] != 1 || statuses[http.StatusConflict] != 7 {
		t.Fatalf("8 concurrent adds of one movie: %v, want one 201 and seven 409", statuses)
	}
}

func contractPasskeys(t *testing.T, at func(int) *node) {
	user := "fleet-" + randomName()
	p := authtest.NewPasskey(authtest.ES256, pageOrigin)
	register(t, at(0), at(1), user, p, "")
	at(2).must(t, http.StatusConflict, "POST", "/webauthn/register/start", mustJSON(map[string]string{"username": user}))

	token := signIn(t, at(2), at(0), user, p)
	discovered := signIn(t, at(1), at(2), "", p)
	for step := range 3 {
		list := credentials(t, at(step), token)
		if len(list) != 1 || list[0].ID != p.CredentialID() {
			t.Fatalf("credentials through %s: %+v", at(step).name, list)
		}
	}

	// A second passkey, added with the session, renamed, then deleted:
	// the session it created ends on every node.
	second := authtest.NewPasskey(authtest.RS256, pageOrigin)
	register(t, at(0), at(1), user, second, token)
	secondToken := signIn(t, at(2), at(0), user, second)
	renamed := at(1).must(t, http.StatusOK, "PATCH", "/webauthn/credentials/"+second.CredentialID(),
		mustJSON(map[string]string{"name": "Spare key"}), bearer(token)...)
	if !strings.Contains(string(renamed.body), `"name":"Spare key"`) {
		t.Fatalf("rename: %s", renamed)
	}
	at(2).must(t, http.StatusNoContent, "DELETE", "/webauthn/credentials/"+second.CredentialID(), nil, bearer(token)...)
	for step := range 3 {
		at(step).must(t, http.StatusUnauthorized, "GET", "/webauthn/credentials", nil, bearer(secondToken)...)
	}
	at(0).must(t, http.StatusConflict, "DELETE", "/webauthn/credentials/"+p.CredentialID(), nil, bearer(token)...)

	// Logout ends that session everywhere, and only that one.
	at(1).must(t, http.StatusNoContent, "POST", "/webauthn/logout", nil, bearer(token)...)
	for step := range 3 {
		at(step).must(t, http.StatusUnauthorized, "GET", "/webauthn/credentials", nil, bearer(token)...)
		at(step).must(t, http.StatusOK, "GET", "/webauthn/credentials", nil, bearer(discovered)...)
	}
}

// contractOneWinner: assertions that all carry the same next counter value,
// finished at once on every node. The counter's compare-and-store is one
// conditional UPDATE, so exactly one succeeds; the others look like a
// cloned authenticator (contract §7.6).
func contractOneWinner(t *testing.T, at func(int) *node) {
	const n = 12
	user := "winner-" + randomName()
	p := authtest.NewPasskey(authtest.ES256, pageOrigin)
	p.Counter = 5
	register(t, at(0), at(1), user, p, "")
	p.Counter = 6
	bodies := make([][]byte, n)
	for i := range bodies {
		start := at(i).must(t, http.StatusOK, "POST", "/webauthn/auth/start", mustJSON(map[string]string{"username": user}))
		assertion, err := p.Assert(start.body)
		if err != nil {
			t.Fatal(err)
		}
		bodies[i] = authtest.FinishRequest(user, assertion)
	}
	statuses := concurrently(n, func(i int) answer { return at(i+1).do("POST", "/webauthn/auth/finish", bodies[i]) })
	if statuses[http.StatusOK] != 1 || statuses[http.StatusUnauthorized] != n-1 {
		t.Fatalf("%d concurrent finishes with one counter value: %v, want one 200 and %d 401", n, statuses, n-1)
	}
}

// register adds p to username's account, beginning on one node and
// finishing on another; token is the account's session ("" for a new one).
func register(t testing.TB, begin, finish *node, username string, p *authtest.Passkey, token string) {
	t.Helper()
	var auth []string
	if token != "" {
		auth = bearer(token)
	}
	start := begin.must(t, http.StatusOK, "POST", "/webauthn/register/start", mustJSON(map[string]string{"username": username}), auth...)
	credential, err := p.Attest(start.body)
	if err != nil {
		t.Fatal(err)
	}
	finish.must(t, http.StatusOK, "POST", "/webauthn/register/finish", authtest.FinishRequest(username, credential), auth...)
}

// signIn signs in with p (username "" for a discoverable sign-in),
// beginning on one node and finishing on another, and returns the token.
func signIn(t testing.TB, begin, finish *node, username string, p *authtest.Passkey) string {
	t.Helper()
	body := map[string]string{}
	if username != "" {
		body["username"] = username
	}
	start := begin.must(t, http.StatusOK, "POST", "/webauthn/auth/start", mustJSON(body))
	assertion, err := p.Assert(start.body)
	if err != nil {
		t.Fatal(err)
	}
	var done struct {
		SessionToken string `json:"session_token"`
	}
	decode(t, finish.must(t, http.StatusOK, "POST", "/webauthn/auth/finish", authtest.FinishRequest(username, assertion)), &done)
	if done.SessionToken == "" {
		t.Fatal("auth/finish answered no session token")
	}
	return done.SessionToken
}

type credential struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func credentials(t testing.TB, n *node, token string) []credential {
	t.Helper()
	var list struct{ Credentials []credential }
	decode(t, n.must(t, http.StatusOK, "GET", "/webauthn/credentials", nil, bearer(token)...), &list)
	return list.Credentials
}

func expectMovie(t testing.TB, n *node, id string, want domain.Movie) {
	t.Helper()
	var got struct{ Data domain.Movie }
	decode(t, n.must(t, http.StatusOK, "GET", "/movies/get/"+id, nil), &got)
	if got.Data != want {
		t.Fatalf("GET %s through %s: %+v, want %+v", id, n.name, got.Data, want)
	}
}

// concurrently runs n requests released together and counts the statuses
// (0 for a request without an answer).
func concurrently(n int, send func(i int) answer) map[int]int {
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		ready    sync.WaitGroup
		done     sync.WaitGroup
		release  = make(chan struct{})
	)
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-release
			a := send(i)
			mu.Lock()
			statuses[a.status]++
			mu.Unlock()
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	return statuses
}

// randomName is unique enough to keep tests that share a database apart.
func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

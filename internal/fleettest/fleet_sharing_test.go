package fleettest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

// rateLimitsShared: one client's ceremony budget is kept in Redis, so
// round robin over three instances does not triple it; the client is told
// apart by the X-Forwarded-For HAProxy appends (AXUM_TRUSTED_PROXIES), so
// another client keeps its own budget, and a forged header changes nothing.
func rateLimitsShared(t *testing.T, f *fleet) {
	attacker, bystander := f.viaBalancer(t, "127.0.0.4"), f.viaBalancer(t, "127.0.0.5")
	const sent = 2 * fleetRateLimit
	var ok, limited, other atomic.Int64
	started := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < sent; i += 8 {
				// A forged hop on every other request: HAProxy appends the
				// real address after it, and the service reads from the right.
				var headers []string
				if i%2 == 1 {
					headers = []string{"X-Forwarded-For", "203.0.113.9"}
				}
				a := attacker.do("POST", "/webauthn/auth/start", []byte(`{}`), headers...)
				switch {
				case a.err == nil && a.status == http.StatusOK:
					ok.Add(1)
				case a.err == nil && a.status == http.StatusTooManyRequests && a.header.Get("Retry-After") != "":
					limited.Add(1)
				default:
					other.Add(1)
					t.Errorf("auth/start: %s", a)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(started)
	// The budget is a burst of fleetRateLimit refilled at fleetRateLimit a
	// minute (GCRA): at most this many could pass while the test ran.
	allowed := fleetRateLimit + int64(math.Ceil(elapsed.Minutes()*fleetRateLimit)) + 1
	t.Logf("%s rate limit over %d instances: %d of %d requests from one client passed, %d answered 429, in %s (budget %d)",
		measuredMarker, fleetSize, ok.Load(), sent, limited.Load(), elapsed.Round(time.Millisecond), fleetRateLimit)
	if ok.Load() > allowed || limited.Load() == 0 {
		t.Errorf("%d requests passed and %d were limited; one shared budget lets at most %d pass", ok.Load(), limited.Load(), allowed)
	}
	bystander.must(t, http.StatusOK, "POST", "/webauthn/auth/start", []byte(`{}`))
}

// noStaleReads: a PUT answered through one instance is read back through
// another, and through HAProxy, in each of 100 rounds.
func noStaleReads(t *testing.T, f *fleet) {
	direct, lb := f.direct(t, "127.0.0.6"), f.viaBalancer(t, "127.0.0.6")
	m := domain.Movie{Title: "Rounds " + randomName(), Year: 1999}
	for round := range 100 {
		m.Stars = float64(round%50) / 10
		direct[round%fleetSize].must(t, http.StatusOK, "PUT", "/movies/update/"+m.ID(), mustJSON(m))
		expectMovie(t, direct[(round+1)%fleetSize], m.ID(), m)
		expectMovie(t, lb, m.ID(), m)
	}
}

// manyClients: 64 clients at once over three instances whose PostgreSQL
// connections all go through a PgBouncer pool of pgbouncerPool. Every
// request succeeds, and PostgreSQL never sees more server connections for
// the database than the pool holds.
func manyClients(t *testing.T, f *fleet) {
	const clients = 64
	peak, stopSampling := sampleServerConnections(t, f.databaseURL)
	started := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		n := f.viaBalancer(t, "127.0.0.7")
		wg.Go(func() {
			m := domain.Movie{Title: fmt.Sprintf("Client %d %s", c, randomName()), Year: 2010, Stars: 3}
			steps := []struct {
				want         int
				method, path string
				body         []byte
			}{
				{http.StatusCreated, "POST", "/movies/add", mustJSON(m)},
				{http.StatusOK, "GET", "/movies/get/" + m.ID(), nil},
				{http.StatusOK, "PUT", "/movies/update/" + m.ID(), mustJSON(m)},
				{http.StatusOK, "POST", "/webauthn/auth/start", mustJSON(map[string]string{"username": "nobody-" + randomName()})},
				{http.StatusNoContent, "DELETE", "/movies/delete/" + m.ID(), nil},
			}
			for _, s := range steps {
				if a := n.do(s.method, s.path, s.body); a.err != nil || a.status != s.want {
					t.Errorf("client %d: %s %s: %s, want %d", c, s.method, s.path, a, s.want)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(started)
	stopSampling()
	t.Logf("%s %d clients × 5 requests over %d instances through a PgBouncer pool of %d: %s; at most %d server connections seen",
		measuredMarker, clients, fleetSize, pgbouncerPool, elapsed.Round(time.Millisecond), peak.Load())
	if peak.Load() > pgbouncerPool {
		t.Errorf("PostgreSQL saw %d connections to the database; PgBouncer's pool is %d", peak.Load(), pgbouncerPool)
	}
}

// sampleServerConnections counts, until stopped, the connections
// PostgreSQL has to the database, keeping the highest count. It connects
// to another database so as not to count itself.
func sampleServerConnections(t *testing.T, databaseURL string) (*atomic.Int64, func()) {
	t.Helper()
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	database := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	peak := &atomic.Int64{}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer conn.Close(context.Background())
		for {
			var n int64
			if err := conn.QueryRow(context.Background(),
				`SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, database).Scan(&n); err == nil {
				peak.Store(max(peak.Load(), n))
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return peak, func() { close(stop); <-done }
}

package fleettest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

// failures collects what went wrong in worker goroutines; the test reports
// the first few and the total.
type failures struct {
	mu    sync.Mutex
	first []string
	total int
}

func (f *failures) add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	if len(f.first) < 20 {
		f.first = append(f.first, fmt.Sprintf(format, args...))
	}
}

// report fails the test if anything was collected.
func (f *failures) report(t testing.TB) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.total > 0 {
		t.Errorf("%d failure(s), the first %d:\n  %s", f.total, len(f.first), strings.Join(f.first, "\n  "))
	}
}

// outage is what the clients saw of a fault: the answers that were not
// successes, when they came, and how slow answers got meanwhile.
type outage struct {
	mu          sync.Mutex
	failed      int
	first, last time.Time // the first failed request's start, the last one's end
	slowest     time.Duration
	kinds       map[string]int // "503", "502", "no answer", …
}

func (o *outage) record(a answer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed++
	if o.first.IsZero() || a.start.Before(o.first) {
		o.first = a.start
	}
	if a.ended.After(o.last) {
		o.last = a.ended
	}
	what := "no answer"
	if a.err == nil {
		what = strconv.Itoa(a.status)
	}
	if o.kinds == nil {
		o.kinds = map[string]int{}
	}
	o.kinds[what]++
}

// observe notes the latency of an answer met while a fault was possible.
func (o *outage) observe(a answer, duringFault bool) {
	if !duringFault {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.slowest = max(o.slowest, a.ended.Sub(a.start))
}

// summary describes the outage relative to the moment of the fault.
func (o *outage) summary(fault time.Time) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed == 0 {
		return fmt.Sprintf("no failed request; slowest answer meanwhile %s", o.slowest.Round(time.Millisecond))
	}
	var kinds []string
	for k, n := range o.kinds {
		kinds = append(kinds, fmt.Sprintf("%d × %s", n, k))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d failed requests (%s) from %s to %s after the fault (window %s); slowest answer meanwhile %s",
		o.failed, strings.Join(kinds, ", "), o.first.Sub(fault).Round(time.Millisecond),
		o.last.Sub(fault).Round(time.Millisecond), o.last.Sub(o.first).Round(time.Millisecond),
		o.slowest.Round(time.Millisecond))
}

// ledger remembers every movie write of the load: what was acknowledged,
// and the writes after it that got no success answer (they may or may not
// have been stored).
type ledger struct {
	mu     sync.Mutex
	movies map[string]*ledgerEntry
}

type ledgerEntry struct {
	acked *domain.Movie
	maybe []domain.Movie
}

func newLedger() *ledger { return &ledger{movies: map[string]*ledgerEntry{}} }

func (l *ledger) record(m domain.Movie, acked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.movies[m.ID()]
	if e == nil {
		e = &ledgerEntry{}
		l.movies[m.ID()] = e
	}
	if acked {
		e.acked, e.maybe = &m, nil
	} else {
		e.maybe = append(e.maybe, m)
	}
}

// allowed is what id may hold now.
func (e *ledgerEntry) allowed() []domain.Movie {
	out := slices.Clone(e.maybe)
	if e.acked != nil {
		out = append(out, *e.acked)
	}
	return out
}

// checkRead returns what is wrong with a read of id ("" when nothing), and
// whether it is a stale value: one written before what was acknowledged.
func (l *ledger) checkRead(id string, body []byte) (problem string, stale bool) {
	var got struct{ Data domain.Movie }
	if err := jsonInto(body, &got); err != nil {
		return fmt.Sprintf("%s: not a movie: %s", id, body), false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.movies[id]; e == nil || !slices.Contains(e.allowed(), got.Data) {
		return fmt.Sprintf("%s reads %+v, a value older than what was acknowledged", id, got.Data), true
	}
	return "", false
}

// verify reads the load's movies from PostgreSQL: every acknowledged write
// must be there (or a later unanswered one). It returns how many
// acknowledged movies it found.
func (l *ledger) verify(t *testing.T, databaseURL string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatalf("connect to check the writes: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT id, title, year, stars FROM movies`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]domain.Movie{}
	for rows.Next() {
		var id string
		var m domain.Movie
		if err := rows.Scan(&id, &m.Title, &m.Year, &m.Stars); err != nil {
			t.Fatal(err)
		}
		stored[id] = m
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	acked, lost := 0, 0
	for id, e := range l.movies {
		m, ok := stored[id]
		switch {
		case e.acked == nil:
		case !ok || !slices.Contains(e.allowed(), m):
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged write lost: %s should hold %+v, holds %+v (stored: %t)", id, *e.acked, m, ok)
			}
		default:
			acked++
		}
	}
	if lost > 0 {
		t.Errorf("%d acknowledged movie writes lost", lost)
	}
	return acked
}

func jsonInto(body []byte, v any) error { return json.Unmarshal(body, v) }

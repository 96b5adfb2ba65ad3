package faulttest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

// ledger remembers every movie write the load made, to compare with what
// PostgreSQL holds afterwards. Only the worker that owns an id writes it, so
// its writes are ordered.
type ledger struct {
	mu     sync.Mutex
	movies map[string]*movieRecord
}

// movieRecord is what one id may hold: the content of the last answered
// write, and the writes after it that got no success answer (a 503 during
// an outage may still have committed, so either outcome is allowed).
type movieRecord struct {
	answered *domain.Movie
	maybe    []domain.Movie
}

func newLedger() *ledger { return &ledger{movies: map[string]*movieRecord{}} }

func (l *ledger) record(id string) *movieRecord {
	r := l.movies[id]
	if r == nil {
		r = &movieRecord{}
		l.movies[id] = r
	}
	return r
}

// answered records a write the service confirmed (201 or 200) with m.
func (l *ledger) answered(id string, m domain.Movie) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(id)
	r.answered, r.maybe = &m, nil
}

// unanswered records a write that did not get a success answer.
func (l *ledger) unanswered(id string, m domain.Movie) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(id)
	r.maybe = append(r.maybe, m)
}

// acceptable lists what a reader of id may see now.
func (l *ledger) acceptable(id string) []domain.Movie {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.movies[id]
	if r == nil {
		return nil
	}
	out := slices.Clone(r.maybe)
	if r.answered != nil {
		out = append(out, *r.answered)
	}
	return out
}

// counts returns how many ids had a confirmed write and how many were only
// attempted.
func (l *ledger) counts() (confirmed, attemptedOnly int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.movies {
		if r.answered != nil {
			confirmed++
		} else {
			attemptedOnly++
		}
	}
	return confirmed, attemptedOnly
}

// verify reads every movie from the database and checks it against the
// ledger: each confirmed write is there with the answered content (or a
// later attempted one), nothing is there that was never written, and no
// movie is stored twice. It returns the number of rows.
func (l *ledger) verify(t *testing.T, databaseURL string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatalf("connect to the database to check the writes: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT id, title, year, stars FROM movies`)
	if err != nil {
		t.Fatalf("read movies: %v", err)
	}
	stored := map[string]domain.Movie{}
	for rows.Next() {
		var id string
		var m domain.Movie
		if err := rows.Scan(&id, &m.Title, &m.Year, &m.Stars); err != nil {
			t.Fatalf("read movies: %v", err)
		}
		stored[id] = m
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read movies: %v", err)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	var problems []string
	for id, m := range stored {
		r := l.movies[id]
		switch {
		case r == nil:
			problems = append(problems, fmt.Sprintf("%s %+v was never written", id, m))
		case !slices.Contains(append(slices.Clone(r.maybe), derefAll(r.answered)...), m):
			problems = append(problems, fmt.Sprintf("%s holds %+v; answered %+v, attempted after it %+v",
				id, m, derefAll(r.answered), r.maybe))
		}
	}
	for id, r := range l.movies {
		if _, ok := stored[id]; !ok && r.answered != nil {
			problems = append(problems, fmt.Sprintf("%s %+v was confirmed but is lost", id, *r.answered))
		}
	}
	titles := map[string]int{}
	for _, m := range stored {
		titles[fmt.Sprintf("%s (%d)", m.Title, m.Year)]++
	}
	for title, n := range titles {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("%s is stored %d times", title, n))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("%d problem(s) with the stored movies, e.g.:\n%s", len(problems), joinFirst(problems, 10))
	}
	return len(stored)
}

func derefAll(m *domain.Movie) []domain.Movie {
	if m == nil {
		return nil
	}
	return []domain.Movie{*m}
}

// Package loadtest holds what the tests that put the service under load and
// faults share: the ledger of movie writes they check PostgreSQL against.
// It is for tests only.
package loadtest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

// Ledger remembers every movie write a load made: per id, the content of
// the last write the service confirmed, and the writes after it that got no
// success answer (a 503 during an outage may still have committed, so either
// outcome is allowed). It is safe for concurrent use; a load should give
// each id to one worker, so that its writes are ordered.
type Ledger struct {
	mu     sync.Mutex
	movies map[string]*record
}

type record struct {
	answered *domain.Movie
	maybe    []domain.Movie
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{movies: map[string]*record{}} }

func (l *Ledger) record(id string) *record {
	r := l.movies[id]
	if r == nil {
		r = &record{}
		l.movies[id] = r
	}
	return r
}

// Answered records a write the service confirmed (201 or 200) with m.
func (l *Ledger) Answered(id string, m domain.Movie) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(id)
	r.answered, r.maybe = &m, nil
}

// Unanswered records a write that did not get a success answer.
func (l *Ledger) Unanswered(id string, m domain.Movie) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(id)
	r.maybe = append(r.maybe, m)
}

// Acceptable lists what a reader of id may see now.
func (l *Ledger) Acceptable(id string) []domain.Movie {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.movies[id]; r != nil {
		return r.acceptable()
	}
	return nil
}

func (r *record) acceptable() []domain.Movie {
	out := slices.Clone(r.maybe)
	if r.answered != nil {
		out = append(out, *r.answered)
	}
	return out
}

// Counts returns how many ids had a confirmed write and how many were only
// attempted.
func (l *Ledger) Counts() (confirmed, attemptedOnly int) {
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

// Scope says which rows of the movies table the ledger accounts for.
type Scope int

const (
	// AllRows: the load was the only writer; every row must be one of its
	// writes, none stored twice.
	AllRows Scope = iota
	// OwnRows: other tests write to the same table; only the ledger's ids
	// are checked.
	OwnRows
)

// Verify reads the movies from PostgreSQL and checks them against the
// ledger: every confirmed write is there with its content (or a later
// attempted one); with AllRows, also nothing is there that was never
// written and no movie is stored twice. It returns how many of the ledger's
// ids are stored.
func (l *Ledger) Verify(t *testing.T, databaseURL string, scope Scope) int {
	t.Helper()
	stored := readMovies(t, databaseURL)
	l.mu.Lock()
	defer l.mu.Unlock()
	var problems []string
	found := 0
	for id, r := range l.movies {
		m, ok := stored[id]
		if ok {
			found++
		}
		switch {
		case ok && !slices.Contains(r.acceptable(), m):
			problems = append(problems, fmt.Sprintf("%s holds %+v; answered %+v, attempted after it %+v", id, m, r.answered, r.maybe))
		case !ok && r.answered != nil:
			problems = append(problems, fmt.Sprintf("%s %+v was confirmed but is lost", id, *r.answered))
		}
	}
	if scope == AllRows {
		titles := map[string]int{}
		for id, m := range stored {
			if l.movies[id] == nil {
				problems = append(problems, fmt.Sprintf("%s %+v was never written", id, m))
			}
			titles[fmt.Sprintf("%s (%d)", m.Title, m.Year)]++
		}
		for title, n := range titles {
			if n > 1 {
				problems = append(problems, fmt.Sprintf("%s is stored %d times", title, n))
			}
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("%d problem(s) with the stored movies, e.g.:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
	return found
}

// readTimeout bounds reading the table back.
const readTimeout = 30 * time.Second

func readMovies(t *testing.T, databaseURL string) map[string]domain.Movie {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
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
	return stored
}

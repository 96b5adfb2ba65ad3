package fleettest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/domain"
)

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

package postgres_test

import (
	"testing"

	"movieapi/internal/domain"
)

// TestCanonicalizeUsernamesFillsReportsAndRepeats: rows written before
// usernames had a canonical form get one; a row whose canonical form another
// account holds, and a row the profile refuses, are reported (again on every
// run) and left as they are.
func TestCanonicalizeUsernamesFillsReportsAndRepeats(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	legacy := map[string]int64{}
	// lower() keeps every one of these apart, so the old schema took them all.
	for _, name := range []string{"Zoë", "lookalike", "ｌｏｏｋａｌｉｋｅ", "look\u200balike"} {
		var id int64
		if err := store.Pool().QueryRow(ctx, `INSERT INTO users (username, handle) VALUES ($1, $2) RETURNING id`,
			name, randomBytes(t, domain.UserHandleLength)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		legacy[name] = id
	}

	for run := 1; run <= 2; run++ {
		report, err := store.CanonicalizeUsernames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantFilled := map[int]int{1: 2, 2: 0}[run]
		if report.Filled != wantFilled {
			t.Errorf("run %d: filled %d, want %d", run, report.Filled, wantFilled)
		}
		if len(report.Collisions) != 1 || report.Collisions[0].UserID != legacy["ｌｏｏｋａｌｉｋｅ"] ||
			report.Collisions[0].HolderID != legacy["lookalike"] || report.Collisions[0].Canonical != "lookalike" {
			t.Errorf("run %d: collisions %+v", run, report.Collisions)
		}
		if len(report.Refused) != 1 || report.Refused[0].UserID != legacy["look\u200balike"] {
			t.Errorf("run %d: refused %+v", run, report.Refused)
		}
	}

	user, _, err := store.AccountByUsername(ctx, parseName(t, "ZOË"))
	if err != nil || user.ID != legacy["Zoë"] || user.CanonicalUsername != "zoë" || user.Username != "Zoë" {
		t.Fatalf("canonicalised account = %+v, %v", user, err)
	}
	_, err = store.CreateUserWithCredential(ctx, newUser(t, "LOOKALIKE"), newCredential(t, "Key"))
	wantPublic(t, err, domain.ErrConflict, "username is not available")
}

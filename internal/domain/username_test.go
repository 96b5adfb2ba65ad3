package domain

import (
	"errors"
	"strings"
	"testing"
)

// TestUsernameLookalikes: the names an attacker would register beside
// "lookalike" and "émile" either land on the same canonical key (and so
// conflict with the account) or are refused.
func TestUsernameLookalikes(t *testing.T) {
	for _, tc := range []struct {
		raw, canonical string // canonical "" means refused
	}{
		{"lookalike", "lookalike"},
		{"LookAlike", "lookalike"},
		{"  lookalike  ", "lookalike"},
		{"ｌｏｏｋａｌｉｋｅ", "lookalike"}, // full width
		{"look\u200balike", ""},    // zero-width space
		{"look\u202ealike", ""},    // right-to-left override
		{"lookalike\u00ad", ""},    // soft hyphen
		{"look\u200dalike", ""},    // zero-width joiner
		{"look\ufe0falike", ""},    // variation selector
		{"ÉMILE", "émile"},
		{"émile", "émile"},
		{"e\u0301mile", "émile"}, // decomposed é
		{"John Doe", "john doe"},
		{"John   Doe", "john doe"},
		{"a\tb", ""},
		{"a\u00a0b", ""}, // no-break space
		{"a\u3000b", ""}, // ideographic space
		{"bob@example.com", "bob@example.com"},
		{"", ""},
		{strings.Repeat("x", 64), strings.Repeat("x", 64)},
		{strings.Repeat("x", 65), ""},
		{strings.Repeat("x", 128*1024), ""},
	} {
		got, err := ParseUsername(tc.raw)
		if tc.canonical == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%q: accepted as %q, want refused", tc.raw, got.Canonical)
			}
			continue
		}
		if err != nil || got.Canonical != tc.canonical {
			t.Errorf("%q: canonical %q (%v), want %q", tc.raw, got.Canonical, err, tc.canonical)
		}
		if got.Display != strings.TrimSpace(tc.raw) {
			t.Errorf("%q: display %q, want the name as typed", tc.raw, got.Display)
		}
	}
}

// TestCanonicalUsernameIsStable: canonicalising twice changes nothing, so a
// stored canonical form always finds its account again.
func TestCanonicalUsernameIsStable(t *testing.T) {
	for _, raw := range []string{"ÉMILE", "ｌｏｏｋａｌｉｋｅ", "John Doe", "İstanbul", "ß"} {
		once, err := CanonicalUsername(raw)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if twice, err := CanonicalUsername(once); err != nil || twice != once {
			t.Errorf("%q: %q then %q (%v)", raw, once, twice, err)
		}
	}
}

func FuzzParseUsername(f *testing.F) {
	for _, seed := range []string{"alice", "ÉMILE", "look\u200balike", "John  Doe", "ｌｏｏｋ"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseUsername(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		again, err := ParseUsername(u.Canonical)
		if err != nil || again.Canonical != u.Canonical {
			t.Fatalf("canonical form %q not stable: %q (%v)", u.Canonical, again.Canonical, err)
		}
	})
}

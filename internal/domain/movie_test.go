package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestContractIDVectors(t *testing.T) {
	for _, tc := range []struct {
		title string
		year  int
		id    string
	}{
		{"The Shawshank Redemption", 1994, "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb"},
		{"Inception", 2010, "d5aee2b55b609fe5de3261d85fb592bc32d45fd3"},
		{"  Test    Movie ", 2023, "72f055c7ae05557664390e120e00878ff167f1fd"},
	} {
		m, err := Movie{Title: tc.title, Year: tc.year, Stars: 1}.Sanitize(now)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID() != tc.id {
			t.Errorf("%q %d: %s, want %s", tc.title, tc.year, m.ID(), tc.id)
		}
	}
}

func TestNormalizeTitle(t *testing.T) {
	for in, want := range map[string]string{
		"  a  b  ":                 "a b",
		"\u00a0Café\u2003\tNoir\n": "Café Noir",
		"UPPER lower":              "UPPER lower",
		"\u3000":                   "",
	} {
		if got := NormalizeTitle(in); got != want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitizeRejections(t *testing.T) {
	cases := map[string]Movie{
		"empty":      {Title: " ", Year: 2000},
		"too long":   {Title: strings.Repeat("x", 257), Year: 2000},
		"control":    {Title: "a\x7fb", Year: 2000},
		"year low":   {Title: "x", Year: 1879},
		"year high":  {Title: "x", Year: 2032},
		"stars low":  {Title: "x", Year: 2000, Stars: -0.001},
		"stars high": {Title: "x", Year: 2000, Stars: 5.0001},
	}
	for name, m := range cases {
		if _, err := m.Sanitize(now); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := (Movie{Title: "x", Year: 2031, Stars: 5}).Sanitize(now); err != nil {
		t.Errorf("year now+5: %v", err)
	}
}

func TestParseMovieID(t *testing.T) {
	id := "D5AEE2B55B609FE5DE3261D85FB592BC32D45FD3"
	if got, ok := ParseMovieID(id); !ok || got != strings.ToLower(id) {
		t.Errorf("uppercase: %q %t", got, ok)
	}
	for _, bad := range []string{"", "d5aee2b55b609fe5de3261d85fb592bc32d45fd", "g5aee2b55b609fe5de3261d85fb592bc32d45fd3", "d5aee2b55b609fe5de3261d85fb592bc32d45fd3 "} {
		if _, ok := ParseMovieID(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("Inception", 2010, 4.8)
	f.Add("  Test    Movie ", 2023, 3.0)
	f.Add("\u0085x\u2028", 1880, 0.0)
	f.Fuzz(func(t *testing.T, title string, year int, stars float64) {
		m, err := Movie{Title: title, Year: year, Stars: stars}.Sanitize(now)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		if again, err := m.Sanitize(now); err != nil || again != m {
			t.Fatalf("not idempotent: %+v → %+v (%v)", m, again, err)
		}
	})
}

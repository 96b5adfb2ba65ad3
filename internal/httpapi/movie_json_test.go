package httpapi

import (
	"encoding/json"
	"math"
	"testing"

	"movieapi/internal/domain"
)

// FuzzMovieJSON holds the hand-written movie encoder to encoding/json's
// output, byte for byte, for any title, year and stars.
func FuzzMovieJSON(f *testing.F) {
	f.Add("Inception", 2010, 4.8)
	f.Add("<script>&\"\\\u2028\u2029\x00\x1f\b\f\n\r\t", -1, math.Copysign(0, -1))
	f.Add("\xff\xfe invalid", 1880, 1e-7)
	f.Add("Ünïcödé 🎬", 2031, 1e21)
	f.Add("", 0, 5.0)
	f.Fuzz(func(t *testing.T, title string, year int, stars float64) {
		if math.IsNaN(stars) || math.IsInf(stars, 0) {
			return // not representable in JSON; the domain never holds them
		}
		m := domain.Movie{Title: title, Year: year, Stars: stars}
		want, err := json.Marshal(movieEnvelope{Data: m})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendMovieEnvelope(nil, m); string(got) != string(want) {
			t.Fatalf("encoded %+v as\n%s\nwant\n%s", m, got, want)
		}
	})
}

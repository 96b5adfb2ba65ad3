package domain

import (
	"testing"
)

// BenchmarkSanitizeAndID is the domain's share of POST /movies/add: the
// title rules and the SHA-1 ID, on a title that needs trimming and
// collapsing.
func BenchmarkSanitizeAndID(b *testing.B) {
	m := Movie{Title: "  The   Shawshank\tRedemption ", Year: 1994, Stars: 4.9}
	b.ReportAllocs()
	for b.Loop() {
		clean, err := m.Sanitize(now)
		if err != nil {
			b.Fatal(err)
		}
		if clean.ID() != "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb" {
			b.Fatal("wrong ID")
		}
	}
}

// BenchmarkParseMovieID is the domain's share of every GET, PUT and DELETE.
func BenchmarkParseMovieID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ParseMovieID("EC6EA9FC2B9DA8C3F328BD727934E7213125D9BB"); !ok {
			b.Fatal("rejected")
		}
	}
}

package redis

import (
	"encoding/json"
	"reflect"
	"testing"

	"movieapi/internal/domain"
)

// FuzzDecodeEntry holds the fast entry reader to encoding/json: for entries
// json.Marshal wrote, and for arbitrary bytes, both give the same result.
func FuzzDecodeEntry(f *testing.F) {
	f.Add("Inception", 2010, 4.8, int64(7), false)
	f.Add(`quote " and <html> & \ back`, 1880, 0.0, int64(1), false)
	f.Add("", 0, 1e-7, int64(0), true)
	f.Add("Ünïcödé \u2028", -5, 5.0, int64(1<<62), false)
	f.Fuzz(func(t *testing.T, title string, year int, stars float64, version int64, gone bool) {
		e := entry{Version: version, Gone: gone}
		if !gone {
			e.Movie = &domain.Movie{Title: title, Year: year, Stars: stars}
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return // NaN or infinite stars: never written
		}
		for _, input := range [][]byte{raw, []byte(title)} {
			var want entry
			wantErr := json.Unmarshal(input, &want)
			got, gotErr := decodeEntry(input)
			if (wantErr == nil) != (gotErr == nil) || (wantErr == nil && !reflect.DeepEqual(got, want)) {
				t.Fatalf("decode %q: got %+v (%v), want %+v (%v)", input, got, gotErr, want, wantErr)
			}
		}
	})
}

// Inputs the fast path must leave to encoding/json.
func TestDecodeEntryOddInputs(t *testing.T) {
	for _, raw := range []string{
		`{"v":01,"m":{"title":"x","year":1,"stars":1}}`,
		`{"v":1,"m":{"title":"x","year":1,"stars":Inf}}`,
		`{"v":1,"m":{"title":"x","year":1,"stars":0x1p-2}}`,
		"{\"v\":1,\"m\":{\"title\":\"\xff\",\"year\":1,\"stars\":1}}",
		`{"v":1,"m":{"title":"x","year":1,"stars":1}} `,
		`{"v":1,"m":{"title":"a\"b","year":1,"stars":1}}`,
	} {
		var want entry
		wantErr := json.Unmarshal([]byte(raw), &want)
		got, gotErr := decodeEntry([]byte(raw))
		if (wantErr == nil) != (gotErr == nil) || (wantErr == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("decode %q: got %+v (%v), want %+v (%v)", raw, got, gotErr, want, wantErr)
		}
	}
}

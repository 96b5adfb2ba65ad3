package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"movieapi/internal/apitest"
)

const (
	shawshankID = "ec6ea9fc2b9da8c3f328bd727934e7213125d9bb"
	inceptionID = "d5aee2b55b609fe5de3261d85fb592bc32d45fd3"
	testMovieID = "72f055c7ae05557664390e120e00878ff167f1fd"
)

func movieJSON(title string, year int, stars float64) string {
	return fmt.Sprintf(`{"title":%q,"year":%d,"stars":%v}`, title, year, stars)
}

func TestAddReturnsContractIDsAndLocation(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, tc := range []struct {
		body, id string
	}{
		{movieJSON("The Shawshank Redemption", 1994, 4.9), shawshankID},
		{movieJSON("Inception", 2010, 4.8), inceptionID},
		{`{"title":"  Test    Movie ","year":2023,"stars":3}`, testMovieID},
	} {
		resp := srv.Do(t, "POST", "/movies/add", tc.body)
		if resp.Status != http.StatusCreated {
			t.Fatalf("add %s: status %d %s", tc.body, resp.Status, resp.Body)
		}
		var got struct{ ID string }
		resp.JSON(t, &got)
		if got.ID != tc.id {
			t.Errorf("add %s: id %s, want %s", tc.body, got.ID, tc.id)
		}
		if loc := resp.Header.Get("Location"); loc != "/movies/get/"+tc.id {
			t.Errorf("Location = %q", loc)
		}
	}
	var got struct {
		Data struct {
			Title string
			Year  int
			Stars float64
		}
	}
	srv.Do(t, "GET", "/movies/get/"+testMovieID, nil).JSON(t, &got)
	if got.Data.Title != "Test Movie" || got.Data.Year != 2023 || got.Data.Stars != 3 {
		t.Errorf("stored movie = %+v, want the normalised title", got.Data)
	}
}

func TestGetAnswersDataEnvelope(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8))
	for _, id := range []string{inceptionID, strings.ToUpper(inceptionID)} {
		for range 2 { // a miss then a hit
			resp := srv.Do(t, "GET", "/movies/get/"+id, nil)
			if resp.Status != http.StatusOK {
				t.Fatalf("get %s: %d %s", id, resp.Status, resp.Body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			if body := strings.TrimSpace(string(resp.Body)); body != `{"data":{"title":"Inception","year":2010,"stars":4.8}}` {
				t.Errorf("body %s", body)
			}
		}
	}
}

func TestDuplicateAddConflictsWhateverTheStars(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8)); r.Status != http.StatusCreated {
		t.Fatalf("first add: %d", r.Status)
	}
	for _, body := range []string{movieJSON("Inception", 2010, 1), movieJSON("  inception ", 2010, 4.8), movieJSON("INCEPTION", 2010, 0)} {
		r := srv.Do(t, "POST", "/movies/add", body)
		if r.Status != http.StatusConflict {
			t.Errorf("add %s: %d, want 409", body, r.Status)
		}
		r.ErrorMessage(t)
	}
}

func TestMissingMovieAndHostileIDsAre404(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	for _, id := range []string{
		shawshankID, "zz6ea9fc2b9da8c3f328bd727934e7213125d9bb", "abc", strings.Repeat("a", 41),
		"%00", "..%2F..%2Fetc", strings.Repeat("x", 10000), "movie:*", "%2A",
	} {
		for _, method := range []string{"GET", "DELETE"} {
			path := map[string]string{"GET": "/movies/get/", "DELETE": "/movies/delete/"}[method] + id
			r := srv.Do(t, method, path, nil)
			if r.Status != http.StatusNotFound {
				t.Errorf("%s %.60s: %d, want 404", method, path, r.Status)
			}
			r.ErrorMessage(t)
		}
	}
}

func TestUpdateUpsertsAndKeepsPathID(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	id := strings.Repeat("ab", 20)
	r := srv.Do(t, "PUT", "/movies/update/"+strings.ToUpper(id), movieJSON(" Brand   New ", 2001, 2.5))
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != `{"data":{"title":"Brand New","year":2001,"stars":2.5}}` {
		t.Fatalf("upsert: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, "PUT", "/movies/update/"+id, movieJSON("Brand New", 2001, 5))
	if r.Status != http.StatusOK {
		t.Fatalf("overwrite: %d %s", r.Status, r.Body)
	}
	var got struct{ Data struct{ Stars float64 } }
	srv.Do(t, "GET", "/movies/get/"+id, nil).JSON(t, &got)
	if got.Data.Stars != 5 {
		t.Errorf("after overwrite stars = %v", got.Data.Stars)
	}
	// A row a PUT stored under another ID does not block an add of the movie.
	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Brand New", 2001, 1)); r.Status != http.StatusCreated {
		t.Errorf("add after PUT under another id: %d", r.Status)
	}
	for _, bad := range []string{"abc", strings.Repeat("g", 40), strings.Repeat("a", 39)} {
		r := srv.Do(t, "PUT", "/movies/update/"+bad, movieJSON("X", 2001, 1))
		if r.Status != http.StatusBadRequest {
			t.Errorf("PUT %s: %d, want 400", bad, r.Status)
		}
	}
}

func TestDeleteThen404(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 4.8))
	srv.Do(t, "GET", "/movies/get/"+inceptionID, nil) // cache it
	if r := srv.Do(t, "DELETE", "/movies/delete/"+inceptionID, nil); r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("delete: %d %q", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/movies/get/"+inceptionID, nil); r.Status != http.StatusNotFound {
		t.Errorf("get after delete: %d (stale cache?)", r.Status)
	}
	if r := srv.Do(t, "DELETE", "/movies/delete/"+inceptionID, nil); r.Status != http.StatusNotFound {
		t.Errorf("second delete: %d", r.Status)
	}
	if r := srv.Do(t, "POST", "/movies/add", movieJSON("Inception", 2010, 3)); r.Status != http.StatusCreated {
		t.Errorf("re-add after delete: %d", r.Status)
	}
}

func TestSanitisingBounds(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	year := time.Now().UTC().Year()
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"year 1879", movieJSON("Y1", 1879, 1), 400},
		{"year 1880", movieJSON("Y2", 1880, 1), 201},
		{"year now+5", movieJSON("Y3", year+5, 1), 201},
		{"year now+6", movieJSON("Y4", year+6, 1), 400},
		{"stars -0.01", movieJSON("S1", 2000, -0.01), 400},
		{"stars 0", movieJSON("S2", 2000, 0), 201},
		{"stars 5", movieJSON("S3", 2000, 5), 201},
		{"stars 5.01", movieJSON("S4", 2000, 5.01), 400},
		{"stars -0", `{"title":"S5","year":2000,"stars":-0}`, 201},
		{"white space title", `{"title":" \t\n\u00a0\u3000 ","year":2000,"stars":1}`, 400},
		{"empty title", `{"title":"","year":2000,"stars":1}`, 400},
		{"control character", `{"title":"bad\u0000title","year":2000,"stars":1}`, 400},
		{"escape character", `{"title":"bad\u001btitle","year":2000,"stars":1}`, 400},
		{"256 characters", movieJSON(strings.Repeat("é", 256), 2000, 1), 201},
		{"257 characters", movieJSON(strings.Repeat("é", 257), 2000, 1), 400},
		{"10000 characters", movieJSON(strings.Repeat("a", 10000), 2000, 1), 400},
		{"inner tabs collapse", `{"title":"a\t\tb","year":2000,"stars":1}`, 201},
	}
	for _, tc := range cases {
		r := srv.Do(t, "POST", "/movies/add", tc.body)
		if r.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
		}
		if r.Status >= 400 {
			r.ErrorMessage(t)
		}
	}
}

func TestConcurrentAddsGiveOne201(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = srv.Do(t, "POST", "/movies/add", movieJSON("Race", 2020, float64(i%5))).Status
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[201] != 1 || counts[409] != n-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", counts, n-1)
	}
}

// After a PUT has answered, no GET may return an older value, even while
// other readers are filling the cache from PostgreSQL at the same time.
func TestReadersNeverSeeValueOlderThanAnsweredPut(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	id := strings.Repeat("cd", 20)
	const writes = 40
	var (
		mu       sync.Mutex
		answered = -1 // highest stars value whose PUT has answered
	)
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				mu.Lock()
				floor := answered
				mu.Unlock()
				r := srv.Do(t, "GET", "/movies/get/"+id, nil)
				if r.Status == http.StatusNotFound && floor < 0 {
					continue
				}
				var got struct{ Data struct{ Year int } }
				r.JSON(t, &got)
				if got.Data.Year-1900 < floor {
					t.Errorf("read year %d after the PUT of year %d answered", got.Data.Year, floor+1900)
				}
			}
		})
	}
	for i := range writes {
		r := srv.Do(t, "PUT", "/movies/update/"+id, movieJSON("Versioned", 1900+i, 1))
		if r.Status != http.StatusOK {
			t.Fatalf("PUT %d: %d", i, r.Status)
		}
		mu.Lock()
		answered = i
		mu.Unlock()
	}
	close(done)
	readers.Wait()
}

// Command nearcache measures what the near cache changes beyond speed, for
// bench/run. Two modes, each printing one JSON object:
//
// staleness: a writer PUTs one movie on instance -writer, a reader GETs it
// in a tight loop on instance -reader; for each of -writes updates it
// records the time from the PUT's 200 to the reader's first answer showing
// the update, and counts answers that showed an older update than one the
// reader had already seen (reads that went backwards).
//
//	nearcache -mode staleness -writer http://127.0.0.1:8081 -reader http://127.0.0.1:8082 -writes 1000
//	{"writes":1000,"p50_ms":…,"p99_ms":…,"max_ms":…,"backwards":…,"reads":…,"late":…}
//
// walk: reads every id of -ids (one a line) once from -reader, with
// -concurrency requests at a time, so that an instance's near cache sees as
// many distinct movies as the file holds.
//
//	nearcache -mode walk -reader http://127.0.0.1:8082 -ids ids.txt
//	{"reads":…,"errors":…,"seconds":…}
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"movieapi/bench/internal/stats"
)

func main() {
	mode := flag.String("mode", "staleness", "staleness or walk")
	writer := flag.String("writer", "", "base URL of the instance that writes")
	reader := flag.String("reader", "", "base URL of the instance that reads")
	writes := flag.Int("writes", 1000, "updates to measure (staleness)")
	bound := flag.Duration("bound", 5*time.Second, "how long to wait for one update to show before counting it late")
	ids := flag.String("ids", "", "file of movie ids (walk)")
	concurrency := flag.Int("concurrency", 64, "requests at a time (walk)")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}, Timeout: 10 * time.Second}
	var err error
	switch *mode {
	case "staleness":
		err = staleness(client, *writer, *reader, *writes, *bound)
	case "walk":
		err = walk(client, *reader, *ids, *concurrency)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// staleness runs the writer and the reader; see the package comment.
func staleness(client *http.Client, writer, reader string, writes int, bound time.Duration) error {
	id := randomID()
	if err := put(client, writer, id, 0); err != nil {
		return err
	}
	r := &tightReader{client: client, url: reader + "/movies/get/" + id, seen: make([]atomic.Int64, writes+1)}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- r.run(stop) }()

	delays := make([]time.Duration, 0, writes)
	late := 0
	for n := 1; n <= writes; n++ {
		if err := put(client, writer, id, n); err != nil {
			close(stop)
			return err
		}
		answered := time.Now()
		deadline := answered.Add(bound)
		for r.seen[n].Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Microsecond)
		}
		first := r.seen[n].Load()
		if first == 0 {
			late++
			continue
		}
		delays = append(delays, max(time.Duration(first-answered.UnixNano()), 0))
	}
	close(stop)
	if err := <-done; err != nil {
		return err
	}
	slices.Sort(delays)
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"writes": writes, "p50_ms": stats.Ms(stats.Percentile(delays, 0.50)), "p99_ms": stats.Ms(stats.Percentile(delays, 0.99)),
		"max_ms": stats.Ms(stats.Percentile(delays, 1)), "backwards": r.backwards.Load(), "reads": r.reads.Load(), "late": late,
	})
}

// tightReader GETs one movie back to back and notes when each update first
// showed.
type tightReader struct {
	client    *http.Client
	url       string
	seen      []atomic.Int64 // update n → Unix ns of the first answer showing it
	reads     atomic.Int64
	backwards atomic.Int64
}

func (r *tightReader) run(stop <-chan struct{}) error {
	highest := -1
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		n, err := get(r.client, r.url)
		if err != nil {
			return err
		}
		now := time.Now().UnixNano()
		r.reads.Add(1)
		if n < highest {
			r.backwards.Add(1)
		}
		highest = max(highest, n)
		if n > 0 && n < len(r.seen) {
			r.seen[n].CompareAndSwap(0, now)
		}
	}
}

// put writes update n: the title carries n, the path keeps the id.
func put(client *http.Client, base, id string, n int) error {
	body := fmt.Sprintf(`{"title":"staleness %d","year":2000,"stars":1}`, n)
	resp, err := send(client, http.MethodPut, base+"/movies/update/"+id, strings.NewReader(body))
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %d: status %d", n, resp.StatusCode)
	}
	return nil
}

// get reads the movie and returns the update number in its title.
func get(client *http.Client, url string) (int, error) {
	resp, err := send(client, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET: status %d", resp.StatusCode)
	}
	_, rest, ok := strings.Cut(string(body), `"title":"staleness `)
	digits, _, _ := strings.Cut(rest, `"`)
	n, err := strconv.Atoi(digits)
	if !ok || err != nil {
		return 0, fmt.Errorf("GET: unexpected body %q", body)
	}
	return n, nil
}

// walk reads each id of the file once; see the package comment.
func walk(client *http.Client, reader, file string, concurrency int) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	ids := make(chan string, concurrency)
	var reads, failures atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for id := range ids {
				resp, err := send(client, http.MethodGet, reader+"/movies/get/"+id, nil)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
				reads.Add(1)
				if err != nil || resp.StatusCode != http.StatusOK {
					failures.Add(1)
				}
			}
		})
	}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if id := strings.TrimSpace(lines.Text()); id != "" {
			ids <- id
		}
	}
	close(ids)
	wg.Wait()
	if err := lines.Err(); err != nil {
		return err
	}
	if reads.Load() == 0 {
		return errors.New("walk: no ids in " + file)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"reads": reads.Load(), "errors": failures.Load(), "seconds": time.Since(start).Seconds(),
	})
}

// send makes one request; a body is JSON. The client's timeout bounds it.
func send(client *http.Client, method, url string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return client.Do(req)
}

func randomID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

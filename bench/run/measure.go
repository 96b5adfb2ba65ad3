package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// bench is one run's state: its settings, where its programs and files
// are, what it started, and the clients it measures with.
type bench struct {
	Settings
	work   string // a temporary directory, removed at the end
	runID  string
	prefix string // the Redis key prefix of this run's instances
	dbURL  string // this run's own database
	hitID  string // the movie of the cache-hit reads
	redis  *redis.Client
	http   *http.Client
}

// program is the path of a program built into the work directory.
func (b *bench) program(name string) string { return filepath.Join(b.work, name) }

// wrkReport is the line bench/wrk/report.lua prints after a run.
type wrkReport struct {
	Requests int64   `json:"requests"`
	Seconds  float64 `json:"seconds"`
	P50us    float64 `json:"p50_us"`
	P99us    float64 `json:"p99_us"`
	Errors   int64   `json:"errors"`
}

// parseWrk finds report.lua's "WRK {…}" line in wrk's output.
func parseWrk(out string) (wrkReport, error) {
	var r wrkReport
	for l := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(l, "WRK "); ok {
			err := json.Unmarshal([]byte(rest), &r)
			return r, err
		}
	}
	return r, errors.New("no WRK line in wrk's output (is bench/wrk/report.lua loaded?)")
}

// usage is what a process under load and the Redis server spent during a
// run: taken before, then turned into per-request figures after it.
type usage struct {
	pid   int
	ticks int64
	calls int64 // the Redis server's commands so far
}

func (b *bench) startUsage(ctx context.Context, pid int) (usage, error) {
	resetPeak(pid)
	ticks, err := cpuTicks(pid)
	if err != nil {
		return usage{}, err
	}
	calls, err := b.redisCommands(ctx)
	return usage{pid: pid, ticks: ticks, calls: calls}, err
}

// finish fills run's CPU, memory and Redis figures for its requests.
func (u usage) finish(ctx context.Context, b *bench, run *Run) error {
	ticks, err := cpuTicks(u.pid)
	if err != nil {
		return err
	}
	calls, err := b.redisCommands(ctx)
	if err != nil {
		return err
	}
	if n := float64(run.Requests); n > 0 {
		run.CPUus = float64(ticks-u.ticks) / userHZ * 1e6 / n
		run.RedisCmds = float64(calls-u.calls) / n
	}
	run.RSSMiB = peakRSSMiB(u.pid)
	return nil
}

// wrkArgs is wrk's command line: the bench's threads and connections for
// seconds against url, the script getting args.
func (b *bench) wrkArgs(seconds int, script, url string, args ...string) []string {
	argv := []string{
		"-t" + strconv.Itoa(b.Threads), "-c" + strconv.Itoa(b.Connections), "-d" + strconv.Itoa(seconds) + "s",
		"--timeout", "5s", "-s", script, url,
	}
	if len(args) > 0 {
		argv = append(append(argv, "--"), args...)
	}
	return argv
}

// wrk runs wrk (see wrkArgs) and returns its output.
func (b *bench) wrk(ctx context.Context, seconds int, script, url string, args ...string) (string, error) {
	out, err := command(ctx, "wrk", b.wrkArgs(seconds, script, url, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	return string(out), nil
}

// measureWrk runs a warm-up (unless warmup is false), then a measured wrk
// run against url; pid is the process whose CPU and memory count.
func (b *bench) measureWrk(ctx context.Context, url, script string, pid int, warmup bool, args ...string) (Run, error) {
	if warmup && b.WarmupS > 0 {
		_, _ = b.wrk(ctx, b.WarmupS, script, url, args...)
	}
	u, err := b.startUsage(ctx, pid)
	if err != nil {
		return Run{}, err
	}
	out, err := b.wrk(ctx, b.DurationS, script, url, args...)
	if err != nil {
		return Run{}, err
	}
	w, err := parseWrk(out)
	if err != nil {
		return Run{}, fmt.Errorf("%w\n%s", err, out)
	}
	run := Run{
		Requests: w.Requests, RPS: float64(w.Requests) / w.Seconds,
		P50ms: w.P50us / 1000, P99ms: w.P99us / 1000, Errors: w.Errors,
	}
	if err := u.finish(ctx, b, &run); err != nil {
		return Run{}, err
	}
	logRun(run)
	return run, nil
}

// measureSignIn runs bench/signin: it registers concurrency users, then
// signs them in for the run's duration. The registrations (a few ms of the
// service's CPU) are counted with the sign-ins.
func (b *bench) measureSignIn(ctx context.Context, base, origin string, pid, concurrency int) (Run, error) {
	u, err := b.startUsage(ctx, pid)
	if err != nil {
		return Run{}, err
	}
	var run Run
	if err := runJSON(ctx, &run, b.program("signin"), b.signInArgs(base, origin, concurrency, fmt.Sprintf("c%d-%s-", concurrency, b.runID))...); err != nil {
		return Run{}, err
	}
	if err := u.finish(ctx, b, &run); err != nil {
		return Run{}, err
	}
	logRun(run)
	return run, nil
}

// signInArgs are bench/signin's arguments: concurrency users, named after
// prefix, signing in at base for the run's duration.
func (b *bench) signInArgs(base, origin string, concurrency int, prefix string) []string {
	return []string{"-url", base, "-origin", origin, "-concurrency", strconv.Itoa(concurrency),
		"-duration", strconv.Itoa(b.DurationS) + "s", "-prefix", prefix}
}

// runJSON runs a program that prints one JSON object and decodes it into v.
func runJSON(ctx context.Context, v any, name string, args ...string) error {
	cmd := command(ctx, name, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("%s printed %q: %w", filepath.Base(name), out, err)
	}
	return nil
}

func logRun(r Run) {
	logf("  requests=%d rps=%s p50_ms=%s p99_ms=%s errors=%d cpu_us=%s rss_mib=%s redis_cmds=%s",
		r.Requests, f0(r.RPS), f3(r.P50ms), f3(r.P99ms), r.Errors, f0(r.CPUus), f1(r.RSSMiB), f3(r.RedisCmds))
}

// metrics are the current values of Prometheus series of the instance at
// base, from one scrape, truncated to integers; 0 for a series it has none of.
func (b *bench) metrics(ctx context.Context, base string, series ...string) ([]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: %s", base, resp.Status)
	}
	return seriesValues(resp.Body, series...)
}

// seriesValues finds "SERIES value" of each series in a Prometheus text
// exposition.
func seriesValues(r io.Reader, series ...string) ([]int64, error) {
	values := make([]int64, len(series))
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		for i, s := range series {
			if rest, ok := strings.CutPrefix(lines.Text(), s+" "); ok {
				v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", s, err)
				}
				values[i] = int64(v)
			}
		}
	}
	return values, lines.Err()
}

// answers is an HTTP GET of url that succeeds.
func (b *bench) answers(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 300 {
		return errors.New(resp.Status)
	}
	return nil
}

// addMovie posts one movie and returns its id; a later GET fills the cache.
func (b *bench) addMovie(ctx context.Context, base string) (string, error) {
	body := `{"title":"Inception","year":2010,"stars":4.8}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/movies/add", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	answer, _ := io.ReadAll(resp.Body)
	var added struct {
		ID string `json:"id"`
	}
	if resp.StatusCode >= 300 || json.Unmarshal(answer, &added) != nil || len(added.ID) != 40 {
		return "", fmt.Errorf("POST /movies/add: %s %s", resp.Status, bytes.TrimSpace(answer))
	}
	return added.ID, b.answers(ctx, base+"/movies/get/"+added.ID)
}

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
	Requests     int64   `json:"requests"`
	Seconds      float64 `json:"seconds"`
	P50us        float64 `json:"p50_us"`
	P99us        float64 `json:"p99_us"`
	Errors       int64   `json:"errors"`
	StatusErrors int64   `json:"status_errors"`
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
	calls redisCalls
}

func (b *bench) startUsage(ctx context.Context, pid int) (usage, error) {
	resetPeak(pid)
	ticks, err := cpuTicks(pid)
	if err != nil {
		return usage{}, err
	}
	calls, err := b.redisCalls(ctx)
	return usage{pid: pid, ticks: ticks, calls: calls}, err
}

// finish fills run's CPU, memory and Redis figures for its requests.
func (u usage) finish(ctx context.Context, b *bench, run *Run) error {
	ticks, err := cpuTicks(u.pid)
	if err != nil {
		return err
	}
	calls, err := b.redisCalls(ctx)
	if err != nil {
		return err
	}
	if n := float64(run.Requests); n > 0 {
		run.CPUus = float64(ticks-u.ticks) / userHZ * 1e6 / n
		run.RedisCmds = float64(calls.all-u.calls.all) / n
		run.RedisGets = float64(calls.gets-u.calls.gets) / n
	}
	run.RSSMiB = peakRSSMiB(u.pid)
	return nil
}

// wrk runs wrk with the bench's threads and connections for seconds
// against url, the script getting args; it returns wrk's output.
func (b *bench) wrk(ctx context.Context, seconds int, script, url string, args ...string) (string, error) {
	argv := []string{
		"-t" + strconv.Itoa(b.Threads), "-c" + strconv.Itoa(b.Connections), "-d" + strconv.Itoa(seconds) + "s",
		"--timeout", "5s", "-s", script, url,
	}
	if len(args) > 0 {
		argv = append(append(argv, "--"), args...)
	}
	out, err := command(ctx, "wrk", argv...).CombinedOutput()
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
	var s struct {
		Requests int64   `json:"requests"`
		RPS      float64 `json:"rps"`
		P50ms    float64 `json:"p50_ms"`
		P99ms    float64 `json:"p99_ms"`
		Errors   int64   `json:"errors"`
	}
	err = runJSON(ctx, &s, b.program("signin"), "-url", base, "-origin", origin,
		"-concurrency", strconv.Itoa(concurrency), "-duration", strconv.Itoa(b.DurationS)+"s",
		"-prefix", fmt.Sprintf("c%d-%s-", concurrency, b.runID))
	if err != nil {
		return Run{}, err
	}
	run := Run{Requests: s.Requests, RPS: s.RPS, P50ms: s.P50ms, P99ms: s.P99ms, Errors: s.Errors}
	if err := u.finish(ctx, b, &run); err != nil {
		return Run{}, err
	}
	logRun(run)
	return run, nil
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

// metric is the current value of one Prometheus series of the instance at
// base, truncated to an integer; 0 when it has none.
func (b *bench) metric(ctx context.Context, base, series string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s/metrics: %s", base, resp.Status)
	}
	return seriesValue(resp.Body, series)
}

// seriesValue finds "SERIES value" in a Prometheus text exposition.
func seriesValue(r io.Reader, series string) (int64, error) {
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), series+" "); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return int64(v), err
		}
	}
	return 0, lines.Err()
}

// answers is an HTTP GET of url that succeeds.
func (b *bench) answers(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
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
	return added.ID, b.answers(base + "/movies/get/" + added.ID)
}

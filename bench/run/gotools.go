package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// microBenchmarks are the testing.B benchmarks that need no services.
const microBenchmarks = `^Benchmark(MiddlewareChain|BareChi|WriteMovieJSON|SanitizeAndID|ES256Verify|LoginFinish|RegisterFinish)$`

// goMicroBenchmarks runs them, 2 s each, with their allocations.
func goMicroBenchmarks(ctx context.Context) ([]Micro, error) {
	out, err := command(ctx, "go", "test", "-run", "^$", "-bench", microBenchmarks,
		"-benchtime", "2s", "-benchmem", "./internal/domain/", "./internal/httpapi/", "./internal/passkeys/").Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	return parseGoBench(string(out)), nil
}

// parseGoBench reads go test -bench's result lines: the name without its
// -GOMAXPROCS suffix, and the values before ns/op, B/op and allocs/op.
func parseGoBench(out string) []Micro {
	var micro []Micro
	for l := range strings.Lines(out) {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		m := Micro{Name: f[0]}
		if i := strings.LastIndexByte(m.Name, '-'); i > 0 {
			if _, err := strconv.Atoi(m.Name[i+1:]); err == nil {
				m.Name = m.Name[:i]
			}
		}
		for i := 2; i < len(f); i++ {
			v, err := strconv.ParseFloat(f[i-1], 64)
			if err != nil {
				continue
			}
			switch f[i] {
			case "ns/op":
				m.NsPerOp = v
			case "B/op":
				m.BytesPerOp = v
			case "allocs/op":
				m.AllocsPerOp = v
			}
		}
		micro = append(micro, m)
	}
	return micro
}

// profileDuring records a CPU profile of the service (its admin listener
// at admin) into file while load runs, and returns its top functions by
// own time, then by cumulative time; "" when no profile came.
func (b *bench) profileDuring(ctx context.Context, admin, file string, load *exec.Cmd) string {
	got := make(chan error, 1)
	go func() {
		got <- fetch(ctx, b, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", admin, max(b.DurationS-1, 1)), file)
	}()
	_ = load.Run() // the load's own failures show as an empty or thin profile
	if err := <-got; err != nil {
		logf("no profile: %v", err)
		return ""
	}
	flat := pprofTop(ctx, file, "-top", "-nodecount=20")
	cum := pprofTop(ctx, file, "-top", "-cum", "-nodecount=40")
	return strings.TrimRight(flat+"\n"+cum, "\n")
}

// pprofTop is go tool pprof's table, from its header line on.
func pprofTop(ctx context.Context, file string, args ...string) string {
	out, _ := command(ctx, "go", append(append([]string{"tool", "pprof"}, args...), file)...).Output()
	s := string(out)
	if i := strings.Index(s, "flat%"); i >= 0 {
		return s[strings.LastIndexByte(s[:i], '\n')+1:]
	}
	return ""
}

// fetch saves the answer of a GET of url in file.
func fetch(ctx context.Context, b *bench, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := *b.http
	client.Timeout = 0 // the profile takes as long as it asks for
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	out, err := os.Create(file) //nolint:gosec // a file of the work directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

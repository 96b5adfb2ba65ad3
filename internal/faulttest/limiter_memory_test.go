package faulttest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/testenv"
)

// TestLimiterMemoryStaysBoundedWhileRedisIsDown: with Redis down the abuse
// limits fall back to a per-instance limiter. A flood of requests naming
// distinct 128 KiB usernames must not grow that limiter (or anything else)
// with what they send: the real binary's resident memory stays within
// 32 MiB of where it was, and every request gets a 4xx answer.
func TestLimiterMemoryStaysBoundedWhileRedisIsDown(t *testing.T) {
	testenv.RequireIntegration(t)
	rs := testenv.StartRedis(t)
	env := serveEnv(t)
	addr := closedAddr(t)
	env["REDIS_URL"], env["API_BIND_ADDR"], env["AXUM_LOG_LEVEL"] = rs.URL(), addr, "error"
	// High budgets, so every request gets past the per-address limit and
	// its username reaches the limiter (as it would from many addresses).
	env["AXUM_RATE_LIMIT_PER_MIN"] = "1000000"
	proc := startBinary(t, env)
	base := "http://" + addr
	apitest.WaitFor(t, "the service to answer", func() bool {
		r, err := http.Get(base + "/health")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == http.StatusOK
	})
	client := &http.Client{Timeout: hangBound}
	send := func(i int) int {
		name := strings.Repeat(strconv.Itoa(i%10), 128<<10-8) + fmt.Sprintf("%08d", i)
		body := []byte(`{"username":"` + name + `"}`)
		r, err := client.Post(base+"/webauthn/auth/start", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Errorf("request %d: %v", i, err)
			return 0
		}
		r.Body.Close()
		return r.StatusCode
	}
	for i := range 20 { // warm the process up before the baseline
		send(i)
	}
	before := residentBytes(t, proc.Process.Pid)
	rs.Kill()
	// Four clients at once: each request with Redis down waits for a
	// failed dial, and the answers, not the waits, are what is tested.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < 1000; i += 4 {
				if s := send(1000 + i); s < 400 || s >= 500 {
					t.Errorf("request %d with Redis down answered %d, want a 4xx", i, s)
					return
				}
			}
		})
	}
	wg.Wait()
	after := residentBytes(t, proc.Process.Pid)
	t.Logf("resident memory %d MiB before, %d MiB after 1,000 requests with Redis down", before>>20, after>>20)
	if after > before+32<<20 {
		t.Fatalf("resident memory grew by %d MiB, want at most 32", (after-before)>>20)
	}
}

// startBinary builds cmd/movieapi and runs `movieapi serve` with env alone;
// it is killed when the test ends.
func startBinary(t *testing.T, env map[string]string) *exec.Cmd {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "movieapi")
	build := exec.Command("go", "build", "-o", bin, "movieapi/cmd/movieapi")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("service log:\n%s", logs.String())
		}
	})
	return cmd
}

// residentBytes is VmRSS of a process, from /proc.
func residentBytes(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

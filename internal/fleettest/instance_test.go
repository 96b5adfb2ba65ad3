package fleettest

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// exitBound bounds waiting for an instance to exit after a signal: its
// drain delay plus the service's 20 s for in-flight requests. It only
// stops a hang.
const exitBound = 40 * time.Second

// instance is the service running as a process of its own (this test
// binary in serve mode, see TestMain), on a port it keeps across restarts.
type instance struct {
	name string
	addr string
	env  []string
	dir  string // working directory (no .env in it) and log file

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// startInstance starts the service with the given settings (variables of
// contract §9) and waits until it is ready; it is killed when the test
// ends. The test's own environment is passed on without the service's
// variables, so nothing but settings decides how it runs.
func startInstance(t testing.TB, name string, settings map[string]string) *instance {
	t.Helper()
	i := &instance{name: name, addr: "127.0.0.1:" + strconv.Itoa(freePort(t)), dir: t.TempDir()}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "AXUM_") && k != "DATABASE_URL" &&
			k != "REDIS_URL" && k != "API_BIND_ADDR" {
			i.env = append(i.env, kv)
		}
	}
	i.env = append(i.env, serveEnv+"=1", "API_BIND_ADDR="+i.addr)
	for k, v := range settings {
		i.env = append(i.env, k+"="+v)
	}
	t.Cleanup(func() { i.signal(syscall.SIGKILL) })
	i.start(t)
	return i
}

// URL is the instance's base URL.
func (i *instance) URL() string { return "http://" + i.addr }

// start runs the process and waits until its readiness check answers 200.
func (i *instance) start(t testing.TB) {
	t.Helper()
	i.mu.Lock()
	log, err := os.OpenFile(i.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		i.mu.Unlock()
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		i.mu.Unlock()
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = i.env, i.dir, log, log
	if err := cmd.Start(); err != nil {
		i.mu.Unlock()
		t.Fatalf("%s: start: %v", i.name, err)
	}
	_ = log.Close() // the process has its own copy
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // a signalled exit is expected
		close(exited)
	}()
	i.cmd, i.exited = cmd, exited
	i.mu.Unlock()

	deadline := time.Now().Add(exitBound)
	client := &http.Client{Timeout: 3 * time.Second}
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited while starting:\n%s", i.name, i.logTail())
		default:
		}
		if resp, err := client.Get(i.URL() + "/health?mode=full"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s:\n%s", i.name, exitBound, i.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends sig and waits until the process has exited; it reports
// whether the exit was clean (status 0).
func (i *instance) stop(t testing.TB, sig syscall.Signal) bool {
	t.Helper()
	cmd, exited := i.signal(sig)
	if cmd == nil {
		return false
	}
	select {
	case <-exited:
	case <-time.After(exitBound):
		t.Fatalf("%s still runs %s after %s:\n%s", i.name, exitBound, sig, i.logTail())
	}
	return cmd.ProcessState.Success()
}

// signal sends sig to the running process, if any.
func (i *instance) signal(sig syscall.Signal) (*exec.Cmd, chan struct{}) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.cmd == nil {
		return nil, nil
	}
	_ = i.cmd.Process.Signal(sig) // fails only if it already exited
	cmd, exited := i.cmd, i.exited
	if sig == syscall.SIGKILL {
		<-exited
	}
	return cmd, exited
}

func (i *instance) logPath() string { return filepath.Join(i.dir, "instance.log") }

// logTail is the end of the instance's log, for failure messages.
func (i *instance) logTail() string {
	b, _ := os.ReadFile(i.logPath())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freePort asks the kernel for a free TCP port on 127.0.0.1; the instance
// binds it a moment later (it fails loudly if someone took it meanwhile).
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

package testenv

import (
	"bytes"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"movieapi/internal/provision"
)

// RedisServer is a redis-server process owned by one test, for tests that
// stop, kill or restart Redis and so must not touch the shared one. It keeps
// no data on disk: a restart comes back empty.
type RedisServer struct {
	t      testing.TB
	binary string
	dir    string
	port   int
	// conf is a configuration file read first (Sentinel needs one it can
	// rewrite); "" for none. extra follows the standard arguments.
	conf  string
	extra []string

	mu   sync.Mutex
	proc *redisProcess // nil while stopped
}

// redisProcess is one run of redis-server; exited closes when it ends.
type redisProcess struct {
	cmd    *exec.Cmd
	output *bytes.Buffer // stdout+stderr, shown when it fails to start
	exited chan struct{}
}

// readyTimeout bounds waiting for a fresh redis-server to answer PING. It
// only stops a hang; the wait itself polls.
const readyTimeout = 30 * time.Second

// StartRedis starts redis-server (from PATH) on a free 127.0.0.1 port, in a
// temporary directory, without persistence, and waits until it answers. The
// server is stopped when the test ends.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	return StartRedisWith(t, freePort(t))
}

// StartRedisWith is StartRedis on a given port, with extra redis-server
// arguments ("--replicaof", "127.0.0.1", "6380", …) after the standard ones.
func StartRedisWith(t testing.TB, port int, extra ...string) *RedisServer {
	t.Helper()
	s := newRedisServer(t, port)
	s.extra = extra
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// newRedisServer finds redis-server and prepares a server; it does not start it.
func newRedisServer(t testing.TB, port int) *RedisServer {
	t.Helper()
	RequireIntegration(t)
	binary, err := provision.RedisServerBinary(t.Context(), newApt(t))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	logVersion(t, binary, "--version")
	return &RedisServer{t: t, binary: binary, dir: t.TempDir(), port: port}
}

// Port is the server's TCP port on 127.0.0.1.
func (s *RedisServer) Port() int { return s.port }

// Addr is the server's host:port.
func (s *RedisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL is the server's redis:// URL (database 0).
func (s *RedisServer) URL() string { return "redis://" + s.Addr() + "/0" }

// Start starts the server again on the same port (after Stop or Kill) and
// waits until it answers. Starting a running server does nothing. Call it
// from the test's goroutine: it fails the test when the server does not come
// up.
func (s *RedisServer) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return
	}
	cmd := exec.Command(s.binary, s.args()...)
	p := &redisProcess{cmd: cmd, output: &bytes.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("testenv: start redis-server: %v", err)
	}
	go func() {
		_ = cmd.Wait() // the exit status of a stopped or killed server is expected
		close(p.exited)
	}()
	s.proc = p
	if err := waitReady(s.URL(), "redis-server", p.exited, provision.RedisAnswers); err != nil {
		s.stopLocked(syscall.SIGKILL)
		s.t.Fatalf("testenv: redis-server on port %d: %v\n%s", s.port, err, p.output.String())
	}
}

// args are the command line: the configuration file (if any), the
// standard options, then the extra ones.
func (s *RedisServer) args() []string {
	var args []string
	if s.conf != "" {
		args = append(args, s.conf)
	}
	args = append(args, provision.RedisArgs(s.port, s.dir)...)
	args = append(args, "--daemonize", "no")
	if s.conf == "" { // Sentinel keeps no data, and refuses data options
		args = append(args, provision.RedisDataArgs()...)
	}
	return append(args, s.extra...)
}

// running reports whether the server process is up.
func (s *RedisServer) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil
}

// Stop shuts the server down gracefully and waits for it to exit.
func (s *RedisServer) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGTERM)
}

// Kill ends the server abruptly (SIGKILL), as a crash would, and waits for
// the process to be gone.
func (s *RedisServer) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGKILL)
}

func (s *RedisServer) stopLocked(sig syscall.Signal) {
	if s.proc == nil {
		return
	}
	_ = s.proc.cmd.Process.Signal(sig) // fails only if it already exited
	<-s.proc.exited
	s.proc = nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1. Another process
// could take it before redis-server binds it; Start then fails loudly.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreePort is a 127.0.0.1 port nobody listens on, for a server a test
// starts itself.
func FreePort(t testing.TB) int { return freePort(t) }

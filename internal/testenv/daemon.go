package testenv

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"movieapi/internal/provision"
)

// daemon is one engine process owned by a test (pgbouncer, haproxy): its
// output is kept for failure messages, and it is stopped when the test ends.
type daemon struct {
	name   string
	cmd    *exec.Cmd
	output *syncBuffer
	exited chan struct{}
}

// stopTimeout bounds a graceful stop before the process is killed.
const stopTimeout = 10 * time.Second

// startDaemon starts cmd and stops it (SIGTERM, then SIGKILL after
// stopTimeout) when the test ends.
func startDaemon(t testing.TB, name string, cmd *exec.Cmd) *daemon {
	t.Helper()
	d := &daemon{name: name, cmd: cmd, output: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.output, d.output
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start %s: %v", name, err)
	}
	go func() {
		_ = cmd.Wait() // the exit status of a stopped process is expected
		close(d.exited)
	}()
	t.Cleanup(d.stop)
	return d
}

// stop ends the process and waits for it.
func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	select {
	case <-d.exited:
	case <-time.After(stopTimeout):
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// waitUntil polls ready until it holds, failing the test with the
// process's output when the process exits first or engineTimeout passes.
func (d *daemon) waitUntil(t testing.TB, what string, ready func() bool) {
	t.Helper()
	deadline := time.Now().Add(engineTimeout)
	for !ready() {
		select {
		case <-d.exited:
			t.Fatalf("testenv: %s exited before %s:\n%s", d.name, what, d.output.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: %s: gave up waiting for %s after %s:\n%s", d.name, what, engineTimeout, d.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a process writing and a test reading.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitReady waits until probe(url) succeeds (provision's probes: the same
// ones make run uses), failing early when the process exits first.
func waitReady(url, what string, exited <-chan struct{}, probe func(context.Context, string) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := provision.WaitFor(ctx, readyTimeout, what, func(ctx context.Context) error { return probe(ctx, url) })
	if err == nil {
		return nil
	}
	select {
	case <-exited:
		return errors.New("exited before answering")
	default:
		return err
	}
}

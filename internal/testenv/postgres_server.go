package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/postgres"
	"movieapi/internal/provision"
)

// PostgresServer is a PostgreSQL cluster owned by one test, for tests that
// stop, kill or restart PostgreSQL and so must not touch the shared server.
// Unlike RedisServer it keeps its data across restarts: a restart after Kill
// runs crash recovery, as a real crash would.
type PostgresServer struct {
	t       testing.TB
	cluster *provision.PostgresCluster // binaries and data directory
	root    string                     // holds data and sockets; removed at cleanup
	sockets string
	port    int

	mu       sync.Mutex
	proc     *postgresProcess // nil while stopped
	migrated bool
}

// postgresProcess is one run of the server; exited closes when it ends.
type postgresProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// MigratedDatabase is the database MigratedURL creates and migrates.
const MigratedDatabase = "movieapi"

// serverLogName is the server's log file, inside the data directory.
const serverLogName = "server.log"

// StartPostgres creates a throwaway cluster (initdb, trust authentication,
// no fsync) in a temporary directory, starts it on a free 127.0.0.1 port and
// waits until it accepts connections. The server is stopped and its files
// removed when the test ends. As root, missing server binaries are
// installed (Debian's postgresql package) and the server runs as the
// postgres user.
func StartPostgres(t testing.TB) *PostgresServer {
	t.Helper()
	RequireIntegration(t)
	bin, err := provision.PostgresBinDirOrInstall(t.Context(), newApt(t), "")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	// Not t.TempDir(): that directory is private to root, and the server
	// runs as the postgres user, who must be able to reach its files.
	root, err := os.MkdirTemp("", "movieapi-pg-")
	if err != nil {
		t.Fatalf("testenv: temporary directory for PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(root); err != nil {
			t.Errorf("testenv: remove PostgreSQL files: %v", err)
		}
	})
	s := &PostgresServer{t: t, cluster: provision.NewPostgresCluster(bin, filepath.Join(root, "data")),
		root: root, sockets: filepath.Join(root, "sockets"), port: freePort(t)}
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatalf("testenv: open the PostgreSQL directory to its user: %v", err)
	}
	if err := os.Mkdir(s.sockets, 0o755); err != nil {
		t.Fatalf("testenv: create socket directory: %v", err)
	}
	if err := s.cluster.GiveToServer(s.sockets); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := s.cluster.Init(t.Context()); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// command runs one of the server binaries, as the postgres user when needed.
func (s *PostgresServer) command(name string, args ...string) *exec.Cmd {
	// Not the test's context: the server outlives a subtest that restarts it.
	return s.cluster.Command(context.Background(), name, args...)
}

// URL is the postgres:// URL of database dbname on this server.
func (s *PostgresServer) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, dbname)
}

// MigratedURL returns the URL of MigratedDatabase, creating it and applying
// every migration on first use (with the service's own migration code). The
// server must be running. Call it from the test's goroutine.
func (s *PostgresServer) MigratedURL() string {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	url := s.URL(MigratedDatabase)
	if s.migrated {
		return url
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		s.t.Fatalf("testenv: connect to the throwaway PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+quote(MigratedDatabase)); err != nil {
		s.t.Fatalf("testenv: create database %s: %v", MigratedDatabase, err)
	}
	if err := postgres.MigrateUp(ctx, url); err != nil {
		s.t.Fatalf("testenv: migrate database %s: %v", MigratedDatabase, err)
	}
	s.migrated = true
	return url
}

// Start starts the server (again, after Stop or Kill) on the same port and
// data directory and waits until it accepts connections; after a Kill that
// includes crash recovery. Starting a running server does nothing. Call it
// from the test's goroutine: it fails the test when the server does not come
// up.
func (s *PostgresServer) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return
	}
	logPath := filepath.Join(s.cluster.Data, serverLogName)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.t.Fatalf("testenv: open the PostgreSQL log: %v", err)
	}
	defer logFile.Close() // the server has its own copy of the descriptor
	cmd := s.command("postgres", "-D", s.cluster.Data, "-p", strconv.Itoa(s.port), "-k", s.sockets,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("testenv: start postgres: %v", err)
	}
	p := &postgresProcess{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status of a stopped or killed server is expected
		close(p.exited)
	}()
	s.proc = p
	if err := waitReady(s.URL("postgres"), "postgres", p.exited, provision.PostgresAnswers); err != nil {
		s.killLocked()
		log, _ := os.ReadFile(logPath)
		s.t.Fatalf("testenv: postgres on port %d: %v\n%s", s.port, err, log)
	}
}

// Stop shuts the server down in "fast" mode (open transactions are rolled
// back, clients disconnected, a clean checkpoint written) and waits until it
// and all its processes are gone.
func (s *PostgresServer) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	select {
	case <-s.proc.exited: // it ended by itself; nothing to stop
	default:
		// -w waits until the postmaster has removed its pid file, which it
		// does after every child process has exited.
		if err := s.cluster.Stop(context.Background()); err != nil {
			s.t.Errorf("testenv: %v", err)
			s.killLocked()
			return
		}
	}
	<-s.proc.exited
	s.proc = nil
}

// Kill ends the postmaster abruptly (SIGKILL), as a crash would, and waits
// until it and the processes it had started are gone. The next Start runs
// crash recovery.
func (s *PostgresServer) Kill() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

func (s *PostgresServer) killLocked() {
	s.t.Helper()
	if s.proc == nil {
		return
	}
	select {
	case <-s.proc.exited: // it ended by itself; its pid may already be reused
		s.proc = nil
		return
	default:
	}
	// Without root, the process we started is the postmaster; as root it is
	// runuser, whose only child is.
	pid := s.proc.cmd.Process.Pid
	if s.cluster.AsPostgres {
		if kids := provision.ChildProcesses(pid); len(kids) == 1 {
			pid = kids[0]
		}
	}
	children := provision.ChildProcesses(pid)
	_ = syscall.Kill(pid, syscall.SIGKILL) // fails only if it already exited
	<-s.proc.exited
	s.proc = nil
	// The backends notice the postmaster's death and exit by themselves; a
	// new postmaster refuses to start while they still hold shared memory.
	if err := provision.WaitGone(children, readyTimeout); err != nil {
		s.t.Errorf("testenv: after killing postgres: %v", err)
	}
}

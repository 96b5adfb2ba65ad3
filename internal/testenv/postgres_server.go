package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/postgres"
)

// PostgresServer is a PostgreSQL cluster owned by one test, for tests that
// stop, kill or restart PostgreSQL and so must not touch the shared server.
// Unlike RedisServer it keeps its data across restarts: a restart after Kill
// runs crash recovery, as a real crash would.
type PostgresServer struct {
	t       testing.TB
	bin     string // directory of initdb, postgres and pg_ctl
	root    string // holds data and sockets; removed at cleanup
	data    string
	sockets string
	port    int
	// asPostgres runs every binary as the postgres user: initdb and the
	// server refuse to run as root.
	asPostgres bool

	mu       sync.Mutex
	proc     *postgresProcess // nil while stopped
	migrated bool
}

// postgresProcess is one run of the server; exited closes when it ends.
type postgresProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// Where Debian installs the server binaries, one directory per major version.
const postgresBinGlob = "/usr/lib/postgresql/*/bin"

// MigratedDatabase is the database MigratedURL creates and migrates.
const MigratedDatabase = "movieapi"

// serverLogName is the server's log file, inside the data directory.
const serverLogName = "server.log"

// StartPostgres creates a throwaway cluster (initdb, trust authentication,
// no fsync) in a temporary directory, starts it on a free 127.0.0.1 port and
// waits until it accepts connections. The server is stopped and its files
// removed when the test ends.
func StartPostgres(t testing.TB) *PostgresServer {
	t.Helper()
	RequireIntegration(t)
	bin := postgresBinDir(t)
	s := &PostgresServer{t: t, bin: bin, port: freePort(t), asPostgres: os.Geteuid() == 0}
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
	s.root, s.data, s.sockets = root, filepath.Join(root, "data"), filepath.Join(root, "sockets")
	s.prepareDirs()
	out, err := s.command("initdb", "-D", s.data, "--auth=trust", "--no-sync", "-U", "postgres",
		// UTF-8 whatever the machine's locale: titles are Unicode.
		"--encoding=UTF8", "--locale=C").CombinedOutput()
	if err != nil {
		t.Fatalf("testenv: initdb: %v\n%s", err, out)
	}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// postgresBinDir finds the server binaries (initdb, postgres, pg_ctl): on
// PATH (Homebrew, Nix, distributions that link them into /usr/bin), else
// where pg_config says they are, else the newest of Debian's versioned
// directories.
func postgresBinDir(t testing.TB) string {
	t.Helper()
	if initdb, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(initdb)
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir
		}
	}
	dirs, _ := filepath.Glob(postgresBinGlob) // the pattern is valid
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		t.Fatalf("testenv: no PostgreSQL server binaries (initdb) on PATH, from pg_config or in %s; "+
			"install them (Debian: apt-get install postgresql; macOS: brew install postgresql)", postgresBinGlob)
	}
	sort.Slice(found, func(i, j int) bool { return majorVersion(found[i]) > majorVersion(found[j]) })
	return found[0]
}

// majorVersion reads 15 from /usr/lib/postgresql/15/bin (0 if not a number).
func majorVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// prepareDirs creates the data and socket directories, owned by the user the
// server runs as.
func (s *PostgresServer) prepareDirs() {
	s.t.Helper()
	if err := os.Mkdir(s.data, 0o700); err != nil {
		s.t.Fatalf("testenv: create data directory: %v", err)
	}
	if err := os.Mkdir(s.sockets, 0o755); err != nil {
		s.t.Fatalf("testenv: create socket directory: %v", err)
	}
	if !s.asPostgres {
		return
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		s.t.Fatalf("testenv: running as root, PostgreSQL must run as the postgres user, which does not exist: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chmod(s.root, 0o755); err != nil {
		s.t.Fatalf("testenv: open the PostgreSQL directory to its user: %v", err)
	}
	for _, dir := range []string{s.data, s.sockets} {
		if err := os.Chown(dir, uid, gid); err != nil {
			s.t.Fatalf("testenv: hand %s to the postgres user: %v", dir, err)
		}
	}
}

// command runs one of the server binaries, as the postgres user when needed.
func (s *PostgresServer) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.asPostgres {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
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
	logPath := filepath.Join(s.data, serverLogName)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.t.Fatalf("testenv: open the PostgreSQL log: %v", err)
	}
	defer logFile.Close() // the server has its own copy of the descriptor
	cmd := s.command("postgres", "-D", s.data, "-p", strconv.Itoa(s.port), "-k", s.sockets,
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
	if err := waitForPostgres(s.URL("postgres"), p.exited); err != nil {
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
		out, err := s.command("pg_ctl", "stop", "-D", s.data, "-m", "fast", "-w").CombinedOutput()
		if err != nil {
			s.t.Errorf("testenv: pg_ctl stop: %v\n%s", err, out)
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
	if s.asPostgres {
		if kids := childProcesses(pid); len(kids) == 1 {
			pid = kids[0]
		}
	}
	children := childProcesses(pid)
	_ = syscall.Kill(pid, syscall.SIGKILL) // fails only if it already exited
	<-s.proc.exited
	s.proc = nil
	// The backends notice the postmaster's death and exit by themselves; a
	// new postmaster refuses to start while they still hold shared memory.
	if err := waitGone(children, readyTimeout); err != nil {
		s.t.Errorf("testenv: after killing postgres: %v", err)
	}
}

// waitForPostgres polls until the server accepts a connection, the process
// exits, or readyTimeout passes. Refused connections (not listening yet) and
// "the database system is starting up" (crash recovery) are both retried.
func waitForPostgres(url string, exited <-chan struct{}) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	cfg.ConnectTimeout = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-exited:
			return errors.New("exited before accepting connections")
		case <-ctx.Done():
			return fmt.Errorf("no connection within %s: %w", readyTimeout, err)
		case <-poll.C:
		}
	}
}

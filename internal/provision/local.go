package provision

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// localPostgresSettings make the project-local PostgreSQL a development
// instance: TCP on loopback only, no socket file, durability traded for speed.
var localPostgresSettings = []string{
	"# project-local development instance (go run ./cmd/dev up)",
	"listen_addresses = '127.0.0.1'",
	"unix_socket_directories = ''",
	"max_connections = 200",
	"fsync = off",
	"synchronous_commit = off",
	"full_page_writes = off",
}

// postgresDirs are the places the project-local data directory may be:
// under .data/, or, when the postgres user cannot reach .data/ (a checkout
// inside /root, say), in /var/tmp under a name tied to this checkout.
func (p *Provisioner) postgresDirs() []string {
	return []string{filepath.Join(p.dataDir(), "postgres"), p.postgresFallbackDir()}
}

func (p *Provisioner) postgresFallbackDir() string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(p.Root)) // a hash never fails to write
	return filepath.Join(os.TempDir(), "movieapi-"+strconv.FormatUint(uint64(h.Sum32()), 10), "postgres")
}

// postgresLocalDir is where a new project-local cluster goes.
func (p *Provisioner) postgresLocalDir(ctx context.Context, asPostgres bool) (string, error) {
	if err := os.MkdirAll(p.dataDir(), 0o755); err != nil {
		return "", err
	}
	for _, dir := range p.postgresDirs() { // an existing cluster stays where it is
		if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
			return dir, nil
		}
	}
	if !asPostgres || exec.CommandContext(ctx, "runuser", "-u", "postgres", "--", "test", "-x", p.dataDir()).Run() == nil {
		return p.postgresDirs()[0], nil
	}
	dir := p.postgresFallbackDir()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	return dir, os.Chmod(filepath.Dir(dir), 0o755)
}

// startLocalPostgres starts (or finds running) the project-local PostgreSQL
// on port.
func (p *Provisioner) startLocalPostgres(ctx context.Context, port int) error {
	bin, err := PostgresBinDirOrInstall(ctx, p.apt(), p.Getenv("POSTGRES_BINDIR"))
	if err != nil {
		return err
	}
	probe := NewPostgresCluster(bin, "")
	dir, err := p.postgresLocalDir(ctx, probe.AsPostgres)
	if err != nil {
		return err
	}
	c := NewPostgresCluster(bin, dir)
	if !c.Initialized() {
		p.logf("initdb %s", dir)
		if err := c.Init(ctx, localPostgresSettings...); err != nil {
			return err
		}
	}
	if running, ok := c.Running(ctx); ok {
		if running == port {
			return nil
		}
		return fmt.Errorf("the project-local PostgreSQL already runs on port %d, not %d: run go run ./cmd/dev down first", running, port)
	}
	logFile := filepath.Join(dir, "server.log")
	p.logf("starting PostgreSQL on 127.0.0.1:%d (data: %s, log: %s)", port, dir, logFile)
	return c.Start(ctx, port, logFile)
}

// localPostgres is the running project-local cluster and its port.
func (p *Provisioner) localPostgres(ctx context.Context) (*PostgresCluster, int, bool) {
	bin, err := PostgresBinDir(ctx, p.Getenv("POSTGRES_BINDIR"))
	if err != nil {
		return nil, 0, false
	}
	for _, dir := range p.postgresDirs() {
		c := NewPostgresCluster(bin, dir)
		if port, ok := c.Running(ctx); ok {
			return c, port, true
		}
	}
	return nil, 0, false
}

// stopLocalPostgres stops the project-local PostgreSQL; false when none ran.
func (p *Provisioner) stopLocalPostgres(ctx context.Context) (bool, error) {
	c, _, ok := p.localPostgres(ctx)
	if !ok {
		return false, nil
	}
	p.logf("stopping the project-local PostgreSQL (%s)", c.Data)
	return true, c.Stop(ctx)
}

func (p *Provisioner) redisDir() string { return filepath.Join(p.dataDir(), "redis") }

// localRedisPID is the pid of the running project-local redis-server.
func (p *Provisioner) localRedisPID() (int, bool) {
	raw, err := os.ReadFile(filepath.Join(p.redisDir(), "redis.pid"))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || gone(pid) {
		return 0, false
	}
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return pid, strings.Contains(string(cmdline), "redis-server")
}

// localRedisOn reports whether the project-local redis-server runs on port.
// Once started, Redis shows its address in its command line
// ("redis-server 127.0.0.1:56379").
func (p *Provisioner) localRedisOn(port int) bool {
	pid, ok := p.localRedisPID()
	if !ok {
		return false
	}
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	s, want := string(cmdline)+"\x00", strconv.Itoa(port)
	return strings.Contains(s, ":"+want+"\x00") || strings.Contains(s, ":"+want+" ") ||
		strings.Contains(s, "--port\x00"+want+"\x00")
}

// startLocalRedis starts the project-local Redis on port (no persistence).
func (p *Provisioner) startLocalRedis(ctx context.Context, port int) error {
	if _, ok := p.localRedisPID(); ok {
		return fmt.Errorf("the project-local Redis runs but does not answer on port %d: run go run ./cmd/dev down first", port)
	}
	server, err := RedisServerBinary(ctx, p.apt())
	if err != nil {
		return err
	}
	dir := p.redisDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	logFile := filepath.Join(dir, "redis.log")
	p.logf("starting Redis on 127.0.0.1:%d (log: %s)", port, logFile)
	args := append(RedisArgs(port, dir), RedisNoPersistence()...)
	args = append(args, "--daemonize", "yes", "--pidfile", filepath.Join(dir, "redis.pid"), "--logfile", logFile)
	if out, err := exec.CommandContext(ctx, server, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-server: %w\n%s", err, out)
	}
	return nil
}

// stopLocalRedis stops the project-local Redis; false when none ran.
func (p *Provisioner) stopLocalRedis() (bool, error) {
	pid, ok := p.localRedisPID()
	if !ok {
		return false, nil
	}
	p.logf("stopping the project-local Redis (pid %d)", pid)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return true, err
	}
	if err := WaitGone([]int{pid}, 10*time.Second); err != nil {
		return true, err
	}
	// Redis removes its pid file when it shuts down cleanly.
	if err := os.Remove(filepath.Join(p.redisDir(), "redis.pid")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return true, err
	}
	return true, nil
}

package provision

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// PostgresCluster is a PostgreSQL data directory and the binaries that run
// it. initdb and the server refuse to run as root, so as root every binary
// runs as the postgres user, who owns the data directory.
type PostgresCluster struct {
	Bin  string // directory of initdb, pg_ctl and postgres
	Data string // the data directory
	// AsPostgres runs the binaries as the postgres user (set when root).
	AsPostgres bool
}

// NewPostgresCluster is the cluster in data run by the binaries in bin, as
// the postgres user when the process runs as root.
func NewPostgresCluster(bin, data string) *PostgresCluster {
	return &PostgresCluster{Bin: bin, Data: data, AsPostgres: os.Geteuid() == 0}
}

// Command runs one of the server binaries, as the postgres user when needed
// (from /, which that user can always enter).
func (c *PostgresCluster) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.Bin, name)
	if !c.AsPostgres {
		return exec.CommandContext(ctx, path, args...)
	}
	cmd := exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	cmd.Dir = "/"
	return cmd
}

// GiveToServer makes paths (directories the caller created) the server
// user's: a no-op unless AsPostgres.
func (c *PostgresCluster) GiveToServer(paths ...string) error {
	if !c.AsPostgres {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root, PostgreSQL must run as the postgres user, which does not exist: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return fmt.Errorf("hand %s to the postgres user: %w", p, err)
		}
	}
	return nil
}

// Initialized reports whether the data directory holds a cluster.
func (c *PostgresCluster) Initialized() bool {
	info, err := os.Stat(filepath.Join(c.Data, "PG_VERSION"))
	return err == nil && info.Size() > 0
}

// Init creates the data directory (its parent must exist) and a cluster in
// it: trust authentication for the postgres user, UTF-8 whatever the
// machine's locale (titles are Unicode), no fsync during initdb. settings are
// postgresql.conf lines appended after initdb.
func (c *PostgresCluster) Init(ctx context.Context, settings ...string) error {
	if err := os.Mkdir(c.Data, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create the data directory: %w", err)
	}
	if err := c.GiveToServer(c.Data); err != nil {
		return err
	}
	out, err := c.Command(ctx, "initdb", "-D", c.Data, "--auth=trust", "--username=postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb %s: %w\n%s", c.Data, err, out)
	}
	if len(settings) == 0 {
		return nil
	}
	conf, err := os.OpenFile(filepath.Join(c.Data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(conf, "\n%s\n", strings.Join(settings, "\n"))
	return errors.Join(err, conf.Close())
}

// Running reports whether the server of this data directory runs, and on
// which port (from postmaster.pid).
func (c *PostgresCluster) Running(ctx context.Context) (port int, running bool) {
	raw, err := os.ReadFile(filepath.Join(c.Data, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	if c.Command(ctx, "pg_ctl", "-D", c.Data, "status").Run() != nil {
		return 0, false
	}
	lines := strings.Split(string(raw), "\n")
	if len(lines) > 3 {
		port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return port, true
}

// Start starts the server in the background with pg_ctl on 127.0.0.1:port,
// logging to logFile, and waits until it accepts connections.
func (c *PostgresCluster) Start(ctx context.Context, port int, logFile string) error {
	out, err := c.Command(ctx, "pg_ctl", "-D", c.Data, "-l", logFile, "-o", "-p "+strconv.Itoa(port),
		"-w", "-t", "60", "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("PostgreSQL did not start: %w\n%s%s", err, out, lastLines(string(log), 20))
	}
	return nil
}

// Stop shuts the server down in fast mode and waits until it is gone.
func (c *PostgresCluster) Stop(ctx context.Context) error {
	out, err := c.Command(ctx, "pg_ctl", "-D", c.Data, "-m", "fast", "-w", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

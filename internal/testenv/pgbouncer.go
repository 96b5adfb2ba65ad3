package testenv

import (
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"movieapi/internal/provision"
)

// PgBouncer is a pgbouncer process owned by one test, in transaction
// pooling mode in front of the PostgreSQL test server, with a server pool
// of a chosen size per database.
type PgBouncer struct {
	port     int
	Output   func() string // what pgbouncer has logged so far
	poolSize int
}

// StartPgBouncer starts pgbouncer on a free 127.0.0.1 port in front of the
// server of TEST_DATABASE_URL (any database name is passed on), in
// transaction mode with poolSize server connections per database and user,
// and waits until a connection through it reaches PostgreSQL. Debian's
// pgbouncer refuses to run as root: as root it runs as the postgres user.
// It is stopped when the test ends.
func StartPgBouncer(t testing.TB, poolSize int) *PgBouncer {
	t.Helper()
	RequireIntegration(t)
	binary := engine(t, "pgbouncer", "pgbouncer")
	logVersion(t, binary, "--version")
	upstream, err := url.Parse(postgresServer(t))
	if err != nil {
		t.Fatalf("testenv: TEST_DATABASE_URL: %v", err)
	}
	p := &PgBouncer{port: freePort(t), poolSize: poolSize}
	d := startDaemon(t, "pgbouncer", exec.Command(binary, p.writeConfig(t, upstream)...))
	p.Output = d.output.String
	d.waitUntil(t, "a connection through it reaches PostgreSQL", func() bool { return p.reaches(upstream) })
	t.Logf("%s postgresql behind pgbouncer: %s", VersionMarker, p.serverVersion(t, upstream))
	return p
}

// serverVersion asks PostgreSQL, through pgbouncer, for its version.
func (p *PgBouncer) serverVersion(t testing.TB, upstream *url.URL) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.URL(upstream.String()))
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	defer conn.Close(ctx)
	var version string
	// The simple protocol: no statement is prepared on a pooled connection.
	if err := conn.QueryRow(ctx, "SELECT version()", pgx.QueryExecModeSimpleProtocol).Scan(&version); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return version
}

// writeConfig writes pgbouncer.ini and its user list into a directory the
// postgres user can read, and returns pgbouncer's command line.
func (p *PgBouncer) writeConfig(t testing.TB, upstream *url.URL) []string {
	t.Helper()
	// Not t.TempDir(): that directory is private to root.
	dir, err := os.MkdirTemp("", "movieapi-pgbouncer-")
	if err != nil {
		t.Fatalf("testenv: directory for pgbouncer: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	args, err := provision.WritePgBouncerConfig(dir, provision.PgBouncerConfig{Upstream: upstream, Port: p.port, PoolSize: p.poolSize, MaxClients: 500})
	if err != nil {
		t.Fatalf("testenv: pgbouncer configuration: %v", err)
	}
	return args
}

// URL is databaseURL (a URL of the PostgreSQL test server) with pgbouncer
// in between: same user, database and options, pgbouncer's address.
func (p *PgBouncer) URL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		panic(err) // the URLs come from testenv
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port))
	return u.String()
}

// PoolSize is the number of server connections per database and user.
func (p *PgBouncer) PoolSize() int { return p.poolSize }

func (p *PgBouncer) reaches(upstream *url.URL) bool {
	cfg, err := pgx.ParseConfig(p.URL(upstream.String()))
	if err != nil {
		return false
	}
	cfg.ConnectTimeout = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx) == nil
}

package provision

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// PgBouncerConfig is a PgBouncer in transaction pooling mode on a loopback
// port in front of one PostgreSQL server, for the fleet and the tests.
type PgBouncerConfig struct {
	Upstream   *url.URL // the server; any database name is passed on
	Port       int      // listens on 127.0.0.1:Port
	PoolSize   int      // server connections per database and user
	MaxClients int
}

// WritePgBouncerConfig writes pgbouncer.ini and its user list into dir,
// which the postgres user must be able to read (PgBouncer runs as that user
// when started as root), and returns the command line that starts it.
func WritePgBouncerConfig(dir string, c PgBouncerConfig) (args []string, err error) {
	host, port := c.Upstream.Hostname(), c.Upstream.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = strconv.Itoa(postgresPort)
	}
	user := c.Upstream.User.Username()
	if user == "" {
		user = "postgres"
	}
	password, _ := c.Upstream.User.Password()
	users, ini := filepath.Join(dir, "users.txt"), filepath.Join(dir, "pgbouncer.ini")
	files := map[string]string{
		users: fmt.Sprintf("%q %q\n", user, password),
		ini: strings.Join([]string{
			"[databases]",
			fmt.Sprintf("* = host=%s port=%s", host, port),
			"[pgbouncer]",
			"listen_addr = 127.0.0.1",
			"listen_port = " + strconv.Itoa(c.Port),
			"unix_socket_dir =",
			"auth_type = trust",
			"auth_file = " + users,
			"pool_mode = transaction",
			"default_pool_size = " + strconv.Itoa(c.PoolSize),
			"reserve_pool_size = 0",
			"max_client_conn = " + strconv.Itoa(c.MaxClients),
			// pgx sends it; PgBouncer would refuse the connection otherwise.
			"ignore_startup_parameters = extra_float_digits",
			"",
		}, "\n"),
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil { //nolint:gosec // the postgres user reads them
			return nil, err
		}
	}
	// Debian's pgbouncer refuses to run as root.
	if os.Geteuid() == 0 {
		return []string{"-u", "postgres", ini}, nil
	}
	return []string{ini}, nil
}

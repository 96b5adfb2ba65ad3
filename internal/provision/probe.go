package provision

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// probeTimeout bounds one probe of a service.
const probeTimeout = 3 * time.Second

// PostgresAnswers returns nil when a PostgreSQL server accepts connections
// at raw. A refusal by the server itself (wrong password, missing database)
// still means it answers, as for pg_isready; "starting up" does not.
func PostgresAnswers(ctx context.Context, raw string) error {
	cfg, err := pgconn.ParseConfig(raw)
	if err != nil {
		return fmt.Errorf("cannot read the URL %s: %w", Redacted(raw), err)
	}
	cfg.ConnectTimeout = probeTimeout
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code != "57P03" { // 57P03: cannot_connect_now
		return nil
	}
	return err
}

// RedisAnswers returns nil when a Redis server answers PING at raw (a
// NOAUTH answer counts: a server is there). For rediss:// it checks that the
// port accepts connections.
func RedisAnswers(ctx context.Context, raw string) error {
	host, port, err := hostPort(raw, redisPort)
	if err != nil {
		return err
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	if u, _ := url.Parse(raw); u != nil && u.Scheme == "rediss" {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline) // a fresh connection accepts a deadline
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer to PING: %w", err)
	}
	line = strings.TrimSpace(line)
	if line == "+PONG" || strings.HasPrefix(line, "-NOAUTH") {
		return nil
	}
	return fmt.Errorf("PING answered %q", line)
}

// pollInterval is how often WaitFor probes.
const pollInterval = 100 * time.Millisecond

// WaitFor probes until probe returns nil, failing with its last error when
// timeout passes or ctx ends.
func WaitFor(ctx context.Context, timeout time.Duration, what string, probe func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		err := probe(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer within %s: %w", what, timeout, err)
		case <-tick.C:
		}
	}
}

package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// startPgBouncer runs PgBouncer in transaction mode in front of the server
// of databaseURL.
func (f *Fleet) startPgBouncer(databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return errors.New("cannot read DATABASE_URL")
	}
	dir := filepath.Join(f.dir(), "pgbouncer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// 3 instances × AXUM_DB_MAX_CONNECTIONS (15) clients share these server connections.
	args, err := WritePgBouncerConfig(dir, PgBouncerConfig{Upstream: u, Port: f.PgBouncerPort, PoolSize: 10, MaxClients: 200})
	if err != nil {
		return err
	}
	return f.spawn("pgbouncer", nil, "pgbouncer", args...)
}

// startInstances runs bin/movieapi on each port, through PgBouncer,
// migrating over the direct URL, and waits until each is ready.
func (f *Fleet) startInstances(ctx context.Context, databaseURL, redisURL string) error {
	pooled, err := url.Parse(databaseURL)
	if err != nil {
		return errors.New("cannot read DATABASE_URL")
	}
	pooled.Host = loopback(f.PgBouncerPort)
	for _, port := range f.AppPorts {
		env := []string{
			"DATABASE_URL=" + pooled.String(), "AXUM_DB_TRANSACTION_POOLING=true",
			"AXUM_DB_MIGRATE_URL=" + databaseURL, "REDIS_URL=" + redisURL, "API_BIND_ADDR=" + loopback(port),
			"AXUM_TRUSTED_PROXIES=127.0.0.1/32", "AXUM_DRAIN_DELAY_SEC=5", "AXUM_METRICS_TYPE=prom",
			"AXUM_LOG_FORMAT=json", "AXUM_LOG_LEVEL=info", "AXUM_WEBAUTHN_RP_ID=localhost",
			"AXUM_WEBAUTHN_ORIGIN=http://localhost:" + strconv.Itoa(f.LBPort),
		}
		if err := f.spawn("movieapi-"+strconv.Itoa(port), env, f.binary(), "serve"); err != nil {
			return err
		}
	}
	for _, port := range f.AppPorts {
		addr := loopback(port)
		if err := WaitFor(ctx, 60*time.Second, "movieapi on "+addr, func(ctx context.Context) error {
			cmd := exec.CommandContext(ctx, f.binary(), "healthcheck", "--full")
			cmd.Env = append(os.Environ(), "API_BIND_ADDR="+addr)
			return cmd.Run()
		}); err != nil {
			return err
		}
	}
	return nil
}

// startHAProxy runs HAProxy with deploy/haproxy.cfg in front of the
// instances and waits until it routes to a ready one.
func (f *Fleet) startHAProxy(ctx context.Context) error {
	env := []string{"LB_BIND=" + loopback(f.LBPort), "LB_STATS_BIND=" + loopback(f.StatsPort)}
	for i, port := range f.AppPorts {
		env = append(env, "MOVIEAPI_"+strconv.Itoa(i+1)+"="+loopback(port))
	}
	if err := f.spawn("haproxy", env, "haproxy", "-db", "-f", filepath.Join(f.Root, "deploy", "haproxy.cfg")); err != nil {
		return err
	}
	return WaitFor(ctx, 30*time.Second, "HAProxy to route to a ready instance", func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.lbURL()+"/health?mode=full", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
}

package provision

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Fleet is a whole local fleet to try by hand: instances of bin/movieapi
// behind HAProxy (deploy/haproxy.cfg), PostgreSQL through PgBouncer in
// transaction mode, and Redis in the chosen topology, on loopback, with its
// files under .data/fleet/. PostgreSQL (and Redis for the single topology)
// come from Up.
type Fleet struct {
	*Provisioner
	Redis         string // sentinel, cluster or single (FLEET_REDIS)
	LBPort        int    // HAProxy's frontend (FLEET_LB_PORT)
	StatsPort     int    // HAProxy's exporter (FLEET_STATS_PORT)
	AppPorts      []int  // the instances (FLEET_APP_PORTS)
	PgBouncerPort int    // FLEET_PGBOUNCER_PORT
	RedisPort     int    // first Redis port (FLEET_REDIS_PORT); a cluster node's bus port is +10000
}

// NewFleet reads the FLEET_* variables of p.Getenv, with their defaults.
func NewFleet(p *Provisioner) (*Fleet, error) {
	f := &Fleet{Provisioner: p, Redis: p.Getenv("FLEET_REDIS")}
	if f.Redis == "" {
		f.Redis = "sentinel"
	}
	if f.Redis != "single" && f.Redis != "sentinel" && f.Redis != "cluster" {
		return nil, fmt.Errorf("FLEET_REDIS must be single, sentinel or cluster (got %q)", f.Redis)
	}
	var err error
	for _, v := range []struct {
		name     string
		fallback int
		into     *int
	}{
		{"FLEET_LB_PORT", 8080, &f.LBPort},
		{"FLEET_STATS_PORT", 8404, &f.StatsPort},
		{"FLEET_PGBOUNCER_PORT", 56433, &f.PgBouncerPort},
		{"FLEET_REDIS_PORT", 21001, &f.RedisPort}, // cluster bus ports (+10000) stay below the ephemeral range (32768+)
	} {
		if *v.into, err = p.localPort(v.name, v.fallback); err != nil {
			return nil, err
		}
	}
	apps := p.Getenv("FLEET_APP_PORTS")
	if apps == "" {
		apps = "3001 3002 3003"
	}
	for _, field := range strings.Fields(apps) {
		port, err := strconv.Atoi(field)
		if err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("FLEET_APP_PORTS must be TCP ports separated by spaces, got %q", apps)
		}
		f.AppPorts = append(f.AppPorts, port)
	}
	return f, nil
}

func (f *Fleet) dir() string             { return filepath.Join(f.dataDir(), "fleet") }
func (f *Fleet) pids() string            { return filepath.Join(f.dir(), "pids") }
func (f *Fleet) logs() string            { return filepath.Join(f.dir(), "logs") }
func (f *Fleet) binary() string          { return filepath.Join(f.Root, "bin", "movieapi") }
func (f *Fleet) lbURL() string           { return "http://127.0.0.1:" + strconv.Itoa(f.LBPort) }
func loopback(port int) string           { return "127.0.0.1:" + strconv.Itoa(port) }
func (f *Fleet) pidFile(n string) string { return filepath.Join(f.pids(), n+".pid") }

// fleetTools are the engines a fleet runs on.
var fleetTools = []Requirement{
	{"pgbouncer", "pgbouncer"}, {"haproxy", "haproxy"}, {"redis-server", "redis-server"}, {"redis-cli", "redis-tools"},
}

// FleetUp starts the fleet, or says that it already runs.
func (f *Fleet) FleetUp(ctx context.Context) error {
	if _, ok := f.running("haproxy"); ok {
		f.logf("already running (make fleet-down stops it)")
		return nil
	}
	if _, err := os.Stat(f.binary()); err != nil {
		return errors.New("bin/movieapi is missing: run make build (make fleet does)")
	}
	if err := f.apt().Need(ctx, fleetTools...); err != nil {
		return err
	}
	urls, err := f.Up(ctx)
	if err != nil {
		return err
	}
	for _, d := range []string{f.dir(), f.pids(), f.logs()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	redisURL, err := f.startRedis(ctx, urls.Redis)
	if err != nil {
		return err
	}
	if err := f.startPgBouncer(urls.Database); err != nil {
		return err
	}
	if err := f.startInstances(ctx, urls.Database, redisURL); err != nil {
		return err
	}
	if err := f.startHAProxy(ctx); err != nil {
		return err
	}
	lb := "http://localhost:" + strconv.Itoa(f.LBPort)
	var apps []string
	for _, port := range f.AppPorts {
		apps = append(apps, loopback(port))
	}
	f.logf("up: %s (passkeys: %s/passkeys)", lb, lb)
	f.logf("HAProxy stats http://%s/stats, its metrics /metrics", loopback(f.StatsPort))
	f.logf("instances: %s, through PgBouncer on %s", strings.Join(apps, " "), loopback(f.PgBouncerPort))
	f.logf("Redis (%s): %s", f.Redis, redisURL)
	f.logf("logs and pids: %s; try: kill -9 $(cat %s), or kill the Redis primary",
		f.dir(), f.pidFile("movieapi-"+strconv.Itoa(f.AppPorts[0])))
	f.logf("stop with: make fleet-down")
	return nil
}

// spawn starts a process that outlives this one (its own session), its
// output in logs/NAME.log and its pid in pids/NAME.pid.
func (f *Fleet) spawn(name string, env []string, command string, args ...string) error {
	logFile, err := os.Create(filepath.Join(f.logs(), name+".log"))
	if err != nil {
		return err
	}
	defer logFile.Close()                 // the process has its own copy
	cmd := exec.Command(command, args...) //nolint:noctx // the process outlives this command on purpose
	cmd.Dir = f.Root
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	if err := os.WriteFile(f.pidFile(name), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil { //nolint:gosec // a pid is public
		return err
	}
	return cmd.Process.Release()
}

// running is the pid of pids/NAME.pid when that process still runs.
func (f *Fleet) running(name string) (int, bool) {
	raw, err := os.ReadFile(f.pidFile(name))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || gone(pid) {
		return 0, false
	}
	return pid, true
}

// FleetDown stops what FleetUp started, whatever its settings were: every
// process with a pid file, the balancer first, the backends last. Logs stay.
func (f *Fleet) FleetDown() error {
	entries, err := os.ReadDir(f.pids())
	if err != nil {
		f.logf("nothing to stop")
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".pid"); ok {
			names = append(names, name)
		}
	}
	sortForStopping(names)
	stopped := 0
	for _, name := range names {
		if pid, ok := f.running(name); ok {
			_ = syscall.Kill(pid, syscall.SIGTERM) // fails only if it just exited
			if WaitGone([]int{pid}, 30*time.Second) != nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			stopped++
		}
		if err := os.Remove(f.pidFile(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	f.logf("stopped %d process(es); logs stay in %s", stopped, f.logs())
	return nil
}

// sortForStopping orders FleetDown: what takes requests stops before what
// serves it.
func sortForStopping(names []string) {
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(stopRank(a)-stopRank(b), strings.Compare(a, b)) })
}

func stopRank(name string) int {
	for rank, prefix := range []string{"haproxy", "movieapi-", "pgbouncer", "redis-sentinel-"} {
		if strings.HasPrefix(name, prefix) {
			return rank
		}
	}
	return 4
}

package fleettest

import (
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"movieapi/internal/testenv"
)

// The fleet's settings. The check interval and the drain delay go
// together: HAProxy takes a draining instance out after two failed checks
// (fall 2 in deploy/haproxy.cfg), well within the delay.
const (
	fleetSize      = 3
	pgbouncerPool  = 4 // server connections, far fewer than the clients
	checkInterval  = "500ms"
	drainDelaySec  = 3
	fleetRateLimit = 600 // ceremony requests per minute per client IP and per username
)

// fleet is three instances, each its own process, behind HAProxy
// (deploy/haproxy.cfg), sharing PostgreSQL through PgBouncer in transaction
// mode and one Redis key space.
type fleet struct {
	instances   []*instance
	lb          *testenv.HAProxy
	pgbouncer   *testenv.PgBouncer
	databaseURL string // direct, for checks
}

func startFleet(t *testing.T) *fleet {
	t.Helper()
	direct := testenv.Postgres(t)
	redisURL, prefix := testenv.Redis(t)
	f := &fleet{pgbouncer: testenv.StartPgBouncer(t, pgbouncerPool), databaseURL: direct}
	settings := map[string]string{
		"DATABASE_URL":                f.pgbouncer.URL(direct),
		"AXUM_DB_TRANSACTION_POOLING": "true",
		"AXUM_DB_MIGRATE":             "true", // a no-op on the migrated clone, through the direct URL
		"AXUM_DB_MIGRATE_URL":         direct,
		"AXUM_DB_MAX_CONNECTIONS":     "8",
		"AXUM_DB_RETRY_COUNT":         "0",
		"REDIS_URL":                   redisURL,
		"AXUM_REDIS_KEY_PREFIX":       prefix,
		"AXUM_TRUSTED_PROXIES":        "127.0.0.1/32", // HAProxy connects from there
		"AXUM_DRAIN_DELAY_SEC":        strconv.Itoa(drainDelaySec),
		"AXUM_RATE_LIMIT_PER_MIN":     strconv.Itoa(fleetRateLimit),
		"AXUM_METRICS_TYPE":           "prom",
		"AXUM_LOG_FORMAT":             "json",
		"AXUM_LOG_LEVEL":              "info",
		"AXUM_WEBAUTHN_RP_ID":         "localhost",
		"AXUM_WEBAUTHN_ORIGIN":        pageOrigin,
	}
	var addrs []string
	for i := range fleetSize {
		inst := startInstance(t, "app"+strconv.Itoa(i+1), settings)
		f.instances = append(f.instances, inst)
		addrs = append(addrs, inst.addr)
	}
	f.lb = testenv.StartHAProxy(t, repoFile(t, "deploy/haproxy.cfg"), addrs, "LB_CHECK_INTER="+checkInterval)
	for _, inst := range f.instances {
		f.waitInRotation(t, inst)
	}
	return f
}

// viaBalancer is a client of HAProxy connecting from source, a loopback
// address that stands for one client IP.
func (f *fleet) viaBalancer(t testing.TB, source string) *node {
	return newNode(t, "haproxy", f.lb.URL, source)
}

// direct are clients of each instance, bypassing HAProxy.
func (f *fleet) direct(t testing.TB, source string) []*node {
	var nodes []*node
	for _, inst := range f.instances {
		nodes = append(nodes, newNode(t, inst.name, inst.URL(), source))
	}
	return nodes
}

// waitInRotation waits until HAProxy's checks count the instance as up.
func (f *fleet) waitInRotation(t testing.TB, inst *instance) {
	t.Helper()
	waitFor(t, inst.name+" to be in rotation", func() bool { return f.lb.ServerUp("movieapi", inst.name) })
}

// repoFile is the path of a file of the repository, from this package.
func repoFile(t testing.TB, rel string) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the package directory")
	}
	return filepath.Join(filepath.Dir(here), "..", "..", rel)
}

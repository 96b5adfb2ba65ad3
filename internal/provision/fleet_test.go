package provision

import (
	"slices"
	"strings"
	"testing"
)

func TestNewFleetDefaultsAndOverrides(t *testing.T) {
	env := map[string]string{}
	p := &Provisioner{Root: t.TempDir(), Getenv: func(k string) string { return env[k] }}
	f, err := NewFleet(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.Redis != "sentinel" || f.LBPort != 8080 || f.StatsPort != 8404 || f.PgBouncerPort != 56433 ||
		f.RedisPort != 21001 || !slices.Equal(f.AppPorts, []int{3001, 3002, 3003}) {
		t.Errorf("defaults: %+v", f)
	}
	env = map[string]string{"FLEET_REDIS": "cluster", "FLEET_LB_PORT": "18080", "FLEET_APP_PORTS": " 4001  4002 "}
	if f, err = NewFleet(p); err != nil {
		t.Fatal(err)
	}
	if f.Redis != "cluster" || f.LBPort != 18080 || !slices.Equal(f.AppPorts, []int{4001, 4002}) {
		t.Errorf("overrides: %+v", f)
	}
	for name, value := range map[string]string{"FLEET_REDIS": "replica", "FLEET_LB_PORT": "http", "FLEET_APP_PORTS": "3001,3002"} {
		env = map[string]string{name: value}
		if _, err := NewFleet(p); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: got %v, want an error naming it", name, value, err)
		}
	}
}

func TestFleetStopsTheBalancerFirstAndRedisLast(t *testing.T) {
	names := []string{"redis-node-2", "pgbouncer", "movieapi-4002", "redis-sentinel-1", "redis-primary", "haproxy", "movieapi-4001"}
	sortForStopping(names)
	want := []string{"haproxy", "movieapi-4001", "movieapi-4002", "pgbouncer", "redis-sentinel-1", "redis-node-2", "redis-primary"}
	if !slices.Equal(names, want) {
		t.Errorf("stop order %v, want %v", names, want)
	}
}

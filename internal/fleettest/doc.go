// Package fleettest runs the service on the engines operators scale it
// out with, started for real on loopback ports by internal/testenv: Redis
// Sentinel (a primary, a replica, three Sentinels) and Redis Cluster
// (three primaries with a replica each), each with its primary SIGKILLed
// under load; and a fleet of three instances, each its own process, behind
// HAProxy (deploy/haproxy.cfg) and PgBouncer in transaction mode, through
// rolling restarts and a SIGKILLed instance. Outages are measured and
// logged with MeasuredMarker; nothing passes or fails on a duration.
//
// The package holds tests only. Its test binary doubles as the service:
// started with serveEnv set, it runs `movieapi serve` (see TestMain).
package fleettest

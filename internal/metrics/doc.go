// Package metrics implements domain.Metrics twice: with a Prometheus registry
// of its own (never the global one, so tests can build many servers in one
// process) and as a no-op for AXUM_METRICS_TYPE other than "prom".
package metrics

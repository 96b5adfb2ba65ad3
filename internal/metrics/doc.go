// Package metrics counts what the service does in a Prometheus registry of
// its own (never the global one, so tests can build many servers in one
// process). *Prometheus implements the small metrics interfaces each
// consumer declares for itself (httpapi.RequestMetrics, movies.Metrics,
// passkeys.Metrics); /metrics exposes the registry when AXUM_METRICS_TYPE is
// "prom" and is empty otherwise.
package metrics

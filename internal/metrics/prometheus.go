package metrics

import (
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"movieapi/internal/domain"
)

// Prometheus counts in its own registry; it is every consumer's metrics.
type Prometheus struct {
	registry *prometheus.Registry

	requestDuration *prometheus.HistogramVec
	inFlight        prometheus.Gauge
	moviesCreated   prometheus.Counter
	cacheRequests   map[domain.CacheResult]prometheus.Counter
	registrations   *prometheus.CounterVec
	authentications *prometheus.CounterVec
	cloneWarnings   prometheus.Counter
	sessionsCreated prometheus.Counter
}

// NewPrometheus builds the registry with the service's metrics, the Go runtime
// and process collectors, and movieapi_build_info.
func NewPrometheus(version string) *Prometheus {
	reg := prometheus.NewRegistry()
	f := factory{reg}
	p := &Prometheus{
		registry: reg,
		requestDuration: f.histogram(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Duration of HTTP requests by method, chi route pattern and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, "method", "route", "status"),
		inFlight:      f.gauge("http_requests_in_flight", "HTTP requests being served."),
		moviesCreated: f.counter("movies_created_total", "Movies created by POST /movies/add."),
		registrations: f.counterVec("webauthn_registrations_total", "Passkey registrations finished, by result.", "result"),
		authentications: f.counterVec("webauthn_authentications_total",
			"Passkey sign-ins finished, by result.", "result"),
		cloneWarnings:   f.counter("webauthn_clone_warnings_total", "Sign-ins rejected because the signature counter did not grow."),
		sessionsCreated: f.counter("sessions_created_total", "Sessions created by successful sign-ins."),
	}
	cache := f.counterVec("movie_cache_requests_total", "Movie cache lookups, by result.", "result")
	p.cacheRequests = map[domain.CacheResult]prometheus.Counter{}
	for _, r := range []domain.CacheResult{domain.CacheHit, domain.CacheMiss, domain.CacheError} {
		p.cacheRequests[r] = cache.WithLabelValues(string(r))
	}
	// Pre-create the result series so dashboards see zeros, not gaps.
	for _, r := range []string{"success", "failure"} {
		p.registrations.WithLabelValues(r)
		p.authentications.WithLabelValues(r)
	}
	buildInfo := f.gaugeVec("movieapi_build_info", "Build information; always 1.", "version", "goversion")
	buildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return p
}

// Handler serves the text exposition with client_golang's content negotiation.
func (p *Prometheus) Handler() http.Handler {
	return promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{Registry: p.registry})
}

func (p *Prometheus) RequestStarted() { p.inFlight.Inc() }

func (p *Prometheus) RequestFinished(method, route string, status int, elapsed time.Duration) {
	p.inFlight.Dec()
	p.requestDuration.WithLabelValues(method, route, statusLabel(status)).Observe(elapsed.Seconds())
}

func (p *Prometheus) MovieCreated() { p.moviesCreated.Inc() }

func (p *Prometheus) CacheLookup(r domain.CacheResult) {
	if c, ok := p.cacheRequests[r]; ok {
		c.Inc()
	}
}

func (p *Prometheus) Registration(success bool) {
	p.registrations.WithLabelValues(result(success)).Inc()
}
func (p *Prometheus) Authentication(success bool) {
	p.authentications.WithLabelValues(result(success)).Inc()
}
func (p *Prometheus) CloneWarning()   { p.cloneWarnings.Inc() }
func (p *Prometheus) SessionCreated() { p.sessionsCreated.Inc() }

func result(success bool) string {
	if success {
		return "success"
	}
	return "failure"
}

// statusLabel avoids an allocation for the common statuses.
func statusLabel(code int) string {
	switch code {
	case http.StatusOK:
		return "200"
	case http.StatusCreated:
		return "201"
	case http.StatusNoContent:
		return "204"
	case http.StatusNotFound:
		return "404"
	}
	return strconv.Itoa(code)
}

package metrics

import "github.com/prometheus/client_golang/prometheus"

// NearCacheStats are the near cache's counters as go-redis keeps them; the
// redis adapter reads them, internal/app hands them over.
type NearCacheStats struct {
	Hits, Misses  uint64
	Invalidations uint64 // keys named in Redis's invalidation pushes
	Invalidated   uint64 // copies removed because their key changed
	Entries       int
	Bytes         int64
}

// WatchNearCache exports the near cache's statistics, read at each scrape:
// go-redis counts them anyway, so nothing is added to the read path.
func (p *Prometheus) WatchNearCache(read func() NearCacheStats) {
	p.registry.MustRegister(newNearCacheCollector(read))
}

// nearCacheCollector turns one read of the statistics into the series.
type nearCacheCollector struct {
	read                                               func() NearCacheStats
	requests, invalidations, evictions, entries, bytes *prometheus.Desc
}

func newNearCacheCollector(read func() NearCacheStats) *nearCacheCollector {
	return &nearCacheCollector{
		read: read,
		requests: prometheus.NewDesc("movie_near_cache_requests_total",
			"Movie reads looked up in the in-process near cache, by result.", []string{"result"}, nil),
		invalidations: prometheus.NewDesc("movie_near_cache_invalidations_total",
			"Keys named in the invalidations Redis pushed to the near cache.", nil, nil),
		evictions: prometheus.NewDesc("movie_near_cache_evictions_total",
			"Near-cache copies removed, by reason (invalidation: their key changed). "+
				"go-redis does not count copies removed for room or with a closed connection.", []string{"reason"}, nil),
		entries: prometheus.NewDesc("movie_near_cache_entries", "Movie entries held in the near cache.", nil, nil),
		bytes: prometheus.NewDesc("movie_near_cache_bytes",
			"Memory the near cache's entries take as the service estimates it (at most AXUM_MOVIE_NEAR_CACHE_MAX_MIB).", nil, nil),
	}
}

func (c *nearCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.requests, c.invalidations, c.evictions, c.entries, c.bytes} {
		ch <- d
	}
}

func (c *nearCacheCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.read()
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(s.Hits), "hit")
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(s.Misses), "miss")
	ch <- prometheus.MustNewConstMetric(c.invalidations, prometheus.CounterValue, float64(s.Invalidations))
	ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(s.Invalidated), "invalidation")
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(s.Entries))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(s.Bytes))
}

package metrics

import (
	"net/http"
	"time"

	"movieapi/internal/domain"
)

// Noop counts nothing.
type Noop struct{}

var _ domain.Metrics = Noop{}

func (Noop) RequestStarted()                                    {}
func (Noop) RequestFinished(string, string, int, time.Duration) {}
func (Noop) MovieCreated()                                      {}
func (Noop) CacheLookup(domain.CacheResult)                     {}
func (Noop) Registration(bool)                                  {}
func (Noop) Authentication(bool)                                {}
func (Noop) CloneWarning()                                      {}
func (Noop) SessionCreated()                                    {}

// Handler answers 200 with an empty body, as the contract asks in noop mode.
func (Noop) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
	})
}

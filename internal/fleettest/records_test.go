package fleettest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// outage is what the clients saw of a fault: the answers that were not
// successes, when they came, and how slow answers got meanwhile.
type outage struct {
	mu          sync.Mutex
	failed      int
	first, last time.Time // the first failed request's start, the last one's end
	slowest     time.Duration
	kinds       map[string]int // "503", "502", "no answer", …
}

func (o *outage) record(a answer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed++
	if o.first.IsZero() || a.start.Before(o.first) {
		o.first = a.start
	}
	if a.ended.After(o.last) {
		o.last = a.ended
	}
	what := "no answer"
	if a.err == nil {
		what = strconv.Itoa(a.status)
	}
	if o.kinds == nil {
		o.kinds = map[string]int{}
	}
	o.kinds[what]++
}

// observe notes the latency of an answer met while a fault was possible.
func (o *outage) observe(a answer, duringFault bool) {
	if !duringFault {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.slowest = max(o.slowest, a.ended.Sub(a.start))
}

// summary describes the outage relative to the moment of the fault.
func (o *outage) summary(fault time.Time) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed == 0 {
		return fmt.Sprintf("no failed request; slowest answer meanwhile %s", o.slowest.Round(time.Millisecond))
	}
	var kinds []string
	for k, n := range o.kinds {
		kinds = append(kinds, fmt.Sprintf("%d × %s", n, k))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d failed requests (%s) from %s to %s after the fault (window %s); slowest answer meanwhile %s",
		o.failed, strings.Join(kinds, ", "), o.first.Sub(fault).Round(time.Millisecond),
		o.last.Sub(fault).Round(time.Millisecond), o.last.Sub(o.first).Round(time.Millisecond),
		o.slowest.Round(time.Millisecond))
}

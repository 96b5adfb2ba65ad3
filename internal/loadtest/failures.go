package loadtest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// failuresShown is how many failures a report quotes.
const failuresShown = 20

// Failures collects what went wrong in a load's worker goroutines; the test
// reports the first few and the total, instead of thousands of lines. The
// zero value is ready to use, and it is safe for concurrent use.
type Failures struct {
	mu    sync.Mutex
	first []string
	total int
}

// Add records one failure.
func (f *Failures) Add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	if len(f.first) < failuresShown {
		f.first = append(f.first, fmt.Sprintf(format, args...))
	}
}

// Total is how many failures were recorded.
func (f *Failures) Total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// Report fails the test if anything was collected.
func (f *Failures) Report(t testing.TB) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.total > 0 {
		t.Errorf("%d failure(s); the first %d:\n  %s", f.total, len(f.first), strings.Join(f.first, "\n  "))
	}
}

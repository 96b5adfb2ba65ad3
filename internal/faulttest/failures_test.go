package faulttest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// failures collects what went wrong in worker goroutines; the test reports
// the first few and the total, instead of thousands of lines.
type failures struct {
	mu    sync.Mutex
	first []string
	total int
}

const failuresShown = 20

func (f *failures) add(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	if len(f.first) < failuresShown {
		f.first = append(f.first, fmt.Sprintf(format, args...))
	}
}

// report fails the test if anything was collected.
func (f *failures) report(t testing.TB) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.total > 0 {
		t.Errorf("%d failure(s); the first %d:\n%s", f.total, len(f.first), joinFirst(f.first, failuresShown))
	}
}

func joinFirst(lines []string, n int) string {
	if len(lines) > n {
		lines = lines[:n]
	}
	return "  " + strings.Join(lines, "\n  ")
}

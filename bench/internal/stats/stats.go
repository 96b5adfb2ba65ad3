// Package stats holds the figures every bench driver reports the same way:
// latency percentiles and milliseconds.
package stats

import (
	"cmp"
	"math"
	"time"
)

// Percentile is the p-th percentile (p from 0 to 1) of sorted values by
// nearest rank: the smallest value with at least p of them at or below it.
// It is the zero value for no values.
func Percentile[T cmp.Ordered](sorted []T, p float64) T {
	n := len(sorted)
	if n == 0 {
		var zero T
		return zero
	}
	// The tolerance keeps p·n = 99.00000000000001 at rank 99.
	rank := int(math.Ceil(p*float64(n) - 1e-9))
	return sorted[min(max(rank, 1), n)-1]
}

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// nearCacheOn is the log line of an instance whose near cache came on, and
// the settings it carries.
var (
	nearCacheOn      = `msg="movie near cache on"`
	nearMaxStaleness = regexp.MustCompile(`max_staleness=([0-9.]+)(m?s)`)
	nearMaxMiB       = regexp.MustCompile(`max_mib=([0-9]+)`)
	nearDrain        = regexp.MustCompile(`drain=([0-9.]+m?s)`)
)

// parseNearLog reads the near cache's settings from an instance's log: its
// size bound, its MaxStaleness in ms and its drain period.
func parseNearLog(log string) (Near, error) {
	for l := range strings.Lines(log) {
		if !strings.Contains(l, nearCacheOn) {
			continue
		}
		var n Near
		if m := nearMaxStaleness.FindStringSubmatch(l); m != nil {
			n.MaxStalenessMs, _ = strconv.ParseFloat(m[1], 64)
			if m[2] == "s" {
				n.MaxStalenessMs *= 1000
			}
		}
		if m := nearMaxMiB.FindStringSubmatch(l); m != nil {
			n.MaxMiB, _ = strconv.Atoi(m[1])
		}
		if m := nearDrain.FindStringSubmatch(l); m != nil {
			n.Drain = m[1]
		}
		return n, nil
	}
	return Near{}, fmt.Errorf("the near cache did not start (no %s in the log)", nearCacheOn)
}

func readNearLog(file string) (Near, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Near{}, err
	}
	return parseNearLog(string(data))
}

// staleness runs bench/nearcache's staleness mode: updates on writer, read
// back to back on reader.
func (b *bench) staleness(ctx context.Context, writer, reader string) (Staleness, error) {
	var s Staleness
	err := runJSON(ctx, &s, b.program("nearcache"), "-mode", "staleness", "-writer", writer, "-reader", reader,
		"-writes", strconv.Itoa(b.StalenessWrites), "-bound", "5s")
	if err == nil {
		logf("  writes=%d p50_ms=%s p99_ms=%s max_ms=%s backwards=%d reads=%d late=%d",
			s.Writes, f3(s.P50ms), f3(s.P99ms), f3(s.Maxms), s.Backwards, s.Reads, s.Late)
	}
	return s, err
}

// memoryWalk reads every id of file once from base (Connections at a time)
// and gives the peak resident memory of pid during the walk.
func (b *bench) memoryWalk(ctx context.Context, base string, pid int, file string) (Walk, error) {
	resetPeak(pid)
	var w Walk
	err := runJSON(ctx, &w, b.program("nearcache"), "-mode", "walk", "-reader", base, "-ids", file,
		"-concurrency", strconv.Itoa(b.Connections))
	w.RSSMiB = peakRSSMiB(pid)
	if err == nil && w.Errors > 0 {
		// Failed reads cached nothing: the memory figure would mean little.
		err = fmt.Errorf("memory walk on %s: %d of %d reads failed", base, w.Errors, w.Reads)
	}
	return w, err
}

// idleCost: with no load, the CPU of an instance without and one with the
// near cache (percent of one core), and the Redis server's commands per
// second from all its clients (what else shares it).
func (b *bench) idleCost(ctx context.Context, plainPID, nearPID int, d time.Duration) (Idle, error) {
	plain0, err1 := cpuTicks(plainPID)
	near0, err2 := cpuTicks(nearPID)
	calls0, err3 := b.redisCommands(ctx)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Idle{}, fmt.Errorf("idle cost: %w", err)
	}
	select {
	case <-ctx.Done():
		return Idle{}, ctx.Err()
	case <-time.After(d):
	}
	plain1, err1 := cpuTicks(plainPID)
	near1, err2 := cpuTicks(nearPID)
	calls1, err3 := b.redisCommands(ctx)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Idle{}, fmt.Errorf("idle cost: %w", err)
	}
	s := d.Seconds()
	return Idle{
		PlainCPUPct:   float64(plain1-plain0) / userHZ / s * 100,
		NearCPUPct:    float64(near1-near0) / userHZ / s * 100,
		RedisCmdsPerS: float64(calls1-calls0) / s,
	}, nil
}

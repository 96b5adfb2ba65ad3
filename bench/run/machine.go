package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes the machine, the toolchain and the commit; read before
// any load, so its load average is what else ran.
func machine(ctx context.Context) Machine {
	m := Machine{
		CPU:   "unknown CPU",
		Cores: runtime.NumCPU(),
		Go:    runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Date:  time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.Lines(string(data)) {
			if name, value, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.CPU = strings.TrimSpace(value)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for l := range strings.Lines(string(data)) {
			if rest, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				kib, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				m.MemGiB = kib / 1048576
			}
		}
	}
	osType, _ := os.ReadFile("/proc/sys/kernel/ostype")
	release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	m.Kernel = strings.TrimSpace(string(osType)) + " " + strings.TrimSpace(string(release))
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	m.Commit = "unknown"
	if out, err := command(ctx, "git", "describe", "--always", "--dirty", "--abbrev=12").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

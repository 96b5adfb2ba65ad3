package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// reader collects errors while reading variables.
type reader struct {
	getenv func(string) string
	errs   []error
}

func (r *reader) fail(name, why string) {
	r.errs = append(r.errs, fmt.Errorf("%s %s", name, why))
}

func (r *reader) lookup(name string) (string, bool) {
	v := strings.TrimSpace(r.getenv(name))
	return v, v != ""
}

func (r *reader) required(name string) string {
	v, ok := r.lookup(name)
	if !ok {
		r.fail(name, "is required")
	}
	return v
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok {
		return v
	}
	return def
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	r.fail(name, fmt.Sprintf("must be one of %s (got %q)", strings.Join(allowed, ", "), v))
	return def
}

// metricsType follows the contract: "prom" enables Prometheus, any other
// value means the no-op implementation.
func (r *reader) metricsType(name string) string {
	if v, _ := r.lookup(name); strings.EqualFold(v, MetricsProm) {
		return MetricsProm
	}
	return MetricsNoop
}

func (r *reader) integer(name string, def, lo, hi int) int {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, fmt.Sprintf("must be a whole number from %d to %d (got %q)", lo, hi, v))
		return def
	}
	return n
}

func (r *reader) seconds(name string, def, lo, hi int) time.Duration {
	return time.Duration(r.integer(name, def, lo, hi)) * time.Second
}

func (r *reader) boolean(name string, def bool) bool {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	r.fail(name, fmt.Sprintf("must be true or false (got %q)", v))
	return def
}

func (r *reader) list(name string, required bool) []string {
	v, ok := r.lookup(name)
	if !ok {
		if required {
			r.fail(name, "is required")
		}
		return nil
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimRight(strings.TrimSpace(item), "/"); item != "" {
			out = append(out, item)
		}
	}
	if len(out) == 0 && required {
		r.fail(name, "is required")
	}
	return out
}

func (r *reader) cidrs(name string) []string {
	items := r.list(name, false)
	for _, item := range items {
		if _, err := netip.ParsePrefix(item); err != nil {
			if _, err := netip.ParseAddr(item); err != nil {
				r.fail(name, fmt.Sprintf("must be a comma-separated list of CIDRs (bad %q)", item))
			}
		}
	}
	return items
}

// bytes reads a secret given as base64 (standard or URL alphabet) or hex;
// at least 32 bytes, so the HMAC it keys is as strong as its output.
func (r *reader) bytes(name string) []byte {
	v, ok := r.lookup(name)
	if !ok {
		return nil
	}
	key, err := decodeKey(v)
	if err != nil || len(key) < 32 {
		r.fail(name, "must be at least 32 bytes, given as hex or base64")
		return nil
	}
	return key
}

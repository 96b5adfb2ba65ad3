package fleettest

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// selector finds the metrics a PromQL expression selects: a name followed
// by a label matcher or a range, not preceded by a name character (so the
// parts of recording rule names, which hold colons, are left out).
var selector = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:])([a-zA-Z_][a-zA-Z0-9_]*)\s*[{\[]`)

// synthetic are series Prometheus makes itself, not scraped from anyone.
var synthetic = map[string]bool{"up": true}

// rulesNameExportedMetrics: every metric the alert and recording rules
// (deploy/prometheus/) select is exported by an instance or by HAProxy's
// exporter, after a load has exercised the routes. A misspelt name would
// make an alert that can never fire; promtool's own tests feed it
// whatever series they name, so they cannot notice.
func rulesNameExportedMetrics(t *testing.T, f *fleet) {
	exported := f.lb.Metrics() + string(f.direct(t, "127.0.0.21")[0].must(t, http.StatusOK, "GET", "/metrics", nil).body)
	files, err := filepath.Glob(repoFile(t, "deploy/prometheus/*.rules.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files in deploy/prometheus (%v)", err)
	}
	checked := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, expr := range expressions(string(raw)) {
			for _, m := range selector.FindAllStringSubmatch(expr, -1) {
				name := m[1]
				if synthetic[name] {
					continue
				}
				checked++
				if !strings.Contains(exported, "\n"+name+"{") && !strings.Contains(exported, "\n"+name+" ") {
					t.Errorf("%s selects %s, which neither the service nor HAProxy exports", filepath.Base(file), name)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no metric in the rules' expressions")
	}
	t.Logf("%d metric selections checked", checked)
}

// expressions returns the `expr:` values of a rules file: one line, or a
// `|` block of the lines indented below it.
func expressions(yaml string) []string {
	var out []string
	block, indent := false, 0
	for _, line := range strings.Split(yaml, "\n") {
		trimmed := strings.TrimSpace(line)
		depth := len(line) - len(strings.TrimLeft(line, " "))
		if block && (trimmed == "" || depth > indent) {
			out[len(out)-1] += " " + trimmed
			continue
		}
		block = false
		if rest, ok := strings.CutPrefix(trimmed, "expr:"); ok {
			rest = strings.TrimSpace(rest)
			block, indent = rest == "|", depth
			out = append(out, strings.TrimPrefix(rest, "|"))
		}
	}
	return out
}

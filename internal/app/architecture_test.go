package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports is the direction of the arrows (docs/architecture.md): each
// package may import only the listed packages of ours. Leaves (domain,
// logging, retry, config) import none; logging is imported by httpapi (and
// app), retry by postgres (and app). Test-only helpers are listed with "*":
// nothing but tests may import them.
var allowedImports = map[string][]string{
	"domain":      {},
	"logging":     {},
	"retry":       {},
	"config":      {},
	"dotenv":      {}, // .env files, read by app and provision
	"metrics":     {"domain"},
	"postgres":    {"domain", "retry", "migrations"},
	"redis":       {"domain"},
	"movies":      {"domain"},
	"passkeys":    {"domain"},
	"ratelimit":   {"domain"},
	"httpapi":     {"domain", "movies", "passkeys", "logging"},
	"app":         {"*"},
	"migrations":  {},
	"cmd":         {"app", "provision"}, // cmd/movieapi → app; cmd/dev → provision
	"provision":   {"dotenv"},           // PostgreSQL and Redis for make run, the tests and the fleet
	"testenv":     {"*"},
	"porttest":    {"domain"}, // the ports' contract tests, run by adapters and fakes
	"loadtest":    {"domain"}, // what the load and fault tests share
	"apitest":     {"*"},
	"authtest":    {"*"},
	"browsertest": {"*"},
	"faulttest":   {"*"},                              // tests only: its Go files hold nothing but the package doc
	"fleettest":   {"*"},                              // tests only, like faulttest
	"bench":       {"authtest", "provision", "bench"}, // make bench: bench/run, its load drivers and the baseline server
}

// drivers may appear only in their adapters (and in test helpers).
var drivers = map[string][]string{
	"github.com/jackc/pgx":      {"postgres", "testenv", "loadtest", "provision"},
	"github.com/redis/go-redis": {"redis", "testenv", "apitest", "bench"},
	"github.com/prometheus":     {"metrics"},
	"github.com/golang-migrate": {"postgres", "testenv"},
	"github.com/go-webauthn":    {"passkeys"},
	"github.com/testcontainers": {"testenv"},
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "movieapi/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := short(fields[0])
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("package %s has no entry in the import rules: decide its arrows", fields[0])
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "movieapi/") {
				if !contains(allowed, "*") && !contains(allowed, short(imp)) {
					t.Errorf("forbidden arrow: %s imports %s", fields[0], imp)
				}
				continue
			}
			for prefix, owners := range drivers {
				if strings.HasPrefix(imp, prefix) && !contains(owners, pkg) && pkg != "app" {
					t.Errorf("%s imports %s, which belongs in %v", fields[0], imp, owners)
				}
			}
		}
	}
}

// domainMayUse is what the domain may import beyond the standard library:
// the Go project's own text extensions, for PRECIS usernames (RFC 8265).
var domainMayUse = []string{"golang.org/x/text/"}

// withoutHTTP are the packages that must not know HTTP exists: the domain,
// the services and the adapters speak in domain types; only httpapi (and
// app, which serves) touch net/http.
var withoutHTTP = []string{"domain", "movies", "passkeys", "postgres", "redis", "ratelimit", "retry", "config"}

func TestServicesKnowNoHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "movieapi/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if !contains(withoutHTTP, short(fields[0])) {
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "net/http") {
				t.Errorf("%s imports %s: HTTP belongs in httpapi", fields[0], imp)
			}
		}
	}
}

// TestDomainIsPure walks every dependency of the domain: standard library
// only, and domainMayUse.
func TestDomainIsPure(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`, "movieapi/internal/domain").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "movieapi/internal/domain" && !hasAnyPrefix(dep, domainMayUse) {
			t.Errorf("domain depends on %s", dep)
		}
	}
}

// short names a package by its room: movieapi/internal/redis → redis.
func short(path string) string {
	path = strings.TrimPrefix(path, "movieapi/")
	path = strings.TrimPrefix(path, "internal/")
	if i := strings.Index(path, "/"); i >= 0 {
		path = path[:i]
	}
	return path
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

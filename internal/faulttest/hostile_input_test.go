package faulttest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/loadtest"
	"movieapi/internal/testenv"
)

// Hostile input on every route of the surface: odd and broken JSON, huge
// and deep bodies, wrong content types, hostile path parameters and
// headers, methods the route does not have, and requests net/http would
// never send. Every answer is a documented status: 2xx only where the input
// is in fact fine, otherwise a 4xx with the JSON error body (net/http's own
// answers to unparseable requests excepted), never a 5xx. The process stays
// up and its log shows no panic.
func TestHostileInputOnEveryRoute(t *testing.T) {
	testenv.RequireIntegration(t)
	cfg := apitest.DefaultConfig(t)
	cfg.RateLimitPerMin = 0 // hundreds of ceremony calls from one address: limits are tested elsewhere
	// With related origins, /.well-known/webauthn serves its document (200)
	// like the other static resources.
	cfg.WebAuthn.RelatedOrigins = []string{"https://films.example"}
	leaks := beginLeakCheck()
	t.Run("serve", func(t *testing.T) {
		srv := apitest.StartWith(t, cfg)
		routes := discoverRoutes(t, srv)
		c := newClient(t, srv)
		addr := strings.TrimPrefix(srv.URL, "http://")

		jobs := hostileJobs(routes)
		fails := &loadtest.Failures{}
		var wg sync.WaitGroup
		queue := make(chan hostileJob)
		for range hostileWorkers {
			wg.Go(func() {
				for j := range queue {
					if j.raw != nil {
						judgeRaw(fails, j, sendRaw(addr, j))
					} else {
						judgeHTTP(fails, j, c.do(j.method, j.path, j.body, j.headers...))
					}
				}
			})
		}
		for _, j := range jobs {
			queue <- j
		}
		close(queue)
		wg.Wait()
		t.Logf("%d hostile requests on %d routes", len(jobs), len(routes))
		fails.Report(t)

		if r := srv.Do(t, "GET", "/health", nil); r.Status != http.StatusOK {
			t.Errorf("after the hostile input, GET /health: %d %s", r.Status, r.Body)
		}
		if log := srv.Log.String(); strings.Contains(log, "panic") {
			t.Errorf("the server log mentions a panic:\n%s", log)
		}
	})
	leaks.goroutinesBack(t)
	postgresSessionsGone(t, cfg.DatabaseURL)
}

// hostileWorkers send the cases concurrently: the server must cope with
// that too, and the run stays short.
const hostileWorkers = 8

// hostileJob is one request of the table and what it may answer.
type hostileJob struct {
	name    string
	route   route
	method  string
	path    string
	body    []byte
	headers []string
	want    []int
	raw     *rawCase
}

func (j hostileJob) String() string {
	return fmt.Sprintf("%s %s (route %s, %s)", j.method, shorten(j.path), j.route, j.name)
}

// hostileJobs crosses the routes with every case.
func hostileJobs(routes []route) []hostileJob {
	var jobs []hostileJob
	for _, r := range routes {
		for _, bc := range bodyCases {
			w := neutralStatus(r)
			if slices.Contains(jsonGroups, r.group) {
				w = bc.want[r.group]
			}
			jobs = append(jobs, hostileJob{name: "body: " + bc.name, route: r, method: r.method, path: r.path,
				body: []byte(bc.body), headers: []string{"Content-Type", bc.contentType}, want: w})
		}
		for _, hc := range headerCases {
			jobs = append(jobs, hostileJob{name: "header: " + hc.name, route: r, method: r.method, path: r.path,
				body: neutralBody(r), headers: []string{hc.header, hc.value}, want: neutralOrEmpty(r)})
		}
		if r.hasParam() {
			for _, pv := range pathValues {
				value := pv.value
				if pv.name == upperCaseID {
					value = strings.ToUpper(strings.TrimPrefix(r.path, r.withParam("")))
				}
				jobs = append(jobs, hostileJob{name: "path: " + pv.name, route: r, method: r.method,
					path: r.withParam(value), body: validBody(r), want: pathWant(r, pv.name)})
			}
		}
		jobs = append(jobs,
			hostileJob{name: "method the route does not have", route: r, method: unregisteredMethod(r), path: r.path,
				want: []int{http.StatusMethodNotAllowed}},
			hostileJob{name: "unknown method", route: r, method: "BREW", path: r.path,
				want: []int{http.StatusMethodNotAllowed}})
		for i := range rawCases {
			rc := &rawCases[i]
			jobs = append(jobs, hostileJob{name: "raw: " + rc.name, route: r, method: r.method, path: r.path,
				want: []int{rc.want}, raw: rc})
		}
	}
	return jobs
}

// neutralStatus is what a route answers when the body does not matter to
// it: pages and static resources are served, an unknown movie is not found,
// a Bearer route refuses a caller without a session.
func neutralStatus(r route) []int {
	switch r.group {
	case groupPage, groupStatic:
		return []int{http.StatusOK}
	case groupMovieRead:
		return []int{http.StatusNotFound}
	case groupBearer:
		return []int{http.StatusUnauthorized}
	}
	return nil
}

func neutralOrEmpty(r route) []int {
	if slices.Contains(jsonGroups, r.group) {
		return emptyObject[r.group]
	}
	return neutralStatus(r)
}

// neutralBody is {} for the methods that carry a body.
func neutralBody(r route) []byte {
	if r.method == http.MethodGet || r.method == http.MethodDelete {
		return nil
	}
	return []byte(`{}`)
}

// validBody is a body the route accepts, so that only the path is wrong.
func validBody(r route) []byte {
	switch {
	case r.group == groupMovieWrite:
		return []byte(`{"title":"Path case","year":2000,"stars":1}`)
	case r.method == http.MethodPatch:
		return []byte(`{"name":"renamed"}`)
	}
	return neutralBody(r)
}

// unregisteredMethod is a method the route's path does not have.
func unregisteredMethod(r route) string {
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost, http.MethodGet} {
		if !slices.Contains(r.methods, m) {
			return m
		}
	}
	return "BREW"
}

// saneRequestID is what X-Request-Id may carry back (never the caller's
// markup or an unbounded value).
var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// judgeHTTP checks one answer against the contract.
func judgeHTTP(fails *loadtest.Failures, j hostileJob, a answer) {
	switch {
	case a.err != nil:
		fails.Add("%s: no answer: %v", j, a.err)
		return
	case a.status >= 500:
		fails.Add("%s: %d %s", j, a.status, a.text())
		return
	case !slices.Contains(j.want, a.status):
		fails.Add("%s: %d %s, want %v", j, a.status, a.text(), j.want)
	}
	ctype := a.header.Get("Content-Type")
	switch {
	case a.status >= 400 && a.jsonError() == "":
		fails.Add("%s: %d without a JSON error body: %s %q", j, a.status, ctype, a.text())
	case a.status < 300 && j.route.group == groupPage && !strings.HasPrefix(ctype, "text/html"):
		fails.Add("%s: page answered %q", j, ctype)
	case a.status < 300 && slices.Contains(jsonGroups, j.route.group) && !strings.HasPrefix(ctype, "application/json"):
		fails.Add("%s: JSON route answered %q", j, ctype)
	case a.status == http.StatusUnauthorized && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer"):
		fails.Add("%s: 401 without WWW-Authenticate: Bearer", j)
	case a.status == http.StatusMethodNotAllowed && !strings.Contains(a.header.Get("Allow"), j.route.method):
		fails.Add("%s: 405 with Allow %q, which lacks %s", j, a.header.Get("Allow"), j.route.method)
	}
	if id := a.header.Get("X-Request-Id"); !saneRequestID.MatchString(id) {
		fails.Add("%s: X-Request-Id %q", j, shorten(id))
	}
}

// shorten keeps failure messages readable when bodies or paths are huge.
func shorten(s string) string {
	if len(s) > 120 {
		return fmt.Sprintf("%s…(%d bytes)", s[:120], len(s))
	}
	return s
}

package faulttest

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"movieapi/internal/apitest"
)

// group is how a route treats a request, which decides what it may answer.
type group int

const (
	groupPage           group = iota // HTML pages: bodies and headers are ignored
	groupStatic                      // health, metrics, assets: bodies are ignored
	groupMovieRead                   // GET and DELETE of one movie
	groupMovieWrite                  // POST /movies/add, PUT /movies/update/{id}
	groupRegisterStart               // the four ceremony endpoints take JSON
	groupRegisterFinish              //
	groupSignInStart                 //
	groupSignInFinish                //
	groupBearer                      // needs a session: 401 without one, before anything else
)

// jsonGroups are the groups whose routes decode a JSON body.
var jsonGroups = []group{groupMovieWrite, groupRegisterStart, groupRegisterFinish, groupSignInStart, groupSignInFinish}

// knownRoutes is the API surface (contract §1, internal/httpapi/routes.go):
// every route with how it treats requests. The test reads the routes from
// the landing page, which renders the route table, and fails on a route
// missing here, so a new route cannot escape the hostile inputs.
var knownRoutes = map[string]group{
	"GET /":                             groupPage,
	"GET /passkeys":                     groupPage,
	"GET /health":                       groupStatic,
	"GET /metrics":                      groupStatic,
	"GET /openapi.json":                 groupStatic,
	"GET /assets/{name}":                groupStatic,
	"GET /movies/get/{id}":              groupMovieRead,
	"POST /movies/add":                  groupMovieWrite,
	"PUT /movies/update/{id}":           groupMovieWrite,
	"DELETE /movies/delete/{id}":        groupMovieRead,
	"POST /webauthn/register/start":     groupRegisterStart,
	"POST /webauthn/register/finish":    groupRegisterFinish,
	"POST /webauthn/auth/start":         groupSignInStart,
	"POST /webauthn/auth/finish":        groupSignInFinish,
	"GET /webauthn/credentials":         groupBearer,
	"PATCH /webauthn/credentials/{id}":  groupBearer,
	"DELETE /webauthn/credentials/{id}": groupBearer,
	"POST /webauthn/reauth/start":       groupBearer,
	"POST /webauthn/reauth/finish":      groupBearer,
	"POST /webauthn/logout":             groupBearer,
}

// fullHealth is the one route of contract §1 that differs only by its query.
const fullHealth = "GET /health?mode=full"

// route is one line of the surface with a concrete path to call.
type route struct {
	method, pattern string
	path            string // pattern with its parameter filled in
	group           group
	methods         []string // every method registered for the pattern
}

func (r route) String() string { return r.method + " " + r.pattern }

// hasParam reports whether the pattern has a path parameter.
func (r route) hasParam() bool { return strings.Contains(r.pattern, "{") }

// withParam is the path with the parameter replaced by value.
func (r route) withParam(value string) string {
	return paramPattern.ReplaceAllLiteralString(r.pattern, value)
}

var (
	landingRow   = regexp.MustCompile(`<span class="method[^"]*">([A-Z]+)</span></td><td><code>([^<]+)</code>`)
	paramPattern = regexp.MustCompile(`\{[a-z]+\}`)
)

// Parameters that name nothing: an unknown movie, an unknown credential,
// an asset that exists. Updates get a movie id of their own: the cases
// that are fine store a movie under it, which the reads must not find.
var paramValues = map[string]string{
	"/movies/get/":           "0123456789abcdef0123456789abcdef01234567",
	"/movies/delete/":        "0123456789abcdef0123456789abcdef01234567",
	"/movies/update/":        "fedcba9876543210fedcba9876543210fedcba98",
	"/webauthn/credentials/": "AAAA",
	"/assets/":               "site.css",
}

// discoverRoutes reads the route table from the landing page and checks it
// against knownRoutes in both directions.
func discoverRoutes(t *testing.T, srv *apitest.Server) []route {
	t.Helper()
	page := srv.Do(t, "GET", "/", nil)
	if page.Status != 200 {
		t.Fatalf("landing page: %d", page.Status)
	}
	rows := landingRow.FindAllStringSubmatch(string(page.Body), -1)
	listed := map[string]bool{}
	methods := map[string][]string{}
	for _, row := range rows {
		method, pattern := row[1], html.UnescapeString(row[2])
		listed[method+" "+pattern] = true
		methods[pattern] = append(methods[pattern], method)
	}
	for key := range knownRoutes {
		if !listed[key] {
			t.Errorf("the landing page does not list %s", key)
		}
	}
	var routes []route
	for _, row := range rows {
		method, pattern := row[1], html.UnescapeString(row[2])
		g, ok := knownRoutes[method+" "+pattern]
		if !ok {
			t.Errorf("route %s %s is new: add it to knownRoutes with how it treats requests", method, pattern)
			continue
		}
		r := route{method: method, pattern: pattern, path: pattern, group: g, methods: methods[pattern]}
		for prefix, value := range paramValues {
			if strings.HasPrefix(pattern, prefix) {
				r.path = r.withParam(value)
			}
		}
		routes = append(routes, r)
	}
	routes = append(routes, route{method: "GET", pattern: "/health?mode=full", path: "/health?mode=full",
		group: groupStatic, methods: methods["/health"]})
	if len(routes) != len(knownRoutes)+1 {
		t.Fatalf("found %d routes, want the %d of routes.go and %s", len(routes), len(knownRoutes), fullHealth)
	}
	return routes
}

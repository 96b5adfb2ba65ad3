package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-chi/chi/v5"

	"movieapi/internal/apitest"
	"movieapi/internal/config"
	"movieapi/internal/httpapi"
)

// loadContract reads and validates web/openapi.json, the document the
// service serves at /openapi.json.
func loadContract(t testing.TB) *openapi3.T {
	t.Helper()
	raw, err := os.ReadFile("web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	return parseContract(t, raw)
}

func parseContract(t testing.TB, raw []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("the document is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// TestOpenAPIListsExactlyTheRouterRoutes compares the operations of the
// document with the routes the real router registers, both ways.
func TestOpenAPIListsExactlyTheRouterRoutes(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	// The router is built from the one route table; the handlers never run,
	// so the state needs no backends.
	router := httpapi.NewRouter(httpapi.AppState{MetricsHandler: http.NotFoundHandler()}).(chi.Routes)
	var served []string
	err := chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served = append(served, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(documented)
	sort.Strings(served)
	for _, r := range served {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is served but missing from web/openapi.json", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(served, r) {
			t.Errorf("web/openapi.json lists %s, which the router does not serve", r)
		}
	}
}

// contract validates real exchanges against the document and remembers
// which operations they covered.
type contract struct {
	doc    *openapi3.T
	router routers.Router

	mu        sync.Mutex
	exercised map[string][]int // operationId → statuses seen
}

func newContract(t *testing.T, doc *openapi3.T) *contract {
	t.Helper()
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{doc: doc, router: router, exercised: map[string][]int{}}
}

// exchange names one request of the validation run.
type exchange struct {
	method, path string
	body         any      // nil, string or []byte, as apitest.Server.Do takes it
	headers      []string // name, value pairs
	want         int
	// validRequest marks a request the document describes as acceptable;
	// its body and parameters are validated too. Error cases send what the
	// document rejects on purpose.
	validRequest bool
}

// do sends the exchange to srv, checks the status and validates the answer
// (status, headers, body) against the document.
func (c *contract) do(t *testing.T, srv *apitest.Server, x exchange) apitest.Response {
	t.Helper()
	resp := srv.Do(t, x.method, x.path, x.body, x.headers...)
	if resp.Status != x.want {
		t.Fatalf("%s %s: status %d, want %d: %s", x.method, x.path, resp.Status, x.want, resp.Body)
	}
	req, err := http.NewRequest(x.method, srv.URL+x.path, bodyReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	if x.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(x.headers); i += 2 {
		req.Header.Set(x.headers[i], x.headers[i+1])
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no operation of the document matches: %v", x.method, x.path, err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // a status the document does not list fails
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if x.validRequest {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: the request does not match the document: %v", x.method, x.path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.Status, Header: resp.Header, Options: opts,
	}
	out.SetBodyBytes(resp.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s → %d: the answer does not match the document: %v\nbody: %s",
			x.method, x.path, resp.Status, err, resp.Body)
	}
	c.mu.Lock()
	c.exercised[route.Operation.OperationID] = append(c.exercised[route.Operation.OperationID], resp.Status)
	c.mu.Unlock()
	return resp
}

// checkCoverage fails for an operation no exchange reached.
func (c *contract) checkCoverage(t *testing.T) {
	t.Helper()
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if len(c.exercised[op.OperationID]) == 0 {
				t.Errorf("%s %s (%s) was not exercised", method, path, op.OperationID)
			}
		}
	}
}

func bodyReader(body any) *bytes.Reader {
	switch b := body.(type) {
	case string:
		return bytes.NewReader([]byte(b))
	case []byte:
		return bytes.NewReader(b)
	}
	return bytes.NewReader(nil)
}

// TestOpenAPIDescribesRealAnswers drives every route with real requests,
// the successes and the main errors, and validates each answer against the
// document the service serves.
func TestOpenAPIDescribesRealAnswers(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	served := srv.Do(t, "GET", "/openapi.json", nil)
	if served.Status != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d", served.Status)
	}
	c := newContract(t, parseContract(t, served.Body))

	t.Run("pages and operations", func(t *testing.T) { exercisePages(t, c, srv) })
	t.Run("movies", func(t *testing.T) { exerciseMovies(t, c, srv) })
	t.Run("movie writes need a session when configured", func(t *testing.T) {
		locked := apitest.Start(t, func(cfg *config.Config) { cfg.MoviesRequireAuth = true })
		for _, x := range []exchange{
			{method: "POST", path: "/movies/add", body: movieJSON("Heat", 1995, 4), want: 401},
			{method: "PUT", path: "/movies/update/" + inceptionID, body: movieJSON("Inception", 2010, 4), want: 401},
			{method: "DELETE", path: "/movies/delete/" + inceptionID, want: 401, headers: []string{"Authorization", "Bearer nope"}},
		} {
			c.do(t, locked, x)
		}
	})
	t.Run("passkeys", func(t *testing.T) { exercisePasskeys(t, c, srv) })
	t.Run("ceremony limits", func(t *testing.T) {
		limited := apitest.Start(t, func(cfg *config.Config) { cfg.RateLimitPerMin = 1 })
		c.do(t, limited, exchange{method: "POST", path: "/webauthn/auth/start", body: `{}`, want: 200, validRequest: true})
		resp := c.do(t, limited, exchange{method: "POST", path: "/webauthn/auth/start", body: `{}`, want: 429})
		if resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	})
	if !t.Failed() {
		c.checkCoverage(t)
	}
}

func exercisePages(t *testing.T, c *contract, srv *apitest.Server) {
	for _, x := range []exchange{
		{method: "GET", path: "/", want: 200, validRequest: true},
		{method: "GET", path: "/passkeys", want: 200, validRequest: true},
		{method: "GET", path: "/assets/site.css", want: 200, validRequest: true},
		{method: "GET", path: "/assets/missing.css", want: 404},
		{method: "GET", path: "/health", want: 200, validRequest: true},
		{method: "GET", path: "/health?mode=full", want: 200, validRequest: true},
		{method: "GET", path: "/health?mode=other", want: 200, validRequest: true},
		{method: "GET", path: "/metrics", want: 200, validRequest: true},
		{method: "GET", path: "/openapi.json", want: 200, validRequest: true},
	} {
		c.do(t, srv, x)
	}
	etag := srv.Do(t, "GET", "/openapi.json", nil).Header.Get("ETag")
	c.do(t, srv, exchange{method: "GET", path: "/openapi.json", headers: []string{"If-None-Match", etag}, want: 304, validRequest: true})
}

func exerciseMovies(t *testing.T, c *contract, srv *apitest.Server) {
	huge := `{"title":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `","year":2000,"stars":1}`
	for _, x := range []exchange{
		{method: "POST", path: "/movies/add", body: movieJSON("Inception", 2010, 4.8), want: 201, validRequest: true},
		{method: "POST", path: "/movies/add", body: movieJSON(" inception ", 2010, 1), want: 409, validRequest: true},
		{method: "POST", path: "/movies/add", body: movieJSON("Too Early", 1879, 3), want: 400},
		{method: "POST", path: "/movies/add", body: `{"title":`, want: 400},
		{method: "POST", path: "/movies/add", body: `{"title":"X","year":"2010","stars":1}`, want: 422},
		{method: "POST", path: "/movies/add", body: `{}`, headers: []string{"Content-Type", "text/plain"}, want: 415},
		{method: "POST", path: "/movies/add", body: huge, want: 413},
		{method: "GET", path: "/movies/get/" + inceptionID, want: 200, validRequest: true},
		{method: "GET", path: "/movies/get/" + inceptionID, want: 200, validRequest: true}, // from the cache
		{method: "GET", path: "/movies/get/" + shawshankID, want: 404, validRequest: true},
		{method: "GET", path: "/movies/get/not-an-id", want: 404, validRequest: true},
		{method: "PUT", path: "/movies/update/" + inceptionID, body: movieJSON("Inception", 2010, 5), want: 200, validRequest: true},
		{method: "PUT", path: "/movies/update/" + testMovieID, body: movieJSON("Test Movie", 2023, 3), want: 200, validRequest: true},
		{method: "PUT", path: "/movies/update/not-an-id", body: movieJSON("Inception", 2010, 5), want: 400},
		{method: "PUT", path: "/movies/update/" + inceptionID, body: `{"title":"Inception","year":2010.5,"stars":1}`, want: 422},
		{method: "DELETE", path: "/movies/delete/" + inceptionID, want: 204, validRequest: true},
		{method: "DELETE", path: "/movies/delete/" + inceptionID, want: 404, validRequest: true},
	} {
		c.do(t, srv, x)
	}
}

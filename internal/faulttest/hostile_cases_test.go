package faulttest

import (
	"encoding/base64"
	"net/http"
	"strings"

	"movieapi/internal/httpapi"
)

// want lists, per JSON group, the statuses a case may get; the other groups
// answer as they always do (neutralStatus), whatever the body.
type want map[group][]int

// everyJSON expects the same statuses from every JSON route.
func everyJSON(statuses ...int) want {
	w := want{}
	for _, g := range jsonGroups {
		w[g] = statuses
	}
	return w
}

// but returns a copy of w expecting statuses from g.
func (w want) but(g group, statuses ...int) want {
	c := want{}
	for k, v := range w {
		c[k] = v
	}
	c[g] = statuses
	return c
}

// Common expectations. An empty object lacks every required field (422),
// except for the sign-in start, whose fields are all optional. A body made
// for movies leaves the ceremonies without their fields.
var (
	emptyObject = everyJSON(http.StatusUnprocessableEntity).but(groupSignInStart, http.StatusOK)
)

func movieOnly(statuses ...int) want { return emptyObject.but(groupMovieWrite, statuses...) }

// bodyCase is one hostile body, sent with contentType ("" sends none) to
// every route with the route's own method.
type bodyCase struct {
	name        string
	contentType string
	body        string
	want        want
}

const jsonType = "application/json"

// A client data JSON without a challenge, and one with a challenge the
// server never issued, as a browser would encode them.
var (
	clientDataNoChallenge = base64.RawURLEncoding.EncodeToString([]byte(`{"type":"webauthn.get"}`))
	clientDataUnknown     = base64.RawURLEncoding.EncodeToString(
		[]byte(`{"type":"webauthn.get","challenge":"bm90LWlzc3VlZA","origin":"http://localhost"}`))
)

func fakeCredential(clientData string) string {
	return `{"username":"hostile-user","credential":{"id":"AAAA","rawId":"AAAA","type":"public-key",` +
		`"response":{"clientDataJSON":"` + clientData + `","attestationObject":"o2Nm","authenticatorData":"AAAA","signature":"AAAA"}}}`
}

// A credential body: the starts accept the username (200), the finishes
// find no ceremony (400), movies lack their fields.
var credentialWant = want{
	groupMovieWrite:     {http.StatusUnprocessableEntity},
	groupRegisterStart:  {http.StatusOK},
	groupRegisterFinish: {http.StatusBadRequest},
	groupSignInStart:    {http.StatusOK},
	groupSignInFinish:   {http.StatusBadRequest},
}

const hugeInteger = "123456789012345678901234567890"

var bodyCases = []bodyCase{
	{"empty body", jsonType, "", everyJSON(http.StatusBadRequest)},
	{"empty object", jsonType, `{}`, emptyObject},
	{"null", jsonType, `null`, everyJSON(http.StatusUnprocessableEntity)},
	{"empty array", jsonType, `[]`, everyJSON(http.StatusUnprocessableEntity)},
	{"array of values", jsonType, `[1,"a",null,{}]`, everyJSON(http.StatusUnprocessableEntity)},
	{"string", jsonType, `"movie"`, everyJSON(http.StatusUnprocessableEntity)},
	{"number", jsonType, `42`, everyJSON(http.StatusUnprocessableEntity)},
	{"trailing data", jsonType, `{} {}`, everyJSON(http.StatusUnprocessableEntity)},
	{"not JSON", jsonType, `{title: 'x'}`, everyJSON(http.StatusBadRequest)},
	// encoding/json stops at 10 000 levels: at the limit the value is of
	// the wrong shape (422), beyond it the document is refused (400).
	{"arrays nested 10 000 deep", jsonType, nested("[", "]", 10_000), everyJSON(http.StatusBadRequest, http.StatusUnprocessableEntity)},
	{"arrays nested 100 000 deep", jsonType, nested("[", "]", 100_000), everyJSON(http.StatusBadRequest)},
	{"objects nested 10 000 deep", jsonType, nested(`{"x":`, "}", 10_000),
		everyJSON(http.StatusBadRequest, http.StatusUnprocessableEntity).but(groupSignInStart, http.StatusOK, http.StatusBadRequest)},
	{"every field 1e400", jsonType, allFields("1e400"), everyJSON(http.StatusUnprocessableEntity)},
	{"every field a huge integer", jsonType, allFields(hugeInteger), everyJSON(http.StatusUnprocessableEntity)},
	{"every field of the wrong type", jsonType,
		`{"title":{},"year":"2000","stars":"1","username":[],"display_name":{},"credential":"x","name":[],"mediation":{}}`,
		everyJSON(http.StatusUnprocessableEntity)},
	{"year 1e400", jsonType, `{"title":"Year overflow","year":1e400,"stars":1}`, movieOnly(http.StatusUnprocessableEntity)},
	{"year a huge integer", jsonType, `{"title":"Huge year","year":` + hugeInteger + `,"stars":1}`, movieOnly(http.StatusUnprocessableEntity)},
	{"year as a float", jsonType, `{"title":"Float year","year":2000.5,"stars":1}`, movieOnly(http.StatusUnprocessableEntity)},
	{"stars 1e400", jsonType, `{"title":"Stars overflow","year":2000,"stars":1e400}`, movieOnly(http.StatusUnprocessableEntity)},
	{"stars a huge integer", jsonType, `{"title":"Huge stars","year":2000,"stars":` + hugeInteger + `}`, movieOnly(http.StatusBadRequest)},
	{"year -0", jsonType, `{"title":"Year zero","year":-0,"stars":1}`, movieOnly(http.StatusBadRequest)},
	// -0 stars is zero stars: a fine movie.
	{"stars -0", jsonType, `{"title":"Negative zero stars","year":2000,"stars":-0}`, movieOnly(http.StatusCreated, http.StatusOK)},
	{"escaped NUL in every string", jsonType,
		`{"title":"a\u0000b","year":2000,"stars":1,"username":"a\u0000b","display_name":"a\u0000b","name":"a\u0000b","mediation":"a\u0000b"}`,
		want{
			groupMovieWrite: {http.StatusBadRequest}, groupRegisterStart: {http.StatusBadRequest},
			groupRegisterFinish: {http.StatusUnprocessableEntity}, groupSignInStart: {http.StatusBadRequest},
			groupSignInFinish: {http.StatusUnprocessableEntity},
		}},
	{"raw NUL in a string", jsonType, "{\"title\":\"a\x00b\",\"username\":\"a\x00b\"}", everyJSON(http.StatusBadRequest)},
	{"invalid UTF-8 in a string", jsonType, "{\"title\":\"\xff\xfe\",\"year\":2000,\"stars\":1,\"username\":\"\xc3\x28\"}", everyJSON(http.StatusBadRequest)},
	{"invalid UTF-8 outside strings", jsonType, "{\xff:1}", everyJSON(http.StatusBadRequest)},
	{"10 000-character username", jsonType, `{"username":"` + strings.Repeat("u", 10_000) + `"}`,
		emptyObject.but(groupRegisterStart, http.StatusBadRequest).but(groupSignInStart, http.StatusBadRequest)},
	{"3 MiB body", jsonType, `{"title":"` + strings.Repeat("a", 3<<20) + `","year":2000,"stars":1}`, everyJSON(http.StatusRequestEntityTooLarge)},
	{"body just over the limit", jsonType, `"` + strings.Repeat("a", httpapi.MaxBodyBytes-1) + `"`, everyJSON(http.StatusRequestEntityTooLarge)},
	{"credential without a challenge", jsonType, fakeCredential(clientDataNoChallenge), credentialWant},
	{"credential with a challenge never issued", jsonType, fakeCredential(clientDataUnknown), credentialWant},
	{"credential with client data that is not base64", jsonType, fakeCredential("%%%"), credentialWant},
	{"credential that is a string", jsonType, `{"username":"hostile-user","credential":"%%%"}`, credentialWant},
	{"mediation other than conditional", jsonType, `{"mediation":"silent"}`, emptyObject},

	{"text/plain", "text/plain", `{}`, everyJSON(http.StatusUnsupportedMediaType)},
	{"form", "application/x-www-form-urlencoded", "title=x&year=2000&stars=1", everyJSON(http.StatusUnsupportedMediaType)},
	{"multipart", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n",
		everyJSON(http.StatusUnsupportedMediaType)},
	{"no content type", "", `{}`, everyJSON(http.StatusUnsupportedMediaType)},
	{"malformed content type", ";;;", `{}`, everyJSON(http.StatusUnsupportedMediaType)},
	{"application/jsonx", "application/jsonx", `{}`, everyJSON(http.StatusUnsupportedMediaType)},
	{"text/json", "text/json", `{}`, everyJSON(http.StatusUnsupportedMediaType)},
	{"a +json type", "application/merge-patch+json", `{}`, emptyObject},
	{"json with parameters", "application/json; charset=utf-8; x=\"y\"", `{}`, emptyObject},
}

// nested opens n levels and closes them again around an empty object.
func nested(open, closing string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(closing, n)
}

// allFields sets every field any route reads to value.
func allFields(value string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, f := range []string{"title", "year", "stars", "username", "display_name", "credential", "name", "mediation"} {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + f + `":` + value)
	}
	b.WriteString("}")
	return b.String()
}

// headerCase is one hostile header, sent to every route with a body the
// route accepts as JSON ({}), so that only the header is in question.
type headerCase struct{ name, header, value string }

var headerCases = []headerCase{
	{"Bearer without a token", "Authorization", "Bearer"},
	{"Bearer and a space", "Authorization", "Bearer "},
	{"lower-case scheme", "Authorization", "bearer x"},
	{"Basic scheme", "Authorization", "Basic abc"},
	{"10 KB token", "Authorization", "Bearer " + strings.Repeat("t", 10<<10)},
	{"non-ASCII token", "Authorization", "Bearer ñandú-🔑"},
	{"token with a space", "Authorization", "Bearer a b"},
	{"two schemes", "Authorization", "Bearer a, Basic b"},
	{"markup as request id", "X-Request-Id", "<script>alert(1)</script>"},
	{"1000-character request id", "X-Request-Id", strings.Repeat("r", 1000)},
	{"non-ASCII request id", "X-Request-Id", "ïd-✓"},
	{"absurd Accept", "Accept", "*/*;q=abc, text/html;q=-1, application/json;q=2"},
	{"absurd Accept-Encoding", "Accept-Encoding", "gzip;q=x, br;;;, *;q=0"},
}

// pathValues replace a route's path parameter.
var pathValues = []struct{ name, value string }{
	{"NUL", "%00"},
	{"dot-dot", ".."},
	{"encoded dot-dot", "%2e%2e"},
	{"traversal", "..%2f..%2f..%2fetc%2fpasswd"},
	{"encoded slash", "%2f"},
	{"10 000 characters", strings.Repeat("a", 10_000)},
	{"invalid UTF-8", "%ff%fe"},
	{"right-to-left override", "%E2%80%AEfdp.exe"},
	{"encoded CR LF", "x%0d%0aX-Injected:%201"},
	{"SQL", "'%20OR%201=1%20--"},
	{upperCaseID, "0123456789ABCDEF0123456789ABCDEF01234567"},
}

// upperCaseID names the one path value that is a valid movie id (contract §6:
// hex is matched case-insensitively). Reads and deletes get the upper-case
// form of their own unknown id; only the update stores it.
const upperCaseID = "upper-case hex id"

// pathWant is what a hostile parameter may get: a movie or asset is not
// found, an update refuses the id (400), a Bearer route refuses the caller
// first. A value that leaves no route matching is a 404 anywhere.
func pathWant(r route, valueName string) []int {
	switch r.group {
	case groupMovieWrite:
		if valueName == upperCaseID {
			return []int{http.StatusOK}
		}
		return []int{http.StatusBadRequest, http.StatusNotFound}
	case groupBearer:
		return []int{http.StatusUnauthorized, http.StatusNotFound}
	}
	return []int{http.StatusNotFound}
}

// rawCase is a request no well-behaved client can send (net/http refuses
// to), written on a raw connection: extra header lines, or a request line
// of its own. The server must answer 400 (431 for an oversized header
// block) or close the connection.
type rawCase struct {
	name        string
	headers     string                           // inserted after Host
	requestLine func(method, path string) string // nil: "METHOD path HTTP/1.1"; path has no query
	want        int
}

var rawCases = []rawCase{
	{name: "bare CR in a header value", headers: "X-Bad: a\rb\r\n", want: http.StatusBadRequest},
	{name: "bare LF in a header value", headers: "X-Bad: a\nb\r\n", want: http.StatusBadRequest},
	{name: "CR inside Authorization", headers: "Authorization: Bearer x\rInjected: 1\r\n", want: http.StatusBadRequest},
	{name: "NUL in a header value", headers: "X-Bad: a\x00b\r\n", want: http.StatusBadRequest},
	{name: "CR in a header name", headers: "X\rBad: a\r\n", want: http.StatusBadRequest},
	{name: "space before the colon", headers: "X-Bad : a\r\n", want: http.StatusBadRequest},
	{name: "header line without a colon", headers: "X-Bad\r\n", want: http.StatusBadRequest},
	{name: "oversized header block", headers: "X-Big: " + strings.Repeat("b", 70<<10) + "\r\n", want: http.StatusRequestHeaderFieldsTooLarge},
	{name: "CR LF in the request target", want: http.StatusBadRequest,
		requestLine: func(m, p string) string { return m + " " + p + "\rX-Injected: 1 HTTP/1.1" }},
	{name: "invalid escape in the path", want: http.StatusBadRequest,
		requestLine: func(m, p string) string { return m + " " + p + "%zz HTTP/1.1" }},
	{name: "space in the path", want: http.StatusBadRequest,
		requestLine: func(m, p string) string { return m + " " + p + " x HTTP/1.1" }},
}

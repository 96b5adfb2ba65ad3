package httpapi_test

import (
	"testing"

	"movieapi/internal/apitest"
)

// exerciseRelatedOrigins drives /.well-known/webauthn with and without
// related origins, and the start routes with hints, through the contract.
func exerciseRelatedOrigins(t *testing.T, c *contract, srv *apitest.Server) {
	related := apitest.Start(t, withRelatedOrigins(filmsOrigin, "https://movies.example.org:8443"))
	doc := c.do(t, related, exchange{method: "GET", path: "/.well-known/webauthn", want: 200, validRequest: true})
	c.do(t, related, exchange{method: "GET", path: "/.well-known/webauthn", want: 304, validRequest: true,
		headers: []string{"If-None-Match", doc.Header.Get("ETag")}})
	c.do(t, srv, exchange{method: "GET", path: "/.well-known/webauthn", want: 404, validRequest: true})

	post := func(path, body string, want int, valid bool) {
		t.Helper()
		c.do(t, srv, exchange{method: "POST", path: path, body: body, want: want, validRequest: valid})
	}
	post("/webauthn/register/start", `{"username":"Hinted","hints":["security-key","hybrid"]}`, 200, true)
	post("/webauthn/register/start", `{"username":"Hinted","hints":["usb"]}`, 400, false)
	post("/webauthn/auth/start", `{"username":"Hinted","hints":["client-device","hybrid"]}`, 200, true)
	post("/webauthn/auth/start", `{"hints":["hybrid","hybrid"]}`, 400, false)
}

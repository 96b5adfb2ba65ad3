package httpapi_test

import (
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestMalformedPasskeyBodies: the JSON rules of contract §2 hold on every
// passkey route — 415 for another content type, 400 for what is not JSON,
// 422 for JSON of the wrong shape, 413 for an oversized body — with a JSON
// error that leaks nothing, and never a 5xx.
func TestMalformedPasskeyBodies(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	token, p := authtest.SignUp(t, srv, "iris")
	huge := `{"username":"` + strings.Repeat("a", 3<<20) + `"}`

	type bodyCase struct {
		name, contentType string
		body              any
		status            int
	}
	// Every route gets these.
	common := []bodyCase{
		{"no content type", "", `{}`, 415},
		{"text/plain", "text/plain", `{}`, 415},
		{"form", "application/x-www-form-urlencoded", "username=x", 415},
		{"empty body", "application/json", "", 400},
		{"not JSON", "application/json", "username", 400},
		{"truncated", "application/json", `{"username":`, 400},
		{"invalid UTF-8", "application/json", []byte("{\"username\":\"\xff\xfe\"}"), 400},
		{"null", "application/json", "null", 422},
		{"array", "application/json", `[{"username":"x"}]`, 422},
		{"string", "application/json", `"x"`, 422},
		{"number", "application/json", `5`, 422},
		{"trailing data", "application/json", `{} {}`, 422},
		{"over 2 MiB", "application/json", huge, 413},
	}
	routes := []struct {
		method, path string
		headers      []string
		extra        []bodyCase
	}{
		{"POST", "/webauthn/register/start", nil, []bodyCase{
			{"missing username", "application/json", `{}`, 422},
			{"username as number", "application/json", `{"username":5}`, 422},
			{"username null", "application/json", `{"username":null}`, 422},
			{"display_name as object", "application/json", `{"username":"x","display_name":{}}`, 422},
			{"blank username", "application/json", `{"username":"   "}`, 400},
			{"65-character username", "application/json", `{"username":"` + strings.Repeat("u", 65) + `"}`, 400},
			{"control character", "application/json", `{"username":"a\u0000b"}`, 400},
		}},
		{"POST", "/webauthn/register/finish", nil, []bodyCase{
			{"missing credential", "application/json", `{"username":"x"}`, 422},
			{"null credential", "application/json", `{"username":"x","credential":null}`, 422},
			{"missing username", "application/json", `{"credential":{}}`, 422},
			{"username as array", "application/json", `{"username":[],"credential":{}}`, 422},
			{"name as number", "application/json", `{"username":"x","credential":{},"name":1}`, 422},
			{"credential of the wrong shape", "application/json", `{"username":"x","credential":{"response":[]}}`, 400},
		}},
		{"POST", "/webauthn/auth/start", nil, []bodyCase{
			{"username as number", "application/json", `{"username":5}`, 422},
			{"mediation as bool", "application/json", `{"mediation":true}`, 422},
			{"65-character username", "application/json", `{"username":"` + strings.Repeat("u", 65) + `"}`, 400},
		}},
		{"POST", "/webauthn/auth/finish", nil, []bodyCase{
			{"missing credential", "application/json", `{"username":"x"}`, 422},
			{"null credential", "application/json", `{"credential":null}`, 422},
			{"username as object", "application/json", `{"username":{},"credential":{}}`, 422},
			{"credential of the wrong shape", "application/json", `{"credential":{"response":{"clientDataJSON":5}}}`, 400},
		}},
		{"PATCH", "/webauthn/credentials/" + p.CredentialID(), bearer(token), []bodyCase{
			{"missing name", "application/json", `{}`, 422},
			{"name as bool", "application/json", `{"name":false}`, 422},
		}},
	}
	for _, rt := range routes {
		for _, tc := range append(common, rt.extra...) {
			headers := append([]string{"Content-Type", tc.contentType}, rt.headers...)
			r := srv.Do(t, rt.method, rt.path, tc.body, headers...)
			if r.Status != tc.status {
				t.Errorf("%s %s, %s: %d %.200s, want %d", rt.method, rt.path, tc.name, r.Status, r.Body, tc.status)
				continue
			}
			msg := r.ErrorMessage(t)
			if strings.Contains(msg, "json:") || strings.Contains(msg, "Go ") || strings.Contains(msg, "webauthn") {
				t.Errorf("%s %s, %s: message leaks internals: %q", rt.method, rt.path, tc.name, msg)
			}
		}
	}
	if srv.Metric(t, `http_request_duration_seconds_count{method="POST",route="/webauthn/register/finish",status="500"}`) != -1 {
		t.Error("a passkey route answered 500")
	}
	if list := listCredentials(t, srv, token); len(list) != 1 || list[0].Name != "Passkey" {
		t.Fatalf("malformed requests changed the passkey: %+v", list)
	}
}

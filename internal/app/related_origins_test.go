package app_test

import (
	"strings"
	"testing"
)

// TestServeRefusesMoreRelatedSitesThanBrowsersRead: six sites in
// AXUM_WEBAUTHN_RELATED_ORIGINS stop startup with an error naming the
// variable, before any backend is tried (both addresses below are closed,
// so getting as far as connecting would fail with another error).
func TestServeRefusesMoreRelatedSitesThanBrowsersRead(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":         "postgres://postgres@" + closedAddr(t) + "/movieapi",
		"REDIS_URL":            "redis://" + closedAddr(t),
		"AXUM_DB_RETRY_COUNT":  "0",
		"AXUM_WEBAUTHN_RP_ID":  "example.com",
		"AXUM_WEBAUTHN_ORIGIN": "https://example.com",
		"AXUM_WEBAUTHN_RELATED_ORIGINS": "https://a.example,https://b.example,https://c.example," +
			"https://d.example,https://e.example,https://f.example",
	}
	_, err := run(t, env, "serve")
	if err == nil {
		t.Fatal("serve started with six related sites")
	}
	for _, want := range []string{"invalid configuration: AXUM_WEBAUTHN_RELATED_ORIGINS", "6 distinct registrable domain labels"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// Five sites are fine as far as this check goes: startup gets to the
	// (closed) database.
	env["AXUM_WEBAUTHN_RELATED_ORIGINS"] = "https://a.example,https://b.example,https://c.example,https://d.example,https://e.example,https://www.e.example"
	if _, err := run(t, env, "serve"); err == nil || strings.Contains(err.Error(), "AXUM_WEBAUTHN_RELATED_ORIGINS") {
		t.Fatalf("five related sites: %v, want a connection error", err)
	}
}

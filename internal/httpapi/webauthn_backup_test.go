package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"movieapi/internal/apitest"
	"movieapi/internal/authtest"
)

// TestBackupFlagsStoredAtRegistration: backup eligibility and state as the
// authenticator reported them are stored and listed ("synced or not").
func TestBackupFlagsStoredAtRegistration(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	for _, tc := range []struct {
		username         string
		eligible, backed bool
	}{
		{"synced", true, true},
		{"eligible-only", true, false},
		{"device-bound", false, false},
	} {
		p := newPasskey(srv, authtest.ES256)
		p.BackupEligible, p.BackupState = tc.eligible, tc.backed
		authtest.Register(t, srv, tc.username, p, "")
		if row := credentialRow(t, db, p); row.BackupEligible != tc.eligible || row.BackupState != tc.backed {
			t.Errorf("%s: stored BE=%v BS=%v, want %v %v", tc.username, row.BackupEligible, row.BackupState, tc.eligible, tc.backed)
		}
		list := listCredentials(t, srv, authtest.SignIn(t, srv, tc.username, p))
		if list[0].BackupEligible != tc.eligible || list[0].BackupState != tc.backed {
			t.Errorf("%s: listed %+v, want BE=%v BS=%v", tc.username, list[0], tc.eligible, tc.backed)
		}
	}
}

// TestBackupStateChangeIsStored: a passkey that gets backed up (or stops
// being) after registration is listed as it is now.
func TestBackupStateChangeIsStored(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	p := newPasskey(srv, authtest.ES256)
	p.BackupEligible = true
	authtest.Register(t, srv, "pia", p, "")

	p.BackupState = true
	token := authtest.SignIn(t, srv, "pia", p)
	if row := credentialRow(t, db, p); !row.BackupState {
		t.Fatal("backup state set at sign-in was not stored")
	}
	if list := listCredentials(t, srv, token); !list[0].BackupState {
		t.Fatalf("listed %+v, want backup_state true", list[0])
	}
	p.BackupState = false
	authtest.SignIn(t, srv, "pia", p)
	if row := credentialRow(t, db, p); row.BackupState {
		t.Fatal("backup state cleared at sign-in was not stored")
	}
}

// TestBackupEligibilityFlipIsNotALockout: synced providers change backup
// eligibility; the sign-in succeeds, the change is stored and logged. An
// authenticator claiming a backup without eligibility is still refused.
func TestBackupEligibilityFlipIsNotALockout(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t)
	db := database(t, srv)
	p := newPasskey(srv, authtest.ES256)
	authtest.Register(t, srv, "quinn", p, "")

	p.BackupEligible, p.BackupState = true, true
	authtest.SignIn(t, srv, "quinn", p)
	if row := credentialRow(t, db, p); !row.BackupEligible || !row.BackupState {
		t.Fatalf("stored BE=%v BS=%v after the flip, want both", row.BackupEligible, row.BackupState)
	}
	if !strings.Contains(srv.Log.String(), "passkey backup eligibility changed") {
		t.Fatal("the eligibility change was not logged")
	}

	p.BackupEligible, p.BackupState = false, true
	r := finishSignIn(t, srv, "quinn", assert(t, p, startSignIn(t, srv, "quinn")))
	wantError(t, r, http.StatusUnauthorized, "authentication failed")
	if row := credentialRow(t, db, p); !row.BackupEligible {
		t.Fatal("a refused sign-in changed the stored flags")
	}
}

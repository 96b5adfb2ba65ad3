package postgres_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"movieapi/internal/domain"
)

func TestAccountByUsernameWithoutCredentials(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	// The API never leaves a user without a passkey; the row is written
	// directly to see the LEFT JOIN's NULL side.
	in := newUser(t, "Nina")
	if _, err := store.Pool().Exec(t.Context(),
		`INSERT INTO users (username, handle) VALUES ($1, $2)`, in.Username, in.Handle); err != nil {
		t.Fatal(err)
	}
	user, creds, err := store.AccountByUsername(t.Context(), parseName(t, "nina"))
	if err != nil || user.ID <= 0 || user.Username != "Nina" || !slices.Equal(user.Handle, in.Handle) || user.CreatedAt.IsZero() {
		t.Fatalf("AccountByUsername = %+v, %v", user, err)
	}
	if creds == nil || len(creds) != 0 {
		t.Fatalf("credentials = %#v, want an empty list", creds)
	}
}

// TestAccountByUsernameListsCredentialsInCreatedOrder: the order is the
// creation time's, not the id's, and every column survives the join.
func TestAccountByUsernameListsCredentialsInCreatedOrder(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	first := newCredential(t, "Phone")
	first.ID = append([]byte{0xff}, first.ID...) // sorts after second by id
	first.SignCount = 9
	user, err := store.CreateUserWithCredential(ctx, newUser(t, "Olga"), first)
	if err != nil {
		t.Fatal(err)
	}
	second := newCredential(t, "Laptop")
	second.ID = append([]byte{0x00}, second.ID...)
	second.UserID, second.Discoverable, second.BackupEligible, second.BackupState = user.ID, nil, false, false
	if err := store.AddCredential(ctx, second); err != nil {
		t.Fatal(err)
	}
	used := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	if _, err := store.Pool().Exec(ctx,
		`UPDATE credentials SET created_at = CASE WHEN id = $1 THEN $3::timestamptz - interval '1 minute' ELSE $3 END,
		     last_used_at = CASE WHEN id = $2 THEN $3 END
		 WHERE user_id = $4`, first.ID, second.ID, used, user.ID); err != nil {
		t.Fatal(err)
	}
	other, _ := register(t, store, "olgaa") // someone else's credential stays out

	got, creds, err := store.AccountByUsername(ctx, parseName(t, "Olga"))
	if err != nil || got.ID != user.ID || got.ID == other.ID || got.Username != "Olga" {
		t.Fatalf("AccountByUsername = %+v, %v", got, err)
	}
	want, err := store.CredentialsByUser(ctx, user.ID)
	if err != nil || len(want) != 2 || !slices.Equal(want[0].ID, first.ID) || want[1].LastUsedAt == nil {
		t.Fatalf("CredentialsByUser = %+v, %v", want, err)
	}
	if len(creds) != 2 || !credentialsEqual(creds[0], want[0]) || !credentialsEqual(creds[1], want[1]) {
		t.Fatalf("credentials through the join:\n got %+v\nwant %+v", creds, want)
	}
}

func TestAccountByUsernameIgnoresCase(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	user, cred := register(t, store, "Pablo")
	for _, name := range []string{"Pablo", "pablo", "PABLO", "pAbLo"} {
		got, creds, err := store.AccountByUsername(t.Context(), domain.Username{Display: name, Canonical: strings.ToLower(name)})
		if err != nil || got.ID != user.ID || got.Username != "Pablo" || len(creds) != 1 || !credentialsEqual(creds[0], cred) {
			t.Fatalf("AccountByUsername(%q) = %+v, %+v, %v", name, got, creds, err)
		}
	}
}

func TestAccountByUsernameOfUnknownUser(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	register(t, store, "quinn")
	for _, name := range []string{"quin", "quinnn", ""} {
		_, creds, err := store.AccountByUsername(t.Context(), domain.Username{Display: name, Canonical: strings.ToLower(name)})
		wantPublic(t, err, domain.ErrNotFound, "user not found")
		if creds != nil {
			t.Fatalf("credentials of an unknown user = %#v", creds)
		}
	}
}

func TestCredentialWithOwner(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	rita, ritaCred := register(t, store, "Rita")
	sam, samCred := register(t, store, "sam")
	for _, tc := range []struct {
		owner domain.User
		cred  domain.Credential
	}{{rita, ritaCred}, {sam, samCred}} {
		cred, owner, err := store.CredentialWithOwner(ctx, tc.cred.ID)
		if err != nil || !credentialsEqual(cred, tc.cred) {
			t.Fatalf("credential = %+v, %v; want %+v", cred, err, tc.cred)
		}
		if owner.ID != tc.owner.ID || owner.Username != tc.owner.Username ||
			!slices.Equal(owner.Handle, tc.owner.Handle) || !owner.CreatedAt.Equal(tc.owner.CreatedAt) {
			t.Fatalf("owner = %+v, want %+v", owner, tc.owner)
		}
	}
	_, _, err := store.CredentialWithOwner(ctx, randomBytes(t, 16))
	wantPublic(t, err, domain.ErrNotFound, "credential not found")
}
